"""The facilitator's page: reflections live with their prompt, grouping by the Move page or
dialog (the keyboard way) and by drag and drop (the same post), undo, and ending with care."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from village.circles import services
from village.circles.live import card_id
from village.circles.models import Circle, Phase, Reflection, Theme
from village.people.models import Member

KEY = "k" * 43


def _reflection(circle: Circle, text: str, *, prompt: int = 0) -> Reflection:
    participant = services.participant_join(circle=circle, member=None, browser_key=KEY)
    return services.reflection_create(
        circle=circle,
        participant=participant,
        prompt=list(circle.prompts.all())[prompt],
        text=text,
        browser_key=KEY,
    )


def _theme_of(reflection: Reflection) -> int | None:
    return Reflection.objects.get(public_id=reflection.public_id).theme_id


def _group(
    client: Client, circle: Circle, reflection: Reflection, theme: Theme | None, **extra: str
):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("circles:group", kwargs={"pk": circle.pk}),
        {"reflection": str(reflection.public_id), "theme": theme.pk if theme else ""},
        **extra,
    )


def test_facilitator_sees_each_reflection_with_its_prompt(
    circle: Circle, facilitator: Member
) -> None:
    """Finding: the grouping list did not show which prompt each reflection answers."""
    _reflection(circle, "Nobody answers the duty phone", prompt=1)
    page = client_for(facilitator).get(reverse("circles:facilitate", kwargs={"pk": circle.pk}))
    html = page.content.decode()
    card = html[html.index("Nobody answers the duty phone") - 400 :]
    assert "What isn&#x27;t working?" in card[:400]


def test_new_reflections_reach_the_facilitator_by_difference(
    circle: Circle, facilitator: Member
) -> None:
    """Finding: the grouping list never updated live (only the count did)."""
    client = client_for(facilitator)
    client.get(reverse("circles:facilitate", kwargs={"pk": circle.pk}))
    circle.refresh_from_db()
    live = reverse("circles:facilitate_live", kwargs={"pk": circle.pk})
    seen = circle.version
    assert client.get(live, {"v": seen, "s": "reflect"}).status_code == 204
    reflection = _reflection(circle, "Shared debriefs help", prompt=2)
    update = client.get(live, {"v": seen, "s": "reflect"}).content.decode()
    assert "Shared debriefs help" in update and "What would help?" in update
    assert 'hx-swap-oob="beforeend:#board-ungrouped"' in update
    assert card_id(reflection.public_id) in update
    assert "1 person has joined" in update, "the room panel is updated too"


def test_moving_by_the_move_page_and_undoing(circle: Circle, facilitator: Member) -> None:
    reflection = _reflection(circle, "Nobody answers the duty phone")
    theme = services.theme_create(circle=circle, actor=facilitator, name="Who to call")
    client = client_for(facilitator)
    move_page = client.get(
        reverse(
            "circles:move_reflection",
            kwargs={"pk": circle.pk, "reflection_id": reflection.public_id},
        )
    ).content.decode()
    assert "Move this reflection" in move_page and "Who to call" in move_page
    response = _group(client, circle, reflection, theme, follow=True)
    assert "Moved 1 reflection to “Who to call”." in response.content.decode()
    assert _theme_of(reflection) == theme.pk
    page = client.get(reverse("circles:facilitate", kwargs={"pk": circle.pk})).content.decode()
    assert "Undo moving 1 reflection to “Who to call”" in page
    client.post(reverse("circles:undo", kwargs={"pk": circle.pk}))
    assert _theme_of(reflection) is None
    again = client.post(reverse("circles:undo", kwargs={"pk": circle.pk}), follow=True)
    assert "There is nothing to undo." in again.content.decode()


def test_a_drop_posts_with_htmx_and_gets_a_spoken_status(
    circle: Circle, facilitator: Member
) -> None:
    reflection = _reflection(circle, "Too many meetings")
    theme = services.theme_create(circle=circle, actor=facilitator, name="Time")
    response = _group(client_for(facilitator), circle, reflection, theme, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "village-poll"
    assert 'id="circle-status" hx-swap-oob="innerHTML"' in response.content.decode()
    assert "Moved 1 reflection to “Time”." in response.content.decode()
    assert _theme_of(reflection) == theme.pk


def test_removing_a_theme_can_be_undone_with_its_reflections(
    circle: Circle, facilitator: Member
) -> None:
    first = _reflection(circle, "One")
    second = _reflection(circle, "Two")
    theme = services.theme_create(
        circle=circle,
        actor=facilitator,
        name="Staffing",
        reflection_ids=[str(first.public_id), str(second.public_id)],
    )
    client = client_for(facilitator)
    client.post(reverse("circles:theme_delete", kwargs={"pk": circle.pk, "theme_pk": theme.pk}))
    assert not Theme.objects.filter(pk=theme.pk).exists()
    assert _theme_of(first) is None and _theme_of(second) is None
    client.post(reverse("circles:undo", kwargs={"pk": circle.pk}))
    restored = Theme.objects.get(circle=circle, name="Staffing")
    assert _theme_of(first) == _theme_of(second) == restored.pk


def test_renaming_a_theme(circle: Circle, facilitator: Member) -> None:
    theme = services.theme_create(circle=circle, actor=facilitator, name="Tme")
    client_for(facilitator).post(
        reverse("circles:theme_rename", kwargs={"pk": circle.pk, "theme_pk": theme.pk}),
        {"name": "  Time   to   reflect "},
    )
    theme.refresh_from_db()
    assert theme.name == "Time to reflect"


def test_moving_nothing_or_an_unknown_reflection_is_explained(
    circle: Circle, facilitator: Member
) -> None:
    _reflection(circle, "Something")
    client = client_for(facilitator)
    url = reverse("circles:group", kwargs={"pk": circle.pk})
    page = client.post(url, {"theme": ""}, follow=True).content.decode()
    assert "Choose a reflection to move." in page
    page = client.post(
        url, {"theme": "", "reflection": ["not-a-reflection"]}, follow=True
    ).content.decode()
    assert "That reflection is already in “Not in a theme yet”." in page


def test_ending_asks_first(circle: Circle, facilitator: Member) -> None:
    """Finding: "End the circle" sat beside "Go to themes" with no confirmation."""
    client = client_for(facilitator)
    page = client.get(reverse("circles:facilitate", kwargs={"pk": circle.pk})).content.decode()
    end_url = reverse("circles:end", kwargs={"pk": circle.pk})
    assert f'href="{end_url}"' in page
    assert 'value="ended"' not in page, "no button on the page ends the circle at once"
    assert "cannot be undone" not in page, "moving on says only that steps go forward"
    confirm = client.get(end_url).content.decode()
    assert "End the circle?" in confirm and "Ending cannot be undone." in confirm
    circle.refresh_from_db()
    assert circle.phase == Phase.REFLECT
    client.post(reverse("circles:move_phase", kwargs={"pk": circle.pk}), {"phase": "ended"})
    circle.refresh_from_db()
    assert circle.phase == Phase.ENDED
    ended = client.get(reverse("circles:facilitate", kwargs={"pk": circle.pk})).content.decode()
    assert "It can be read but not changed." in ended and f'href="{end_url}"' not in ended
