"""Answering on a phone: at most 7 questions a step, one time estimate everywhere, and the
person's own scores reached by redirect and kept only in their browser.

Findings: one step showed 19 questions (about 7,000 px tall at 320 px); the pages said
"about two minutes" while the README and form said 90 seconds for a 27-question set; the
scores page was the reply to a POST, so refreshing it sent the answers again."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.pulse.conftest import answer_pages
from village.engines.instruments import load_instruments
from village.people.browser_key import COOKIE_NAME
from village.people.models import Member, Role
from village.pulse import own_results, selectors, services
from village.pulse.models import Audience, PendingResponse, Response, Round

README = Path(__file__).resolve().parents[2] / "README.md"
MAX_QUESTIONS = 7


@pytest.mark.parametrize("instrument_id", sorted(load_instruments()))
def test_no_step_asks_more_than_seven_questions(
    instrument_id: str, make_round: Callable[..., Round], make_member: Callable[..., Member]
) -> None:
    instrument = load_instruments()[instrument_id]
    if instrument.licence.requires_confirmation:
        admin = make_member(Role.ADMIN)
        services.licence_confirm(
            partnership=admin.partnership, actor=admin, instrument_id=instrument_id
        )
    audience = Audience.FAMILY if Audience.FAMILY in instrument.audiences else Audience.STAFF
    round_ = make_round(instruments=[instrument_id], intended_for=audience, comment_question="")
    steps = selectors.steps_for(round_=round_)
    numbers = [item.number for step in steps for item in step.items]
    assert numbers == [item.number for item in instrument.items], "every item once, in order"
    sizes = [len(step.items) for step in steps]
    assert max(sizes) <= MAX_QUESTIONS
    assert max(sizes) - min(sizes) <= 1, f"parts are even: {sizes}"
    page = Client().get(reverse("pulse:answer", args=[round_.round_code, 1])).content.decode()
    asked = set(re.findall(r'name="(item_\d+)"', page))
    assert 0 < len(asked) <= MAX_QUESTIONS


def test_the_copenhagen_inventory_comes_in_three_parts(make_round: Callable[..., Round]) -> None:
    round_ = make_round()
    steps = selectors.steps_for(round_=round_)
    assert [len(s.items) for s in steps] == [7, 6, 6, 4, 4, 0]
    page = Client().get(reverse("pulse:answer", args=[round_.round_code, 2])).content.decode()
    assert "Step 2 of 6" in page and "part 2 of 3" in page
    assert "8 of 19." in page, "questions keep their numbers within the questionnaire"


def test_answers_from_every_part_are_kept_when_the_last_part_is_sent(
    make_round: Callable[..., Round],
) -> None:
    round_ = make_round(comment_question="")
    reply = answer_pages(Client(), round_, value=2)
    assert reply.status_code == 302
    services.round_close(round_=round_, actor=None)
    response = Response.objects.get(round=round_)
    assert len(response.answers["cbi"]) == 19 and len(response.answers["multiagency"]) == 8


def test_one_time_estimate_worked_out_from_the_items(
    make_round: Callable[..., Round],
    make_member: Callable[..., Member],
    lead: Member,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_member(Role.STAFF, name="Sam")
    estimate = selectors.time_estimate(instrument_ids=services.DEFAULT_INSTRUMENTS, comment=True)
    assert estimate == "about 3 minutes", "27 questions at 5 seconds, and a comment box"
    with django_capture_on_commit_callbacks(execute=True):
        round_ = make_round(comment_question=str(services.DEFAULT_COMMENT_QUESTION))
    assert selectors.round_time_estimate(round_=round_) == estimate
    start = Client().get(reverse("pulse:start", args=[round_.round_code])).content.decode()
    form = client_for(lead).get(reverse("pulse:create")).content.decode()
    readme = " ".join(README.read_text(encoding="utf-8").split())
    for where, text in (("start page", start), ("form", form), ("README", readme)):
        assert estimate in text, where
        assert "two minutes" not in text and "90 seconds" not in text, where
    assert mail.outbox and all(estimate in message.body for message in mail.outbox)


def _finish(client: Client, round_: Round) -> Any:
    return answer_pages(client, round_, value=3, comment="Fine")


def test_scores_are_reached_by_redirect_and_refreshing_sends_nothing_again(
    make_round: Callable[..., Round], make_member: Callable[..., Member]
) -> None:
    client = client_for(make_member(Role.STAFF, name="Sam"))
    round_ = make_round()
    done = _finish(client, round_)
    results = reverse("pulse:results", args=[round_.round_code])
    assert done.status_code == 302 and done["Location"] == results
    for _refresh in range(3):
        page = client.get(results)
        content = page.content.decode()
        assert page.status_code == 200 and "Your score: 50" in content
        assert "There is no pass mark" in content and "Breathing Space" in content
        assert page["Cache-Control"] == "no-store"
    assert PendingResponse.objects.filter(round=round_).count() == 1


def test_scores_are_private_to_the_browser_that_answered(
    make_round: Callable[..., Round],
) -> None:
    round_ = make_round()
    answering = Client()
    _finish(answering, round_)
    results = reverse("pulse:results", args=[round_.round_code])
    other = Client().get(results).content.decode()
    assert "Your score:" not in other and "kept only in the browser" in other
    stolen = Client()
    stolen.cookies = answering.cookies
    stolen.cookies.pop(COOKIE_NAME)
    assert "Your score:" not in stolen.get(results).content.decode(), "tied to the browser key"


def test_scores_are_kept_in_the_browser_not_with_anything_that_names_a_person(
    make_round: Callable[..., Round], make_member: Callable[..., Member]
) -> None:
    client = client_for(make_member(Role.STAFF, name="Sam"))
    round_ = make_round()
    _finish(client, round_)
    signed_in = {"_auth_user_id", "_auth_user_backend", "_auth_user_hash"}
    for session in Session.objects.all():
        assert set(session.get_decoded()) <= signed_in, "the session holds no scores"
    cache.clear()
    Session.objects.all().delete()
    page = client.get(reverse("pulse:results", args=[round_.round_code]))
    assert "Your score: 50" in page.content.decode(), "the browser holds them, nothing else"
    cookie = client.cookies[own_results.COOKIE_NAME]
    assert cookie["httponly"] and cookie["path"] == reverse(
        "pulse:results", args=[round_.round_code]
    )
    assert 0 < int(cookie["max-age"]) <= 15 * 60
