"""Who may do what with check-in rounds, and when: the one place that says so.

A table (``RULES``) gives, for each action, the roles that may take it and the states of a
round it may be taken in. Services enforce it (``require`` raises the project's one
user-facing error), ``access`` fetches and authorises with it, ``rules`` builds django-rules
predicates on it, and templates read the booleans of ``RoundPermissions``. A closed round is
read-only: nothing but its report may be read.

A guest is anyone answering without a membership of the round's partnership (no account, or
an account in another partnership). Whether a member was asked, and whether a round takes
guests, are the round's own conditions on answering, checked in ``answer_refusal``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from village.people.models import Member, Partnership, Role
from village.pulse.models import Round

GUEST = "guest"
ROLES: tuple[str, ...] = (*Role.values, GUEST)


class Action(StrEnum):
    SCHEDULE = "schedule"
    MANAGE = "manage"
    CLOSE = "close"
    ANSWER = "answer"
    VIEW_REPORT = "view_report"
    PRINT = "print"
    CSV = "csv"
    TRENDS = "trends"
    CONFIRM_LICENCE = "confirm_licence"


class State(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    RELEASED = "released"


MANAGERS = frozenset({Role.ADMIN.value, Role.PARTNER_LEAD.value})
ADMINS = frozenset({Role.ADMIN.value})
EVERYONE = frozenset(ROLES)
ANY_STATE = frozenset(State)
REPORT_READY = frozenset({State.RELEASED})


@dataclass(frozen=True)
class Rule:
    """Roles that may take an action, and in which states of a round (None: not about one)."""

    roles: frozenset[str]
    states: frozenset[State] | None


RULES: dict[Action, Rule] = {
    Action.SCHEDULE: Rule(MANAGERS, None),
    Action.TRENDS: Rule(MANAGERS, None),
    Action.CONFIRM_LICENCE: Rule(ADMINS, None),
    Action.MANAGE: Rule(MANAGERS, ANY_STATE),
    Action.CLOSE: Rule(MANAGERS, frozenset({State.SCHEDULED, State.OPEN})),
    Action.ANSWER: Rule(EVERYONE, frozenset({State.OPEN})),
    Action.VIEW_REPORT: Rule(MANAGERS, REPORT_READY),
    Action.PRINT: Rule(MANAGERS, REPORT_READY),
    Action.CSV: Rule(MANAGERS, REPORT_READY),
}

STATE_LABELS = {
    State.SCHEDULED: gettext_lazy("Not open yet"),
    State.OPEN: gettext_lazy("Open"),
    State.CLOSED: gettext_lazy("Closed. The report is being made"),
    State.RELEASED: gettext_lazy("Closed. The report is ready"),
}


def round_state(round_: Round, *, now: datetime | None = None) -> State:
    """Where the round is now. Its times count as soon as they pass, even before the worker
    has opened or closed it, so nobody answers a round whose time is up."""
    now = now or timezone.now()
    if round_.released:
        return State.RELEASED
    if round_.closed or now >= round_.closes_at:
        return State.CLOSED
    if round_.opened and now >= round_.opens_at:
        return State.OPEN
    return State.SCHEDULED


def permits(*, role: str, action: Action, state: State | None = None) -> bool:
    """The table itself: may this role take this action in this state?"""
    rule = RULES[action]
    return role in rule.roles and (rule.states is None or state in rule.states)


def roles_of(member: Member | None, partnership_id: int) -> frozenset[str]:
    """The roles someone holds in a partnership; anyone else is a guest there."""
    if member is None or not member.is_active or member.partnership_id != partnership_id:
        return frozenset({GUEST})
    return frozenset(member.roles)


def is_in(member: Member | None, partnership_id: int) -> bool:
    return GUEST not in roles_of(member, partnership_id)


def may_ever(*, member: Member | None, action: Action, partnership_id: int) -> bool:
    """Whether any of this person's roles may take the action in some state."""
    return any(role in RULES[action].roles for role in roles_of(member, partnership_id))


def may(
    *,
    member: Member | None,
    action: Action,
    round_: Round | None = None,
    partnership: Partnership | None = None,
) -> bool:
    """May this person take the action, on this round as it is now (or in this partnership)?"""
    return not refusal(member=member, action=action, round_=round_, partnership=partnership)


def _who(roles: frozenset[str]) -> str:
    if roles == ADMINS:
        return _("an admin of this partnership")
    return _("an admin or partner lead of this partnership")


def _state_refusal(action: Action, state: State) -> str:
    if action is Action.ANSWER:
        if state is State.SCHEDULED:
            return _("This check-in has not opened yet. Please come back later.")
        return _("This check-in has closed. Thank you for your interest.")
    if action is Action.CLOSE:
        return _("This check-in has already closed.")
    if state is State.CLOSED:
        return _(
            "The check-in has closed and its report is being made. This takes a minute or "
            "two: reload this page to see it."
        )
    return _(
        "The report is made once, when the check-in closes, so that everyone sees the same numbers."
    )


def refusal(
    *,
    member: Member | None,
    action: Action,
    round_: Round | None = None,
    partnership: Partnership | None = None,
) -> str:
    """Why this person may not take the action now, in plain words; "" if they may.

    Round actions need the round; partnership actions (schedule, trends, licences) the
    partnership, or the member's own when none is given."""
    rule = RULES[action]
    if round_ is not None:
        partnership_id = round_.partnership_id
    elif partnership is not None:
        partnership_id = partnership.pk
    elif member is not None:
        partnership_id = member.partnership_id
    else:
        return _("Please sign in to do that.")
    if not may_ever(member=member, action=action, partnership_id=partnership_id):
        return _("Only %(who)s can do that.") % {"who": _who(rule.roles)}
    if rule.states is not None:
        if round_ is None:
            raise ValueError(f"{action} is about a round: give the round")
        state = round_state(round_)
        if state not in rule.states:
            return _state_refusal(action, state)
    return ""


def answer_refusal(*, member: Member | None, round_: Round, in_audience: bool) -> str:
    """Why this person cannot answer this round now, or "". ``in_audience``: the member was
    among the people asked when the round opened (guests never are)."""
    reason = refusal(member=member, action=Action.ANSWER, round_=round_)
    if reason:
        return reason
    if not is_in(member, round_.partnership_id):
        if not round_.guests_allowed:
            return _(
                "This check-in is for members of the partnership. Please sign in to take part."
            )
        return ""
    if not in_audience:
        return _("This check-in is for the people it was sent to when it opened. Thank you.")
    return ""


@dataclass(frozen=True)
class RoundPermissions:
    """What a page may offer this person for this round, as booleans for templates."""

    state_label: str
    manage: bool
    close: bool
    view_report: bool
    print: bool
    csv: bool


def permissions(*, member: Member | None, round_: Round) -> RoundPermissions:
    state = round_state(round_)

    def can(action: Action) -> bool:
        return may(member=member, action=action, round_=round_)

    return RoundPermissions(
        state_label=str(STATE_LABELS[state]),
        manage=can(Action.MANAGE),
        close=can(Action.CLOSE),
        view_report=can(Action.VIEW_REPORT),
        print=can(Action.PRINT),
        csv=can(Action.CSV),
    )


def with_permissions(
    *, member: Member | None, rounds: Iterable[Round]
) -> list[tuple[Round, RoundPermissions]]:
    return [(round_, permissions(member=member, round_=round_)) for round_ in rounds]
