"""Who may do what with a hub project, and when: the one place that says so.

People are what a member is to a project: an admin or facilitator of its partnership, one
of its leads (its owners), or any other member. Members read; leads, facilitators and
admins name more leads, change the theory, record values and targets, add documents and
pass gates, until the 18-month gate is passed and the project is finished (then it can be
read, not changed).
Nobody outside the partnership is anyone here: access.py answers them with a 404.
Services call ``check`` before they write; templates read ``abilities``.
tests/hub/test_policy_matrix.py tries every person in every state against every act.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from village.errors import UserError
from village.hub.models import LearningSpace, Project
from village.people.models import Member, Partnership, Role


class HubError(UserError):
    """Something asked of a hub project that cannot be done; safe to show."""


class Person(StrEnum):
    ADMIN = Role.ADMIN.value
    FACILITATOR = Role.FACILITATOR.value
    LEAD = "lead"
    MEMBER = "member"


class State(StrEnum):
    SETTING_UP = "setting_up"
    RUNNING = "running"
    FINISHED = "finished"


class Act(StrEnum):
    READ = "read"
    EDIT_PROJECT = "edit_project"
    EDIT_THEORY = "edit_theory"
    RECORD_VALUES = "record_values"
    ADD_DOCUMENT = "add_document"
    CLEAR_GATE = "clear_gate"


READS = frozenset(Person)
EDITS = frozenset({Person.ADMIN, Person.FACILITATOR, Person.LEAD})
ALL_STATES = frozenset(State)
OPEN = frozenset({State.SETTING_UP, State.RUNNING})
_FINISHED = gettext_lazy(
    "This project has passed its 18-month gate, so it is finished. It can be read but not changed."
)


@dataclass(frozen=True)
class Rule:
    people: frozenset[Person]
    states: frozenset[State]


POLICY: dict[Act, Rule] = {
    Act.READ: Rule(READS, ALL_STATES),
    Act.EDIT_PROJECT: Rule(EDITS, OPEN),
    Act.EDIT_THEORY: Rule(EDITS, OPEN),
    Act.RECORD_VALUES: Rule(EDITS, OPEN),
    Act.ADD_DOCUMENT: Rule(EDITS, OPEN),
    Act.CLEAR_GATE: Rule(EDITS, OPEN),
}
LAST_GATE = 18
STARTS_PROJECTS = frozenset(
    {Role.ADMIN, Role.FACILITATOR, Role.PARTNER_LEAD, Role.STAFF, Role.FAMILY}
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def is_member_of(member: Member | None, partnership_pk: int) -> bool:
    return bool(member is not None and member.is_active and member.partnership_id == partnership_pk)


def people_of(*, member: Member | None, project: Project) -> frozenset[Person]:
    """Who a member is for this project; nobody outside its partnership."""
    if not is_member_of(member, project.partnership_id):
        return frozenset()
    assert member is not None
    people = {Person.MEMBER}
    people |= {Person(role) for role in member.roles if role in {Role.ADMIN, Role.FACILITATOR}}
    if project.leads.filter(pk=member.pk).exists():
        people.add(Person.LEAD)
    return frozenset(people)


def state_of(project: Project) -> State:
    if project.gate_reached is None:
        return State.SETTING_UP
    return State.FINISHED if project.gate_reached >= LAST_GATE else State.RUNNING


def decide(*, act: Act, people: Iterable[Person], state: State) -> Decision:
    """Whether someone who is ``people`` may take ``act`` on a project in ``state``, and if
    not, why."""
    rule = POLICY[act]
    who = frozenset(people)
    if not who & rule.people:
        if not who:
            return Decision(False, _("This is not open to you."))
        return Decision(
            False, _("Only the project's leads, a facilitator or an admin can change it.")
        )
    if state not in rule.states:
        return Decision(False, str(_FINISHED))
    return Decision(True)


def check(*, act: Act, project: Project, member: Member | None) -> None:
    """Refuse, with a message safe to show, anything the policy does not allow now."""
    decision = decide(
        act=act, people=people_of(member=member, project=project), state=state_of(project)
    )
    if not decision:
        raise HubError(decision.reason)


def abilities(*, project: Project, member: Member | None) -> dict[str, bool]:
    """Every act as a yes or no, for templates: ``{% if can.edit_theory %}``."""
    people = people_of(member=member, project=project)
    state = state_of(project)
    return {act.value: bool(decide(act=act, people=people, state=state)) for act in Act}


def can_start_projects(*, member: Member | None, partnership: Partnership) -> bool:
    """Anyone who takes part may start a project (and leads it); observers only read."""
    return is_member_of(member, partnership.pk) and bool(
        member and member.has_role(*STARTS_PROJECTS)
    )


# --- learning spaces (issue 13, item 5) ----------------------------------------------------
# Member-led: anyone who takes part (not observers) starts a space and joins its rota. The
# member facilitating now passes the role on; a partnership facilitator or admin can pass it
# on too, when someone is away. Circles are started by the space's facilitator; the circles
# app still asks that whoever starts one holds the facilitator or admin role, since only
# they can run a circle's steps. A project's lessons are shared by its leads, facilitators
# and admins, finished projects too: that is when there is most to share.


class SpacePerson(StrEnum):
    ADMIN = Role.ADMIN.value
    FACILITATOR = Role.FACILITATOR.value
    HOST = "host"  # facilitating the space now
    ON_ROTA = "on_rota"
    MEMBER = "member"  # takes part in the partnership
    READER = "reader"  # anyone in the partnership, observers too


class SpaceAct(StrEnum):
    READ = "read"
    JOIN = "join"
    LEAVE = "leave"
    PASS_ON = "pass_on"  # noqa: S105  (an act, not a password)
    START_CIRCLE = "start_circle"


SPACE_POLICY: dict[SpaceAct, frozenset[SpacePerson]] = {
    SpaceAct.READ: frozenset(SpacePerson),
    SpaceAct.JOIN: frozenset({SpacePerson.MEMBER}),
    SpaceAct.LEAVE: frozenset({SpacePerson.ON_ROTA}),
    SpaceAct.PASS_ON: frozenset({SpacePerson.HOST, SpacePerson.ADMIN, SpacePerson.FACILITATOR}),
    SpaceAct.START_CIRCLE: frozenset({SpacePerson.HOST}),
}
_SPACE_REFUSALS: dict[SpaceAct, Any] = {
    SpaceAct.READ: gettext_lazy("This is not open to you."),
    SpaceAct.JOIN: gettext_lazy("Observers can read learning spaces but not join them."),
    SpaceAct.LEAVE: gettext_lazy("You are not on this space's rota."),
    SpaceAct.PASS_ON: gettext_lazy(
        "Only the member facilitating now, a facilitator or an admin can pass the role on."
    ),
    SpaceAct.START_CIRCLE: gettext_lazy(
        "Only the member facilitating the space now can start one of its circles."
    ),
}


def space_people_of(*, member: Member | None, space: LearningSpace) -> frozenset[SpacePerson]:
    """Who a member is for this space; nobody outside its partnership."""
    if not is_member_of(member, space.partnership_id):
        return frozenset()
    assert member is not None
    people = {SpacePerson.READER}
    people |= {SpacePerson(role) for role in member.roles if role in {Role.ADMIN, Role.FACILITATOR}}
    if member.has_role(*STARTS_PROJECTS):
        people.add(SpacePerson.MEMBER)
    if space.rota.filter(member=member).exists():
        people.add(SpacePerson.ON_ROTA)
        if space.facilitator_id == member.pk:
            people.add(SpacePerson.HOST)
    return frozenset(people)


def space_decide(*, act: SpaceAct, people: Iterable[SpacePerson]) -> Decision:
    if frozenset(people) & SPACE_POLICY[act]:
        return Decision(True)
    return Decision(False, str(_SPACE_REFUSALS[act]))


def space_check(*, act: SpaceAct, space: LearningSpace, member: Member | None) -> None:
    decision = space_decide(act=act, people=space_people_of(member=member, space=space))
    if not decision:
        raise HubError(decision.reason)


def space_abilities(*, space: LearningSpace, member: Member | None) -> dict[str, bool]:
    people = space_people_of(member=member, space=space)
    return {act.value: bool(space_decide(act=act, people=people)) for act in SpaceAct}


def can_start_spaces(*, member: Member | None, partnership: Partnership) -> bool:
    """Anyone who takes part may start a learning space; observers read."""
    return can_start_projects(member=member, partnership=partnership)


def can_share_lessons(*, member: Member | None, project: Project) -> bool:
    """A project's leads, facilitators and admins share what it learned, at any point."""
    return bool(people_of(member=member, project=project) & EDITS)
