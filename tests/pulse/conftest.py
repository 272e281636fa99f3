"""Pulse fixtures: a partner lead, and rounds scheduled through the real service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from village.engines.instruments import get_instrument
from village.people import services as people_services
from village.people.models import Agency, Constituency, Member, Role
from village.pulse import selectors, services
from village.pulse.models import Round


@pytest.fixture
def lead(make_member: Callable[..., Member]) -> Member:
    return make_member(Role.PARTNER_LEAD, name="Lee")


@pytest.fixture
def make_staff(lead: Member) -> Callable[..., list[Member]]:
    """``count`` staff members in ``agency``, with unique names."""
    made = [0]

    def make(count: int, *, agency: Agency | None = None) -> list[Member]:
        members = []
        for _ in range(count):
            made[0] += 1
            email = f"staff-{made[0]}@example.org"
            user = get_user_model().objects.create_user(username=email, email=email)
            members.append(
                people_services.member_create(
                    partnership=lead.partnership,
                    user=user,
                    display_name=f"Staff {made[0]}",
                    roles=[Role.STAFF],
                    constituency=Constituency.FRONTLINE,
                    agency=agency,
                )
            )
        return members

    return make


@pytest.fixture
def make_round(lead: Member) -> Callable[..., Round]:
    def make(**overrides: Any) -> Round:
        now = timezone.now()
        values: dict[str, Any] = {
            "partnership": lead.partnership,
            "created_by": lead,
            "title": "Test check-in",
            "instruments": list(services.DEFAULT_INSTRUMENTS),
            "comment_question": "Anything else?",
            "opens_at": now - timedelta(minutes=5),
            "closes_at": now + timedelta(days=7),
            "guests_allowed": True,
        }
        values.update(overrides)
        return services.round_schedule(**values)

    return make


def full_answers(instrument_ids: list[str], value: int = 3) -> dict[str, dict[str, int]]:
    """Every item answered with the same code (present on every scale used here)."""
    return {
        instrument_id: {str(item.number): value for item in get_instrument(instrument_id).items}
        for instrument_id in instrument_ids
    }


def step_post(instrument_id: str, value: int = 3) -> dict[str, str]:
    return {f"item_{item.number}": str(value) for item in get_instrument(instrument_id).items} | {
        "next": "1"
    }


def answer_all_but_last(client: Client, round_: Round, *, value: int = 3) -> int:
    """Answer every questionnaire page through the views; returns the last (comment) step."""
    steps = selectors.steps_for(round_=round_)
    for step in steps[:-1]:
        assert step.instrument is not None
        client.post(
            reverse("pulse:answer", kwargs={"code": round_.round_code, "step": step.number}),
            {f"item_{item.number}": str(value) for item in step.items} | {"next": "1"},
        )
    return len(steps)


def answer_pages(
    client: Client, round_: Round, *, value: int = 3, comment: str = "", last: str = "next"
) -> Any:
    """Answer every page of a round through the views, as a person would, pressing ``last``
    ("next" or "save") on the last page. Returns the reply to the last page."""
    steps = selectors.steps_for(round_=round_)
    reply = None
    for step in steps:
        url = reverse("pulse:answer", kwargs={"code": round_.round_code, "step": step.number})
        button = last if step.is_last else "next"
        if step.instrument is None:
            data = {"comment": comment, button: "1"}
        else:
            data = {f"item_{item.number}": str(value) for item in step.items}
            data[button] = "1"
        reply = client.post(url, data)
    return reply
