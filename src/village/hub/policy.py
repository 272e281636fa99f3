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
from village.hub.models import Handover, LearningSpace, Pairing, PairingState, Project
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


# --- Good ancestors: pairings, the legacy log and handovers ------------------------------
#
# A pairing is private to the people in it: only they read its goals, notes and check-ins
# (not admins, not facilitators). Everyone in it agrees (or anyone says no, which frees
# everyone's place) while it is proposed; notes,
# check-ins, extending and completing belong to an active pairing; feedback to a closed one.
# Anyone who takes part (not observers) may opt in and write in the legacy log; a leaver
# (or an admin, if they cannot) chooses who carries what they leave.


class PairingPerson(StrEnum):
    PARTNER = "partner"
    OUTSIDER = "outsider"


class PairingAct(StrEnum):
    READ = "read"
    CONFIRM = "confirm"
    DECLINE = "decline"
    SET_GOALS = "set_goals"
    WRITE = "write"
    EXTEND = "extend"
    COMPLETE = "complete"
    FEEDBACK = "feedback"


_PARTNER = frozenset({PairingPerson.PARTNER})
_ALL_PAIRING_STATES = frozenset(PairingState)
PAIRING_POLICY: dict[PairingAct, frozenset[PairingState]] = {
    PairingAct.READ: _ALL_PAIRING_STATES,
    PairingAct.CONFIRM: frozenset({PairingState.PROPOSED}),
    PairingAct.DECLINE: frozenset({PairingState.PROPOSED}),
    PairingAct.SET_GOALS: frozenset({PairingState.PROPOSED, PairingState.ACTIVE}),
    PairingAct.WRITE: frozenset({PairingState.ACTIVE}),
    PairingAct.EXTEND: frozenset({PairingState.ACTIVE}),
    PairingAct.COMPLETE: frozenset({PairingState.ACTIVE}),
    PairingAct.FEEDBACK: frozenset({PairingState.CLOSED}),
}
_PAIRING_NOT_NOW = {
    PairingState.PROPOSED: gettext_lazy("This pairing starts when everyone in it has agreed."),
    PairingState.ACTIVE: gettext_lazy("This pairing is under way."),
    PairingState.CLOSED: gettext_lazy("This pairing is closed. It can be read but not changed."),
    PairingState.DECLINED: gettext_lazy("This pairing is not going ahead."),
}
TAKES_PART = frozenset({Role.ADMIN, Role.FACILITATOR, Role.PARTNER_LEAD, Role.STAFF, Role.FAMILY})


def pairing_person(*, member: Member | None, pairing: Pairing) -> PairingPerson | None:
    """Who a member is to a pairing: in it, another member of its partnership, or nobody."""
    if not is_member_of(member, pairing.partnership_id):
        return None
    assert member is not None
    in_it = pairing.places.filter(member=member).exists()
    return PairingPerson.PARTNER if in_it else PairingPerson.OUTSIDER


def pairing_decide(
    *, act: PairingAct, person: PairingPerson | None, state: PairingState
) -> Decision:
    if person is None:
        return Decision(False, _("This is not open to you."))
    if person not in _PARTNER:
        return Decision(False, _("Only the people in a pairing can see or change it."))
    if state not in PAIRING_POLICY[act]:
        return Decision(False, str(_PAIRING_NOT_NOW[state]))
    return Decision(True)


def pairing_check(*, act: PairingAct, pairing: Pairing, member: Member | None) -> None:
    decision = pairing_decide(
        act=act,
        person=pairing_person(member=member, pairing=pairing),
        state=PairingState(pairing.state),
    )
    if not decision:
        raise HubError(decision.reason)


# --- stories of change -------------------------------------------------------------------
#
# Who tells: any member of the partnership who takes part (every role but observer), staff
# and families alike. Families outside the partnership are not asked through the project:
# a family who wants to tell a story joins the partnership as a family member first, so
# every story comes from someone the partnership knows, even when it is told anonymously.
# Who selects: the panel is the project's leads and the partnership's facilitators. When:
# stories are told and selected until the project is finished; every member reads them.


class StoryAct(StrEnum):
    TELL = "tell_story"
    SELECT = "select_story"
    NAME_DOMAINS = "name_domains"


TELLS_STORIES = STARTS_PROJECTS
PANEL = frozenset({Person.LEAD, Person.FACILITATOR})
DEFAULT_DOMAINS = (
    gettext_lazy("Changes in the lives of children and families"),
    gettext_lazy("Changes in how we work together"),
    gettext_lazy("Changes in how services are run"),
    gettext_lazy("Any other change"),
)


def _story_refusal(*, act: StoryAct, member: Member | None, project: Project) -> str:
    """Why someone's part never takes this act, whatever the project's state; else ""."""
    people = people_of(member=member, project=project)
    if not people:
        return _("This is not open to you.")
    assert member is not None
    if act == StoryAct.TELL and not member.has_role(*TELLS_STORIES):
        return _("Observers can read stories but not tell them.")
    if act == StoryAct.SELECT and not people & PANEL:
        return _("Only the project's leads and the partnership's facilitators select stories.")
    if act == StoryAct.NAME_DOMAINS and not people & EDITS:
        return _("Only the project's leads, a facilitator or an admin can name domains.")
    return ""


def story_may_ever(*, act: StoryAct, member: Member | None, project: Project) -> bool:
    """Whether someone's part takes this act at some point (views answer no with a 403)."""
    return not _story_refusal(act=act, member=member, project=project)


def story_decide(*, act: StoryAct, member: Member | None, project: Project) -> Decision:
    """Whether ``member`` may take a story act on ``project`` now, and if not, why."""
    refusal = _story_refusal(act=act, member=member, project=project)
    if refusal:
        return Decision(False, refusal)
    if state_of(project) not in OPEN:
        return Decision(False, str(_FINISHED))
    return Decision(True)


def story_check(*, act: StoryAct, member: Member | None, project: Project) -> None:
    decision = story_decide(act=act, member=member, project=project)
    if not decision:
        raise HubError(decision.reason)


def pairing_abilities(*, pairing: Pairing, member: Member | None) -> dict[str, bool]:
    person = pairing_person(member=member, pairing=pairing)
    state = PairingState(pairing.state)
    return {
        act.value: bool(pairing_decide(act=act, person=person, state=state)) for act in PairingAct
    }


def takes_part(*, member: Member | None, partnership: Partnership) -> bool:
    """Opting in to pairings and writing in the legacy log: anyone but observers."""
    return is_member_of(member, partnership.pk) and bool(member and member.has_role(*TAKES_PART))


def may_hand_on(*, member: Member | None, handover: Handover) -> bool:
    """Who chooses the carriers: the leaver, or an admin of their partnership."""
    leaver = handover.member
    if not is_member_of(member, leaver.partnership_id):
        return False
    assert member is not None
    return member.pk == leaver.pk or member.has_role(Role.ADMIN)


def story_abilities(*, member: Member | None, project: Project) -> dict[str, bool]:
    return {
        act.value: bool(story_decide(act=act, member=member, project=project)) for act in StoryAct
    }


# --- learning spaces (issue 13, item 5) ----------------------------------------------------
# Member-led: anyone who takes part (not observers) starts a space and joins its rota. The
# member facilitating now passes the role on; a partnership facilitator or admin can pass it
# on too, when someone is away. Circles are started by the space's facilitator, whatever
# their roles: the circles app makes them the circle's lead, who runs that circle only, and
# the lead of the space's open circles passes on with the role. A project's lessons are
# shared by its leads, facilitators and admins, finished projects too: that is when there
# is most to share.


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
