"""The pulse policy, tried cell by cell: every role, every state of a round and every action,
generated from ``village.pulse.policy.RULES``, through the pages and through the services.

Each cell sets up a real round in that state and a real person in that role, does the
action as they would, and checks that it happened exactly when the policy says it may.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.pulse.conftest import answer_pages, full_answers
from village.people.models import Member, Role
from village.pulse import policy, services
from village.pulse.models import Audience, LicenceConfirmation, Response, Round
from village.pulse.policy import GUEST, ROLES, Action, State

CELLS = [
    (role, state, action)
    for action, rule in policy.RULES.items()
    for state in (sorted(State) if rule.states is not None else [None])
    for role in ROLES
]
WRITES = {Action.SCHEDULE, Action.CLOSE, Action.ANSWER, Action.CONFIRM_LICENCE}


def _ids(cell: tuple[str, State | None, Action]) -> str:
    role, state, action = cell
    return f"{role}-{state or 'any'}-{action}"


@pytest.fixture
def person(make_member: Callable[..., Member]) -> Callable[[str], Member | None]:
    def make(role: str) -> Member | None:
        return None if role == GUEST else make_member(role, name="Matrix")

    return make


RoundIn = Callable[[State | None, str], Round]


@pytest.fixture
def round_in(make_round: Callable[..., Round], lead: Member) -> RoundIn:
    """A round in the given state, open to guests, for the audience the role belongs to
    (families for family members, staff for everyone else), made after the person so they
    are among the people asked."""

    def make(state: State | None, role: str) -> Round:
        now = timezone.now()
        audience: dict[str, Any] = (
            {"intended_for": Audience.FAMILY, "instruments": ["family"]}
            if role == Role.FAMILY
            else {}
        )
        if state is State.SCHEDULED:
            return make_round(
                opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8), **audience
            )
        round_ = make_round(**audience)
        if state is State.CLOSED:
            Round.objects.filter(pk=round_.pk).update(closed=True)
        elif state is State.RELEASED:
            services.round_close(round_=round_, actor=lead)
        round_.refresh_from_db()
        assert state is None or policy.round_state(round_) is state
        return round_

    return make


def _received(round_: Round) -> int:
    return Response.objects.filter(round=round_).count() + round_.pending.count()


def _by_page(action: Action, client: Client, round_: Round) -> bool:
    """Do the action through the pages; True if it happened."""
    if action is Action.SCHEDULE:
        now = timezone.localtime()
        client.post(
            reverse("pulse:create"),
            {
                "title": "Made in the matrix",
                "instruments": ["cbi"],
                "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
                "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            },
        )
        return Round.objects.filter(title="Made in the matrix").exists()
    if action is Action.CONFIRM_LICENCE:
        client.post(reverse("pulse:licences"), {"instrument": "swemwbs", "confirm": "on"})
        return LicenceConfirmation.objects.filter(instrument="swemwbs").exists()
    if action is Action.TRENDS:
        return client.get(reverse("pulse:trends")).status_code == 200
    if action is Action.ANSWER:
        before = _received(round_)
        answer_pages(client, round_)
        return _received(round_) == before + 1
    if action is Action.CLOSE:
        reply = client.post(reverse("pulse:close", kwargs={"pk": round_.pk}))
        return reply.status_code == 302 and reply["Location"] == reverse(
            "pulse:report", kwargs={"pk": round_.pk}
        )
    name, sign = {
        Action.MANAGE: ("pulse:manage", "Share it"),
        Action.VIEW_REPORT: ("pulse:report", "Average scores"),
        Action.PRINT: ("pulse:report_print", "Print this page"),
        Action.CSV: ("pulse:report_csv", "table,within,group"),
    }[action]
    reply = client.get(reverse(name, kwargs={"pk": round_.pk}))
    return reply.status_code == 200 and sign in reply.content.decode()


def _by_service(action: Action, member: Member | None, round_: Round, lead: Member) -> bool:
    """Do a write through its service; True if it happened, False if it was refused."""
    try:
        if action is Action.SCHEDULE:
            services.round_schedule(
                partnership=lead.partnership,
                created_by=member,  # type: ignore[arg-type]
                title="Made in the matrix",
                instruments=["cbi"],
                opens_at=timezone.now(),
                closes_at=timezone.now() + timedelta(days=3),
                notify=False,
            )
        elif action is Action.CONFIRM_LICENCE:
            services.licence_confirm(
                partnership=lead.partnership,
                actor=member,  # type: ignore[arg-type]
                instrument_id="swemwbs",
            )
        elif action is Action.CLOSE:
            services.round_close_early(round_=round_, actor=member)  # type: ignore[arg-type]
        else:
            services.response_submit(
                round_=round_,
                member=member,
                browser_key="matrix-browser",
                answers=full_answers(round_.instruments),
            )
    except services.PulseError as error:
        assert str(error), "a refusal says why"
        return False
    return True


@pytest.mark.parametrize(("role", "state", "action"), CELLS, ids=[_ids(c) for c in CELLS])
def test_pages_follow_the_policy(
    role: str,
    state: State | None,
    action: Action,
    person: Callable[[str], Member | None],
    round_in: RoundIn,
) -> None:
    member = person(role)
    round_ = round_in(state, role)
    expected = policy.permits(role=role, action=action, state=state)
    assert _by_page(action, client_for(member), round_) is expected


WRITE_CELLS = [cell for cell in CELLS if cell[2] in WRITES]


@pytest.mark.parametrize(
    ("role", "state", "action"), WRITE_CELLS, ids=[_ids(c) for c in WRITE_CELLS]
)
def test_services_enforce_the_policy(
    role: str,
    state: State | None,
    action: Action,
    person: Callable[[str], Member | None],
    round_in: RoundIn,
    lead: Member,
) -> None:
    member = person(role)
    round_ = round_in(state, role)
    expected = policy.permits(role=role, action=action, state=state)
    assert _by_service(action, member, round_, lead) is expected


def test_a_closed_round_is_read_only() -> None:
    """Once closed, nothing may change a round: only its report may be read."""
    for state in (State.CLOSED, State.RELEASED):
        changing = [
            action
            for action in (Action.CLOSE, Action.ANSWER)
            for role in ROLES
            if policy.permits(role=role, action=action, state=state)
        ]
        assert changing == [], state


def test_only_managers_read_reports_and_only_once_released() -> None:
    readers = {
        (role, state)
        for role in ROLES
        for state in State
        if policy.permits(role=role, action=Action.VIEW_REPORT, state=state)
    }
    assert readers == {(Role.ADMIN, State.RELEASED), (Role.PARTNER_LEAD, State.RELEASED)}


def test_everyone_may_answer_an_open_round_and_nobody_another() -> None:
    for role in ROLES:
        allowed = {s for s in State if policy.permits(role=role, action=Action.ANSWER, state=s)}
        assert allowed == {State.OPEN}, role


def test_every_action_is_in_the_table() -> None:
    assert set(policy.RULES) == set(Action)


def test_rules_agree_with_the_policy(
    person: Callable[[str], Member | None], round_in: RoundIn
) -> None:
    import rules

    round_ = round_in(State.RELEASED, Role.STAFF)
    for role in ROLES:
        member = person(role) if role != GUEST else None
        for action in Action:
            target: Any = round_ if policy.RULES[action].states is not None else None
            expected = policy.may(member=member, action=action, round_=target)
            assert rules.test_rule(f"pulse.{action}", member, target) is expected, (role, action)


def test_only_admins_and_partner_leads_run_rounds_and_only_admins_confirm_licences() -> None:
    for action in (Action.SCHEDULE, Action.MANAGE, Action.CLOSE, Action.TRENDS):
        runners = {
            role
            for role in ROLES
            for state in State
            if policy.permits(role=role, action=action, state=state)
        }
        assert runners == {Role.ADMIN, Role.PARTNER_LEAD}, action
    confirmers = {r for r in ROLES if policy.permits(role=r, action=Action.CONFIRM_LICENCE)}
    assert confirmers == {Role.ADMIN}
