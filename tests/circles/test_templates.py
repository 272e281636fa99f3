"""Circle templates: a facilitator starts from one of Village's three or the partnership's
own, and can save a circle's settings as a new one."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.urls import reverse

from tests.conftest import client_for
from village.circles import policy
from village.circles.models import Circle, CircleTemplate, Phase
from village.people.models import Member, Partnership, Role


def _checkbox(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found is not None
    return found.group(0)


def _form(**overrides: str) -> dict[str, str]:
    return {
        "title": "After Tuesday",
        "purpose": "To look after each other.",
        "agreements": "What is shared here stays here.",
        "prompts": "How are you right now?",
        "opens_at": "2030-01-01T10:00",
        "closes_at": "2030-01-01T11:00",
        "dots_per_person": "3",
        **overrides,
    }


def test_the_choose_page_offers_three_templates_and_the_partnerships_own(
    facilitator: Member,
) -> None:
    client = client_for(facilitator)
    page = client.get(reverse("circles:create")).content.decode()
    for name in (
        "A regular multiagency reflection",
        "A safe debrief after a hard day or a critical incident",
        "A circle for people new to the work",
    ):
        assert name in page


def test_a_debrief_fills_in_its_own_agreements_and_prompts_with_support_first(
    facilitator: Member,
) -> None:
    client = client_for(facilitator)
    page = client.get(reverse("circles:create"), {"template": "debrief"}).content.decode()
    assert "We talk about how we are, not about who did what." in page
    assert "How are you right now?" in page
    assert "checked" not in _checkbox(page, "uses_themes")
    assert "checked" in _checkbox(page, "support_first")
    response = client.post(reverse("circles:create"), _form(template="debrief", support_first="on"))
    circle = Circle.objects.get(title="After Tuesday")
    assert response["Location"] == reverse("circles:facilitate", kwargs={"pk": circle.pk})
    assert not circle.uses_themes and circle.support_first
    assert policy.steps_of(circle) == (Phase.REFLECT, Phase.ACT, Phase.CLOSE, Phase.ENDED)


def test_settings_saved_as_a_template_are_offered_next_time(facilitator: Member) -> None:
    client = client_for(facilitator)
    client.post(
        reverse("circles:create"),
        _form(template="regular", uses_themes="on", save_as="Duty team huddle"),
    )
    template = CircleTemplate.objects.get(name="Duty team huddle")
    assert template.prompts == ["How are you right now?"] and template.minutes == 60
    page = client.get(reverse("circles:create")).content.decode()
    assert "Duty team huddle" in page
    filled = client.get(reverse("circles:create"), {"template": template.pk}).content.decode()
    assert "How are you right now?" in filled


def test_templates_belong_to_one_partnership_and_to_those_who_run_circles(
    facilitator: Member,
    make_member: Callable[..., Member],
    other_partnership: Partnership,
) -> None:
    client_for(facilitator).post(
        reverse("circles:create"), _form(template="regular", save_as="Ours only")
    )
    template = CircleTemplate.objects.get(name="Ours only")
    outsider = make_member(Role.FACILITATOR, partnership=other_partnership, name="Out")
    assert "Ours only" not in client_for(outsider).get(reverse("circles:create")).content.decode()
    remove = reverse("circles:template_delete", kwargs={"pk": template.pk})
    assert client_for(outsider).post(remove).status_code == 404
    assert client_for(make_member(Role.STAFF, name="Sam")).post(remove).status_code == 403
    client_for(facilitator).post(remove)
    assert not CircleTemplate.objects.filter(pk=template.pk).exists()


def test_an_unknown_template_shows_the_choice_again(facilitator: Member) -> None:
    page = client_for(facilitator).get(reverse("circles:create"), {"template": "nope"})
    assert "Choose what kind of circle this is." in page.content.decode()
