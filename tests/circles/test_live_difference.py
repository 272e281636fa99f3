"""What was found: nearly every poll re-sent the whole list of about 1,200 reflections.

A poll names the version its page shows and gets only what changed since; a poll with
nothing new is answered from the cache without touching the database."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import guest_in
from village.circles import changes, live, services
from village.circles.live import card_id
from village.circles.models import Circle


def _post_many(circle: Circle, count: int) -> None:
    for index in range(count):
        key = f"k{index:042d}"
        participant = services.participant_join(circle=circle, member=None, browser_key=key)
        services.reflection_create(
            circle=circle,
            participant=participant,
            prompt=circle.prompts.first(),  # type: ignore[arg-type]
            text=f"Reflection number {index}",
            browser_key=key,
        )


def _poll(client: Client, circle: Circle, version: int) -> object:
    return client.get(
        reverse("circles:live", kwargs={"code": circle.join_code}), {"v": version, "s": "reflect"}
    )


def test_a_poll_with_nothing_new_reads_no_database(circle: Circle) -> None:
    _post_many(circle, 3)
    client = guest_in(circle, arrive=False)
    circle.refresh_from_db()
    _poll(client, circle, circle.version)  # the first poll learns who this is
    with CaptureQueriesContext(connection) as queries:
        response = _poll(client, circle, circle.version)
    assert response.status_code == 204  # type: ignore[attr-defined]
    assert len(queries) == 0, [q["sql"] for q in queries]


def test_a_poll_gets_only_the_new_reflection_not_the_list(circle: Circle) -> None:
    _post_many(circle, 60)
    client = guest_in(circle, arrive=False)
    circle.refresh_from_db()
    seen = circle.version
    participant = services.participant_join(circle=circle, member=None, browser_key="n" * 43)
    newest = services.reflection_create(
        circle=circle,
        participant=participant,
        prompt=circle.prompts.first(),  # type: ignore[arg-type]
        text="The newest one",
        browser_key="n" * 43,
    )
    html = _poll(client, circle, seen).content.decode()  # type: ignore[attr-defined]
    assert "The newest one" in html and card_id(newest.public_id) in html
    assert "Reflection number" not in html, "none of the 60 the page already has"
    assert 'hx-swap-oob="beforeend:#board-all"' in html
    assert "61 reflections so far." in html
    circle.refresh_from_db()
    assert f"v={circle.version}" in html, "the page polls on from the new version"


def test_a_changed_and_a_withdrawn_reflection_are_swapped_in_place(circle: Circle) -> None:
    authors = {}
    for text, key in (("Keep me", "a" * 43), ("Take me back", "b" * 43)):
        participant = services.participant_join(circle=circle, member=None, browser_key=key)
        reflection = services.reflection_create(
            circle=circle,
            participant=participant,
            prompt=circle.prompts.first(),  # type: ignore[arg-type]
            text=text,
            browser_key=key,
        )
        authors[text] = (reflection, participant, key)
    client = guest_in(circle, arrive=False)
    circle.refresh_from_db()
    seen = circle.version
    kept, keeper, keeper_key = authors["Keep me"]
    services.reflection_update(
        reflection=kept, participant=keeper, browser_key=keeper_key, text="Keep me, changed"
    )
    taken, taker, taker_key = authors["Take me back"]
    services.reflection_withdraw(reflection=taken, participant=taker, browser_key=taker_key)
    html = _poll(client, circle, seen).content.decode()  # type: ignore[attr-defined]
    assert f'<li hx-swap-oob="true" class="village-card" id="{card_id(kept.public_id)}">' in html
    assert "Keep me, changed" in html
    assert f'<li id="{card_id(taken.public_id)}" hx-swap-oob="delete"></li>' in html
    assert "Take me back" not in html
    assert "1 reflection so far." in html


def test_a_page_too_far_behind_gets_the_whole_board_once(
    circle: Circle, monkeypatch: pytest.MonkeyPatch
) -> None:
    _post_many(circle, 2)
    cache.clear()  # the notes are gone, as after a restart without a shared cache
    client = guest_in(circle, arrive=False)
    _poll(client, circle, 1)  # a missing note may be on its way: the page waits a moment
    monkeypatch.setattr(changes, "NOTE_WAIT_SECONDS", 0.0)  # and the moment has passed
    html = _poll(client, circle, 1).content.decode()  # type: ignore[attr-defined]
    assert 'id="circle-board-wrap" hx-swap-oob="innerHTML"' in html
    assert "Reflection number 0" in html and "Reflection number 1" in html


def test_each_version_is_rendered_once_for_every_page_that_polls_across_it(
    circle: Circle,
) -> None:
    """Pages poll from all sorts of versions; the second page joins the pieces the first one
    rendered and reads no reflections itself."""
    first_page = guest_in(circle, arrive=False)
    second_page = guest_in(circle, arrive=False)
    circle.refresh_from_db()
    seen = circle.version
    _post_many(circle, 2)
    circle.refresh_from_db()
    middle = circle.version
    participant = services.participant_join(circle=circle, member=None, browser_key="m" * 43)
    services.reflection_create(
        circle=circle,
        participant=participant,
        prompt=circle.prompts.first(),  # type: ignore[arg-type]
        text="Reflection number 2",
        browser_key="m" * 43,
    )
    first = _poll(first_page, circle, seen).content.decode()  # type: ignore[attr-defined]
    assert all(f"Reflection number {n}" in first for n in range(3))
    _poll(second_page, circle, seen)  # the second page learns who it is
    with CaptureQueriesContext(connection) as queries:
        second = _poll(second_page, circle, middle).content.decode()  # type: ignore[attr-defined]
    assert "Reflection number 2" in second
    assert "Reflection number 0" not in second and "Reflection number 1" not in second
    assert not [q["sql"] for q in queries if "circles_reflection" in q["sql"]]


def test_a_post_then_its_change_in_one_poll_ends_with_the_changed_words(circle: Circle) -> None:
    client = guest_in(circle, arrive=False)
    circle.refresh_from_db()
    seen = circle.version
    participant = services.participant_join(circle=circle, member=None, browser_key="e" * 43)
    posted = services.reflection_create(
        circle=circle,
        participant=participant,
        prompt=circle.prompts.first(),  # type: ignore[arg-type]
        text="First words",
        browser_key="e" * 43,
    )
    _poll(guest_in(circle, arrive=False), circle, seen)  # another page renders the post first
    services.reflection_update(
        reflection=posted, participant=participant, browser_key="e" * 43, text="Better words"
    )
    html = _poll(client, circle, seen).content.decode()  # type: ignore[attr-defined]
    last = html.rindex(f'id="{card_id(posted.public_id)}"')
    assert "Better words" in html[last:], "the change is applied after the post"


def test_in_a_large_circle_a_participant_gets_the_count_and_the_facilitator_every_card(
    circle: Circle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thousand pages each getting a hundred cards a second is more than anyone can read or
    a server can send: above the limit, a participant's page gets how many there are, and its
    own cards, while the facilitator's gets every card."""
    monkeypatch.setattr(live, "EVERY_CARD_UP_TO", 2)
    _post_many(circle, 3)  # three people, so a large circle for this test
    client = guest_in(circle, arrive=False)
    circle.refresh_from_db()
    seen = circle.version
    participant = services.participant_join(circle=circle, member=None, browser_key="w" * 43)
    services.reflection_create(
        circle=circle,
        participant=participant,
        prompt=circle.prompts.first(),  # type: ignore[arg-type]
        text="A new one",
        browser_key="w" * 43,
    )
    cache.delete(f"circle-live:{circle.pk}:{circle.join_code}:count-now")
    html = _poll(client, circle, seen).content.decode()  # type: ignore[attr-defined]
    assert "A new one" not in html
    assert "4 reflections so far." in html

    room = client.get(reverse("circles:room", kwargs={"code": circle.join_code})).content.decode()
    assert "This is a large circle" in room
    assert "Reflection number 0" not in room

    writer = guest_in(circle, arrive=False)
    writer.post(
        reverse("circles:reflect", kwargs={"code": circle.join_code}),
        {"prompt": circle.prompts.first().pk, "text": "My own words", "form_token": "t" * 22},  # type: ignore[union-attr]
    )
    own_room = writer.get(reverse("circles:room", kwargs={"code": circle.join_code}))
    assert "My own words" in own_room.content.decode(), "one's own reflections still show"
    assert "Change" in own_room.content.decode()


def test_pages_of_a_larger_circle_poll_less_often(
    circle: Circle, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = reverse("circles:room", kwargs={"code": circle.join_code})
    client = guest_in(circle, arrive=False)
    assert 'hx-trigger="every 2s,' in client.get(room).content.decode()
    monkeypatch.setattr(live, "EVERY_CARD_UP_TO", 2)
    monkeypatch.setattr(live, "LARGE_CIRCLE_POLLS_PER_SECOND", 1)
    _post_many(circle, 4)  # five people: the page polls every 5 s, to keep 1 poll a second
    cache.delete(f"circle-live:{circle.pk}:{circle.join_code}:people")
    seconds = {
        int(re.search(r'hx-trigger="every (\d+)s,', client.get(room).content.decode())[1])  # type: ignore[index]
        for _ in range(40)
    }
    assert seconds <= {2, 3, 4, 5} and max(seconds) == 5 and len(seconds) > 1, (
        "up to 5 s, and not all pages alike, so they drift apart"
    )


def test_a_poll_that_sees_a_version_before_its_note_gets_what_came_before_and_waits(
    circle: Circle,
) -> None:
    """A post's version is bumped a moment before its note reaches the cache; a poll in that
    moment gets the changes before it and polls on from there, not the whole board."""
    client = guest_in(circle, arrive=False)
    circle.refresh_from_db()
    seen = circle.version
    _post_many(circle, 2)
    circle.refresh_from_db()
    cache.delete(f"circle-live:{circle.pk}:{circle.join_code}:{circle.version}")
    html = _poll(client, circle, seen).content.decode()  # type: ignore[attr-defined]
    assert "circle-board-wrap" not in html, "not the whole board"
    assert "Reflection number 0" in html and "Reflection number 1" not in html
    assert f"v={circle.version - 1}&" in html, "the page polls on from before the gap"
