"""Faults and stuffing in check-ins: each gets a clear message and loses nothing."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.pulse.conftest import answer_all_but_last, answer_pages
from village.people.models import Member, Role
from village.pulse import selectors, services
from village.pulse.models import Draft, LicenceConfirmation, Response, Round


def _step(client: Client, round_: Round, step: int, data: dict[str, str]) -> object:
    url = reverse("pulse:answer", kwargs={"code": round_.round_code, "step": step})
    return client.post(url, data)


def _received(round_: Round) -> int:
    """Answers sent: those released into Response and those still waiting in the mix."""
    return Response.objects.filter(round=round_).count() + round_.pending.count()


def _guest_answers(round_: Round, client: Client, last: dict[str, str]) -> object:
    return _step(client, round_, answer_all_but_last(client, round_), last)


def _last(round_: Round) -> int:
    return len(selectors.steps_for(round_=round_))


def test_a_round_without_a_comment_question_finishes_for_members(
    make_round: Callable[..., Round], make_member: Callable[..., Member]
) -> None:
    """Finding: a round with no comment question returned 500 to every member on the last
    step, and their answers were lost."""
    client = client_for(make_member(Role.STAFF, name="Sam"))
    round_ = make_round(comment_question="")
    last = answer_pages(client, round_)
    assert last.status_code == 302  # type: ignore[attr-defined]
    assert "Your score:" in client.get(last["Location"]).content.decode()  # type: ignore[index]
    assert _received(round_) == 1


def test_a_nul_byte_in_a_comment_is_dropped_not_a_crash(make_round: Callable[..., Round]) -> None:
    """Finding: a NUL byte in a pulse comment returned 500 on PostgreSQL and lost the page."""
    round_ = make_round()
    client = Client()
    saved = _guest_answers(round_, client, {"comment": "Tired\x00 but ok", "save": "1"})
    assert saved.status_code == 302  # type: ignore[attr-defined]
    assert Draft.objects.get().comment == "Tired but ok"
    sent = _step(client, round_, _last(round_), {"comment": "Tired\x00 but ok", "next": "1"})
    assert sent.status_code == 302  # type: ignore[attr-defined]
    services.round_close(round_=round_, actor=None)
    assert Response.objects.get().comment == "Tired but ok"


def test_a_three_megabyte_comment_gets_a_clear_message_and_is_kept(
    make_round: Callable[..., Round],
) -> None:
    """Finding: a 3 MB post got a bare "Bad Request" and the text was lost."""
    round_ = make_round()
    client = Client()
    huge = "I have a lot to say. " * 150_000
    response = _guest_answers(round_, client, {"comment": huge, "next": "1"})
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "Please keep your comment to 2,000 characters." in page
    assert huge.strip()[-1000:] in page
    assert Response.objects.count() == 0


def test_guests_cannot_pad_a_round_by_clearing_cookies(make_round: Callable[..., Round]) -> None:
    """Finding: one person sent 10 guest answers ("as Police") by clearing cookies."""
    round_ = make_round()
    pages = []
    for _attempt in range(10):
        response = _guest_answers(round_, Client(), {"comment": "", "next": "1"})
        pages.append(response)
    assert _received(round_) == 5
    refused = pages[-1]
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert "Many check-ins have been sent from here" in refused.content.decode()  # type: ignore[attr-defined]


def test_round_codes_cannot_be_guessed_quickly(make_round: Callable[..., Round]) -> None:
    """Finding: round codes had no rate limit."""
    round_ = make_round()
    client = Client()
    for number in range(10):
        client.post(reverse("circles:join"), {"code": f"WRONG{number:03d}"})
    response = client.post(reverse("circles:join"), {"code": round_.round_code})
    assert response.status_code == 429
    assert "You have tried a lot of codes" in response.content.decode()
    start = reverse("pulse:start", kwargs={"code": round_.round_code})
    assert client.get(start).status_code == 429
    assert Client(REMOTE_ADDR="192.0.2.9").get(start).status_code == 200


def test_scheduling_twice_with_one_form_makes_one_round(lead: Member) -> None:
    data = {
        "title": "Once",
        "instruments": ["cbi"],
        "opens_at": "2030-01-01T09:00",
        "closes_at": "2030-01-08T09:00",
        "form_token": "r" * 22,
    }
    client = client_for(lead)
    first = client.post(reverse("pulse:create"), data)
    second = client.post(reverse("pulse:create"), data)
    assert first.status_code == second.status_code == 302
    assert Round.objects.filter(title="Once").count() == 1


def test_confirming_a_licence_twice_confirms_once(make_member: Callable[..., Member]) -> None:
    admin = client_for(make_member(Role.ADMIN, name="Ada"))
    page = admin.get(reverse("pulse:licences")).content.decode()
    assert 'name="form_token"' in page
    data = {"instrument": "swemwbs", "confirm": "on", "form_token": "l" * 22}
    for _attempt in range(3):
        admin.post(reverse("pulse:licences"), data)
    assert LicenceConfirmation.objects.filter(instrument="swemwbs").count() == 1


def test_sending_the_last_step_twice_stores_one_response(
    make_round: Callable[..., Round],
) -> None:
    round_ = make_round()
    client = Client()
    first = _guest_answers(round_, client, {"comment": "Once", "next": "1"})
    second = _step(client, round_, _last(round_), {"comment": "Once", "next": "1"})
    assert first.status_code == 302  # type: ignore[attr-defined]
    assert "You have already taken part in this check-in." in second.content.decode()  # type: ignore[attr-defined]
    assert _received(round_) == 1
