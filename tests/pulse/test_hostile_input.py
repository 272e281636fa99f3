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
    check(
        client_for(lead).post(
            reverse("pulse:create"),
            {"title": value, "instruments": value, "comment_question": value, "opens_at": value},
        ),
        value,
    )
