"""Every check-in form, sent empty, huge, malformed and hostile input: each gets a clear
answer (never a 500), nothing hostile is echoed unescaped, and words are kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.hostile import HOSTILE, check
from tests.pulse.conftest import answer_all_but_last
from village.people.models import Member
from village.pulse.models import Round


@pytest.mark.parametrize("kind", HOSTILE)
def test_pulse_forms(make_round: Callable[..., Round], lead: Member, kind: str) -> None:
    value = HOSTILE[kind]
    round_ = make_round()
    client = Client()
    code = round_.round_code

    def step(number: int, data: dict[str, str]) -> object:
        return client.post(reverse("pulse:answer", kwargs={"code": code, "step": number}), data)

    check(step(1, {"item_1": value, "next": "1"}), value)
    last = answer_all_but_last(client, round_)
    other = "x" if kind == "huge" else value  # four 3 MB fields would be over 10 MB
    for button in ("save", "next"):
        page = check(
            step(
                last,
                {
                    "comment": value,
                    "agency": other,
                    "role": other,
                    "career_stage": other,
                    button: "1",
                },
            ),
            value,
        )
        if kind == "huge":
            assert "Please keep your comment to 2,000 characters." in page
    check(client.post(reverse("pulse:join"), {"code": value}), value)
    manager = client_for(lead)
    for audience in ("", "family", other):
        page = check(
            manager.post(
                reverse("pulse:create") + f"?for={audience[:50]}",
                {
                    "intended_for": audience if kind != "huge" else other,
                    "title": value,
                    "instruments": other,
                    "comment_question": other,
                    "opens_at": other,
                    "audience_roles": other,
                },
            ),
            value,
        )
        assert "There is a problem" in page
    assert not Round.objects.exclude(pk=round_.pk).exists()


@pytest.mark.parametrize(
    "body",
    [b"title=%FF%FE%C3&instruments=cbi&intended_for=%C3%28", b"title=\xff\xfe&intended_for=\xc3"],
)
def test_the_schedule_form_takes_wrong_encodings(lead: Member, body: bytes) -> None:
    reply = client_for(lead).post(
        reverse("pulse:create"), body, content_type="application/x-www-form-urlencoded"
    )
    assert reply.status_code == 200
    assert "There is a problem" in reply.content.decode()
    assert not Round.objects.exists()
