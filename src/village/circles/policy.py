"""Who may do what in a circle, and in which step: the one place that says so.

Services call ``check`` before they write; ``rules.py`` and the pages read ``decide`` and
``abilities``; tests/circles/test_policy_matrix.py tries every role in every step against
every action through the services and views. A step that a circle's clock has passed
(its closing time) counts as the end, and an ended circle is read-only for everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from village.circles.models import Circle, Phase
from village.errors import UserError
from village.people.models import Member, Role


class CircleError(UserError):
    """Something a person asked for that the circle cannot do now; the message is safe to show."""


class Person(StrEnum):
    """Who someone is in a circle: a role in its partnership, or a guest with the code."""

    ADMIN = Role.ADMIN.value
    FACILITATOR = Role.FACILITATOR.value
    PARTNER_LEAD = Role.PARTNER_LEAD.value
    STAFF = Role.STAFF.value
    FAMILY = Role.FAMILY.value
    OBSERVER = Role.OBSERVER.value
    GUEST = "guest"


class Act(StrEnum):
    JOIN = "join"
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    POST_REFLECTION = "post_reflection"
    EDIT_REFLECTION = "edit_reflection"
    WITHDRAW_REFLECTION = "withdraw_reflection"
    GIVE_DOTS = "give_dots"
    ASK_PAUSE = "ask_pause"
    SEE_REFLECTIONS = "see_reflections"
    SEE_THEMES = "see_themes"
    SEE_ACTIONS = "see_actions"
    FACILITATE = "facilitate"
    CREATE_THEME = "create_theme"
    RENAME_THEME = "rename_theme"
    DELETE_THEME = "delete_theme"
    GROUP = "group"
    UNDO_GROUPING = "undo_grouping"
    ADD_ACTION = "add_action"
    DELETE_ACTION = "delete_action"
    MOVE_PHASE = "move_phase"
    SET_GUESTS = "set_guests"
    ACKNOWLEDGE_PAUSE = "acknowledge_pause"
    VIEW_SUMMARY = "view_summary"
    DOWNLOAD_CSV = "download_csv"


STAGES: tuple[Phase, ...] = tuple(Phase)
LIVE = frozenset(STAGES) - {Phase.ENDED}
EVERY_STAGE = frozenset(STAGES)
MEMBERS = frozenset(Person) - {Person.GUEST}
# Observers read summaries; they do not take part in a safe space.
TAKES_PART = frozenset(Person) - {Person.OBSERVER}
RUNS = frozenset({Person.ADMIN, Person.FACILITATOR})
# A circle's lead must be someone who takes part: an observer only reads.
LEADS = TAKES_PART & MEMBERS
# Acts that belong to the theme and vote steps, which some circles (a debrief) leave out.
THEME_ACTS = frozenset(
    {
        Act.CREATE_THEME,
        Act.RENAME_THEME,
        Act.DELETE_THEME,
        Act.GROUP,
        Act.UNDO_GROUPING,
        Act.GIVE_DOTS,
        Act.SEE_THEMES,
    }
)


@dataclass(frozen=True)
class Rule:
    """Who may take an act, in which steps, whether they must have joined, and what to say
    when the step is wrong."""

    people: frozenset[Person]
    stages: frozenset[Phase]
    wrong_step: str | Promise
    joined: bool = False
    # Members may, without joining; a guest only once they have joined (the summary).
    guests_joined: bool = False

    @property
    def needs_open(self) -> bool:
        """Taking part waits for the circle's opening time; running it and reading do not."""
        return self.people == TAKES_PART


_THEMES_CLOSED = gettext_lazy("Themes can be changed only in the reflect and themes steps.")
_ACTIONS_CLOSED = gettext_lazy("Actions are added in the themes, vote and actions steps.")

POLICY: dict[Act, Rule] = {
    Act.JOIN: Rule(TAKES_PART, LIVE, gettext_lazy("This circle has closed.")),
    Act.CHECK_IN: Rule(
        TAKES_PART,
        frozenset({Phase.REFLECT, Phase.GROUP, Phase.VOTE, Phase.ACT}),
        gettext_lazy("Checking in has closed. You can check out now."),
        joined=True,
    ),
    Act.CHECK_OUT: Rule(
        TAKES_PART,
        frozenset({Phase.CLOSE}),
        gettext_lazy("Checking out opens at the end of the circle."),
        joined=True,
    ),
    Act.POST_REFLECTION: Rule(
        TAKES_PART,
        frozenset({Phase.REFLECT}),
        gettext_lazy("Reflections are closed for now. Your words are still in the box."),
        joined=True,
    ),
    Act.EDIT_REFLECTION: Rule(
        TAKES_PART,
        frozenset({Phase.REFLECT}),
        gettext_lazy(
            "Your reflection can no longer be changed: the circle has moved on from reflecting."
        ),
        joined=True,
    ),
    Act.WITHDRAW_REFLECTION: Rule(
        TAKES_PART,
        frozenset({Phase.REFLECT, Phase.GROUP}),
        gettext_lazy("Reflections can be withdrawn until voting starts."),
        joined=True,
    ),
    Act.GIVE_DOTS: Rule(
        TAKES_PART, frozenset({Phase.VOTE}), gettext_lazy("Voting is not open now."), joined=True
    ),
    Act.ASK_PAUSE: Rule(TAKES_PART, LIVE, gettext_lazy("This circle has ended."), joined=True),
    Act.SEE_REFLECTIONS: Rule(
        TAKES_PART, frozenset({Phase.REFLECT}), gettext_lazy("Reflecting is over."), joined=True
    ),
    Act.SEE_THEMES: Rule(
        TAKES_PART,
        frozenset({Phase.GROUP, Phase.VOTE}),
        gettext_lazy("Themes are shown in the themes and vote steps."),
        joined=True,
    ),
    Act.SEE_ACTIONS: Rule(
        TAKES_PART,
        frozenset({Phase.ACT, Phase.CLOSE, Phase.ENDED}),
        gettext_lazy("Actions are shown from the actions step."),
        joined=True,
    ),
    Act.FACILITATE: Rule(RUNS, EVERY_STAGE, ""),
    Act.CREATE_THEME: Rule(RUNS, frozenset({Phase.REFLECT, Phase.GROUP}), _THEMES_CLOSED),
    Act.RENAME_THEME: Rule(RUNS, frozenset({Phase.REFLECT, Phase.GROUP}), _THEMES_CLOSED),
    Act.DELETE_THEME: Rule(RUNS, frozenset({Phase.REFLECT, Phase.GROUP}), _THEMES_CLOSED),
    Act.GROUP: Rule(RUNS, frozenset({Phase.REFLECT, Phase.GROUP}), _THEMES_CLOSED),
    Act.UNDO_GROUPING: Rule(RUNS, frozenset({Phase.REFLECT, Phase.GROUP}), _THEMES_CLOSED),
    Act.ADD_ACTION: Rule(RUNS, frozenset({Phase.GROUP, Phase.VOTE, Phase.ACT}), _ACTIONS_CLOSED),
    Act.DELETE_ACTION: Rule(RUNS, frozenset({Phase.GROUP, Phase.VOTE, Phase.ACT}), _ACTIONS_CLOSED),
    Act.MOVE_PHASE: Rule(RUNS, LIVE, gettext_lazy("This circle has ended.")),
    Act.SET_GUESTS: Rule(RUNS, LIVE, gettext_lazy("This circle has ended.")),
    Act.ACKNOWLEDGE_PAUSE: Rule(RUNS, LIVE, gettext_lazy("This circle has ended.")),
    Act.VIEW_SUMMARY: Rule(frozenset(Person), EVERY_STAGE, "", guests_joined=True),
    Act.DOWNLOAD_CSV: Rule(frozenset(Person), EVERY_STAGE, "", guests_joined=True),
}

_PEOPLE = frozenset(person.value for person in Person)
ENDED_MESSAGE = gettext_lazy("This circle has closed. It can be read but not changed.")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def people_of(*, member: Member | None, circle: Circle) -> frozenset[Person]:
    """A member acts in their own partnership's circles by their roles; anyone else is a guest.

    The circle's lead (``led_by``) is also its facilitator, in this circle only, so a
    learning space's member whose turn it is runs the space's circle without the role."""
    if member is not None and member.is_active and member.partnership_id == circle.partnership_id:
        people = {Person(role) for role in member.roles if role in _PEOPLE}
        if circle.led_by_id == member.pk and people & LEADS:
            people.add(Person.FACILITATOR)
        return frozenset(people)
    return frozenset({Person.GUEST})


def may_lead(*, member: Member, partnership_id: int) -> bool:
    """Whether a member can lead one of this partnership's circles: active, theirs, taking part."""
    return bool(
        member.is_active
        and member.partnership_id == partnership_id
        and member.has_role(*(person.value for person in LEADS))
    )


def stage_of(circle: Circle, *, now: datetime | None = None) -> Phase:
    """The step a circle is in; past its closing time it has ended, whatever its step says."""
    if circle.phase == Phase.ENDED or (now or timezone.now()) >= circle.closes_at:
        return Phase.ENDED
    return Phase(circle.phase)


def steps_of(circle: Circle) -> tuple[Phase, ...]:
    """The steps this circle goes through: a circle without themes skips grouping and voting."""
    if circle.uses_themes:
        return STAGES
    return tuple(phase for phase in STAGES if phase not in (Phase.GROUP, Phase.VOTE))


def decide(
    *,
    act: Act,
    people: Iterable[Person],
    stage: Phase,
    joined: bool = True,
    opened: bool = True,
    uses_themes: bool = True,
) -> Decision:
    """Whether someone who is ``people`` may take ``act`` in ``stage``, and if not, why."""
    rule = POLICY[act]
    who = frozenset(people)
    if not who & rule.people:
        if rule.people == RUNS:
            return Decision(False, _("Only the circle's facilitator can do this."))
        if who == {Person.OBSERVER}:
            return Decision(
                False, _("Observers can read a circle's summary but do not take part in it.")
            )
        return Decision(False, _("This is not open to you."))
    if not joined and (rule.joined or (rule.guests_joined and not who & MEMBERS)):
        return Decision(False, _("Join the circle first."))
    if act in THEME_ACTS and not uses_themes:
        return Decision(False, _("This circle has no themes or voting."))
    if stage not in rule.stages:
        if stage == Phase.ENDED and act != Act.JOIN:
            return Decision(False, str(ENDED_MESSAGE))
        return Decision(False, str(rule.wrong_step))
    if rule.needs_open and not opened:
        return Decision(False, _("This circle has not opened yet."))
    return Decision(True)


def decide_for(
    *, act: Act, circle: Circle, people: Iterable[Person], joined: bool = True
) -> Decision:
    now = timezone.now()
    return decide(
        act=act,
        people=people,
        stage=stage_of(circle, now=now),
        joined=joined,
        opened=now >= circle.opens_at,
        uses_themes=circle.uses_themes,
    )


def check(*, act: Act, circle: Circle, people: Iterable[Person], joined: bool = True) -> None:
    """Refuse, with a message safe to show, anything the policy does not allow now."""
    decision = decide_for(act=act, circle=circle, people=people, joined=joined)
    if not decision:
        raise CircleError(decision.reason)


def abilities(*, circle: Circle, people: Iterable[Person], joined: bool) -> dict[str, bool]:
    """Every act as a yes or no, for templates: ``{% if can.post_reflection %}``."""
    who = frozenset(people)
    return {
        act.value: bool(decide_for(act=act, circle=circle, people=who, joined=joined))
        for act in Act
    }
