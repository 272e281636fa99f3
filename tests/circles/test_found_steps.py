"""What was found: steps were enforced only by which buttons the templates showed.

Each test sends what a template no longer shows, straight to the view or the service, and
expects a plain refusal that changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for, guest_in
from village.circles import selectors, services
from village.circles.models import Circle, Participant, Phase, Reflection, Theme
from village.errors import UserError
from village.people.models import Member

KEY = "f" * 43


def _post(client: Client, circle: Circle, text: str) -> Reflection:
    client.post(
        reverse("circles:reflect", kwargs={"code": circle.join_code}),
        {"prompt": circle.prompts.first().pk, "text": text},  # type: ignore[union-attr]
    )
    return Reflection.objects.get(circle=circle, text=text)


@pytest.fixture
def voted_circle(circle: Circle, facilitator: Member) -> tuple[Circle, Theme, list[Client]]:
    """A circle where a theme won 3 dots from each of six guests, then ended."""
    guests = [guest_in(circle) for _ in range(6)]
    reflection = _post(guests[0], circle, "We need a shared duty list")
    theme = services.theme_create(
        circle=circle,
        actor=facilitator,
        name="Who to call",
        reflection_ids=[str(reflection.public_id)],
    )
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.VOTE)
    for guest in guests:
        guest.post(
            reverse("circles:dots", kwargs={"code": circle.join_code}), {f"theme_{theme.pk}": "3"}
        )
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ENDED)
    theme.refresh_from_db()
    assert theme.dots == 18
    return circle, theme, guests


def test_after_the_end_the_facilitator_cannot_remove_a_theme_with_dots(
    voted_circle: tuple[Circle, Theme, list[Client]], facilitator: Member
) -> None:
    circle, theme, _guests = voted_circle
    with pytest.raises(UserError):
        services.theme_delete(theme=theme, actor=facilitator)
    response = client_for(facilitator).post(
        reverse("circles:theme_delete", kwargs={"pk": circle.pk, "theme_pk": theme.pk}),
        follow=True,
    )
    assert "This circle has closed" in response.content.decode()
    summary = selectors.circle_summary(circle=circle)
    assert [(t.name, t.dots) for t in summary.themes] == [("Who to call", 18)]


def test_after_the_end_the_facilitator_cannot_move_reflections(
    voted_circle: tuple[Circle, Theme, list[Client]], facilitator: Member
) -> None:
    circle, theme, _guests = voted_circle
    reflection = Reflection.objects.get(circle=circle)
    with pytest.raises(UserError):
        services.reflections_group(
            circle=circle, actor=facilitator, theme=None, reflection_ids=[str(reflection.public_id)]
        )
    client_for(facilitator).post(
        reverse("circles:group", kwargs={"pk": circle.pk}),
        {"reflection": str(reflection.public_id), "theme": ""},
    )
    assert Reflection.objects.get(public_id=reflection.public_id).theme_id == theme.pk


def test_after_the_end_nobody_can_ask_for_a_pause(
    voted_circle: tuple[Circle, Theme, list[Client]],
) -> None:
    circle, _theme, guests = voted_circle
    response = guests[1].post(reverse("circles:pause", kwargs={"code": circle.join_code}))
    assert response.status_code in (200, 302)
    circle.refresh_from_db()
    assert circle.pause_requests == 0
    with pytest.raises(UserError):
        services.pause_request(
            circle=circle, participant=Participant.objects.filter(circle=circle).first()
        )


def test_reflections_cannot_be_changed_during_the_themes_step(
    circle: Circle, facilitator: Member
) -> None:
    guest = guest_in(circle)
    reflection = _post(guest, circle, "First words")
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.GROUP)
    url = reverse(
        "circles:reflection_edit",
        kwargs={"code": circle.join_code, "reflection_id": reflection.public_id},
    )
    page = guest.post(url, {"text": "Changed during themes"}, follow=True).content.decode()
    assert "can no longer be changed" in page
    assert Reflection.objects.get(public_id=reflection.public_id).text == "First words"


def test_after_the_end_nothing_else_changes(
    voted_circle: tuple[Circle, Theme, list[Client]],
    facilitator: Member,
    make_member: Callable[..., Member],
) -> None:
    circle, theme, _guests = voted_circle
    refusals = [
        lambda: services.theme_create(circle=circle, actor=facilitator, name="Late"),
        lambda: services.theme_rename(theme=theme, actor=facilitator, name="Renamed"),
        lambda: services.circle_guests_set(circle=circle, actor=facilitator, open_to_guests=False),
        lambda: services.pauses_acknowledge(circle=circle, actor=facilitator),
    ]
    for refused in refusals:
        with pytest.raises(UserError):
            refused()
    theme.refresh_from_db()
    assert theme.name == "Who to call"
