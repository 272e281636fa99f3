"""One "Join with a code" page for circle and round codes alike.

Finding: a guest with a round code was told no circle has that code, and the round-code page
was linked only from a signed-in page."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.hostile import HOSTILE, check
from village.circles.models import Circle
from village.people import join_codes
from village.people.models import Member
from village.pulse.models import Round

JOIN = reverse("circles:join")


def test_a_guest_with_a_round_code_is_taken_to_the_check_in(
    make_round: Callable[..., Round],
) -> None:
    round_ = make_round()
    reply = Client().post(JOIN, {"code": round_.round_code})
    assert reply.status_code == 302
    assert reply["Location"] == reverse("pulse:start", kwargs={"code": round_.round_code})


def test_circle_codes_still_open_the_circle(circle: Circle) -> None:
    reply = Client().post(JOIN, {"code": circle.join_code})
    assert reply["Location"] == reverse("circles:room", kwargs={"code": circle.join_code})


def test_the_page_says_it_takes_either_code(db: None) -> None:
    page = Client().get(JOIN).content.decode()
    assert "Join with a code" in page
    assert "a circle, a check-in or a conversation" in page


def test_an_unknown_code_says_plainly_that_neither_was_found(db: None) -> None:
    page = Client().post(JOIN, {"code": "NOPE-2345"}).content.decode()
    assert "We could not find a circle, a check-in or a conversation with that code." in page


def test_the_old_round_code_page_leads_to_the_one_join_page(db: None) -> None:
    reply = Client().get(reverse("pulse:join"), {"code": "ABCD2345"})
    assert reply.status_code == 302
    assert reply["Location"] == JOIN + "?code=ABCD2345"
    assert Client().get(reverse("pulse:join"))["Location"] == JOIN


def test_a_code_in_the_link_is_filled_in_and_followed(make_round: Callable[..., Round]) -> None:
    round_ = make_round()
    reply = Client().get(JOIN, {"code": round_.round_code})
    assert reply["Location"] == reverse("pulse:start", kwargs={"code": round_.round_code})


def test_signed_in_people_find_the_join_page_from_check_ins(lead: Member) -> None:
    page = client_for(lead).get(reverse("pulse:list")).content.decode()
    assert f'href="{JOIN}"' in page


def test_hostile_codes_get_a_clear_answer(db: None) -> None:
    for kind, value in HOSTILE.items():
        for reply in (Client().post(JOIN, {"code": value}), Client().get(JOIN, {"code": value})):
            page = check(reply, value)
            if kind in ("empty", "huge"):
                assert "There is a problem" in page, kind


def test_a_code_sent_in_a_wrong_encoding_gets_a_clear_answer(db: None) -> None:
    reply = Client().post(
        JOIN, b"code=%FF%FEAB%C3", content_type="application/x-www-form-urlencoded"
    )
    assert reply.status_code == 200
    assert (
        "We could not find a circle, a check-in or a conversation with that code."
        in reply.content.decode()
    )


def test_a_new_round_never_takes_a_circle_code(
    circle: Circle, make_round: Callable[..., Round], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first code drawn is the circle's: the round gets the next one."""
    drawn = iter(circle.join_code + "ROUND234")
    monkeypatch.setattr(join_codes, "secrets", SimpleNamespace(choice=lambda _: next(drawn)))
    round_ = make_round()
    assert round_.round_code == "ROUND234"
