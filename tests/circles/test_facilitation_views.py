"""The facilitator's page: grouping reflections into themes through the view."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import client_for
from village.circles import services
from village.circles.models import Circle, Reflection
from village.people.models import Member

KEY = "k" * 43


def _reflection(circle: Circle, text: str) -> Reflection:
    participant = services.participant_join(circle=circle, member=None, browser_key=KEY)
    return services.reflection_create(
        circle=circle,
        participant=participant,
        prompt=circle.prompts.first(),
        text=text,
        browser_key=KEY,
    )


def test_facilitator_moves_reflections_into_a_theme_and_back(
    circle: Circle, facilitator: Member
) -> None:
    reflection = _reflection(circle, "Nobody answers the duty phone")
    theme = services.theme_create(circle=circle, actor=facilitator, name="Who to call")
    client = client_for(facilitator)
    url = reverse("circles:group", kwargs={"pk": circle.pk})
    page = client.get(reverse("circles:facilitate", kwargs={"pk": circle.pk})).content.decode()
    assert "Move reflections between themes" in page and "(ungrouped)" in page
    response = client.post(
        url, {"move-theme": theme.pk, "move-reflections": [str(reflection.public_id)]}, follow=True
    )
    assert "1 reflection moved." in response.content.decode()
    reflection.refresh_from_db()
    assert reflection.theme == theme
    client.post(url, {"move-theme": "", "move-reflections": [str(reflection.public_id)]})
    reflection.refresh_from_db()
    assert reflection.theme is None


def test_moving_nothing_or_an_unknown_reflection_is_explained(
    circle: Circle, facilitator: Member
) -> None:
    _reflection(circle, "Something")
    client = client_for(facilitator)
    url = reverse("circles:group", kwargs={"pk": circle.pk})
    assert "There is a problem" in client.post(url, {"move-theme": ""}).content.decode()
    page = client.post(
        url, {"move-theme": "", "move-reflections": ["not-a-reflection"]}
    ).content.decode()
    assert "There is a problem" in page
