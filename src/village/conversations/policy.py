"""Who may do what in a brave conversation, and when: the one place that says so.

``POLICY`` gives, for each act, the people who may take it (a role in the conversation's
partnership, a co-moderator, or a guest) and the states of the conversation it belongs to.
Services call ``check`` before they write; ``access.py`` fetches and authorises with
``decide_for``; templates read ``abilities``. tests/conversations/test_policy_matrix.py tries
every person in every state against every act through the services and views. A closed
conversation is read-only except for its actions ("you said, we did").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from village.conversations.models import Conversation
from village.errors import UserError
from village.people.models import Member, Role


class ConversationError(UserError):
    """Something a person asked for that the conversation cannot do; safe to show."""


class Person(StrEnum):
    """Who someone is in a conversation: a role in its partnership, a co-moderator (a member
    of any role named by the facilitator), or a guest (anyone else, with a link)."""

    ADMIN = Role.ADMIN.value
    FACILITATOR = Role.FACILITATOR.value
    PARTNER_LEAD = Role.PARTNER_LEAD.value
    STAFF = Role.STAFF.value
    FAMILY = Role.FAMILY.value
    OBSERVER = Role.OBSERVER.value
    MODERATOR = "moderator"
    GUEST = "guest"


class State(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class Act(StrEnum):
    MANAGE = "manage"
    EDIT = "edit"
    MAKE_LINKS = "make_links"
    SET_MODERATORS = "set_moderators"
    CLOSE = "close"
    JOIN = "join"
    VOTE = "vote"
    WRITE = "write"
    MODERATE = "moderate"
    READ_LOG = "read_log"
    ADD_ACTION = "add_action"
    UPDATE_ACTION = "update_action"
    RECORD_IN_PERSON = "record_in_person"
    READ_RESULTS = "read_results"
    EXPORT_RESULTS = "export_results"


EVERY_STATE = frozenset(State)
NOT_CLOSED = frozenset({State.SCHEDULED, State.OPEN})
OPEN = frozenset({State.OPEN})
RUNS = frozenset({Person.ADMIN, Person.FACILITATOR})
MODERATES = RUNS | {Person.MODERATOR}
MEMBERS = frozenset(Person) - {Person.GUEST, Person.MODERATOR}
# Observers read; they do not take part. Guests take part through a link.
TAKES_PART = frozenset(Person) - {Person.OBSERVER, Person.MODERATOR}
READS = frozenset(Person)

STATE_LABELS = {
    State.SCHEDULED: gettext_lazy("Not open yet"),
    State.OPEN: gettext_lazy("Open"),
    State.CLOSED: gettext_lazy("Closed"),
}


@dataclass(frozen=True)
class Rule:
    """Who may take an act, in which states, whether they must have joined, and what to say
    when the state is wrong."""

    people: frozenset[Person]
    states: frozenset[State]
    wrong_state: str | Promise
    joined: bool = False
    # Members may without joining; a guest only once they have joined.
    guests_joined: bool = False
    # Also while open, when the facilitator chose to share results while it is open.
    open_when_shared: bool = False
    # These people may take the act in every state (those who run it watch results come in).
    anytime: frozenset[Person] = frozenset()


_RESULTS_LATER = gettext_lazy(
    "Results are shared when the conversation closes. Come back then to see them."
)
_CLOSED = gettext_lazy("This conversation has closed. It can be read but not changed.")
_NOT_OPEN = gettext_lazy("This conversation is not open. It can be joined while it is open.")

POLICY: dict[Act, Rule] = {
    Act.MANAGE: Rule(RUNS, EVERY_STATE, ""),
    Act.EDIT: Rule(RUNS, NOT_CLOSED, _CLOSED),
    Act.MAKE_LINKS: Rule(RUNS, NOT_CLOSED, _CLOSED),
    Act.SET_MODERATORS: Rule(RUNS, NOT_CLOSED, _CLOSED),
    Act.CLOSE: Rule(RUNS, NOT_CLOSED, _CLOSED),
    Act.JOIN: Rule(TAKES_PART, OPEN, _NOT_OPEN),
    Act.VOTE: Rule(TAKES_PART, OPEN, _NOT_OPEN, joined=True),
    Act.WRITE: Rule(TAKES_PART, OPEN, _NOT_OPEN, joined=True),
    Act.MODERATE: Rule(
        MODERATES, NOT_CLOSED, gettext_lazy("Moderation has ended: the conversation has closed.")
    ),
    Act.READ_LOG: Rule(READS, EVERY_STATE, "", guests_joined=True),
    Act.ADD_ACTION: Rule(RUNS, EVERY_STATE, ""),
    Act.UPDATE_ACTION: Rule(RUNS, EVERY_STATE, ""),
    Act.RECORD_IN_PERSON: Rule(
        RUNS, OPEN, gettext_lazy("Votes from a meeting can be added while it is open.")
    ),
    # Results (the page; the print view, PDF and CSV): everyone in the partnership and
    # everyone who joined, once it closes, or while open if the facilitator shares them.
    Act.READ_RESULTS: Rule(
        READS,
        frozenset({State.CLOSED}),
        _RESULTS_LATER,
        guests_joined=True,
        open_when_shared=True,
        anytime=RUNS,
    ),
    Act.EXPORT_RESULTS: Rule(
        READS,
        frozenset({State.CLOSED}),
        _RESULTS_LATER,
        guests_joined=True,
        open_when_shared=True,
        anytime=RUNS,
    ),
}

_ROLES = frozenset(person.value for person in Person) - {Person.GUEST, Person.MODERATOR}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def is_member_of(member: Member | None, conversation: Conversation) -> bool:
    return bool(
        member is not None
        and member.is_active
        and member.partnership_id == conversation.partnership_id
    )


def people_of(*, member: Member | None, conversation: Conversation) -> frozenset[Person]:
    """A member acts by their roles in their own partnership (and as a co-moderator when
    named one); anyone else is a guest."""
    if not is_member_of(member, conversation):
        return frozenset({Person.GUEST})
    assert member is not None
    people = {Person(role) for role in member.roles if role in _ROLES}
    if conversation.pk and conversation.moderators.filter(pk=member.pk).exists():
        people.add(Person.MODERATOR)
    return frozenset(people)


def state_of(conversation: Conversation, *, now: datetime | None = None) -> State:
    """Open between its times, unless a facilitator closed it early."""
    now = now or timezone.now()
    if conversation.closed_early or now >= conversation.closes_at:
        return State.CLOSED
    if now < conversation.opens_at:
        return State.SCHEDULED
    return State.OPEN


def decide(
    *,
    act: Act,
    people: Iterable[Person],
    state: State,
    joined: bool = True,
    shares_results: bool = False,
) -> Decision:
    """Whether someone who is ``people`` may take ``act`` in ``state``, and if not, why.
    ``shares_results`` is the conversation's choice to show results while it is open."""
    rule = POLICY[act]
    who = frozenset(people)
    if not who & rule.people:
        if rule.people == RUNS:
            return Decision(False, _("Only a facilitator or an admin can do this."))
        if rule.people == MODERATES:
            return Decision(False, _("Only the conversation's moderators can do this."))
        if who == {Person.OBSERVER}:
            return Decision(
                False, _("Observers can read a conversation but do not take part in it.")
            )
        return Decision(False, _("This is not open to you."))
    if not joined and (rule.joined or (rule.guests_joined and not who & MEMBERS)):
        return Decision(False, _("Join the conversation first, with the link you were sent."))
    states = rule.states | (OPEN if rule.open_when_shared and shares_results else frozenset())
    if state not in states and not who & rule.anytime:
        if state == State.CLOSED:
            return Decision(False, str(_CLOSED) if act != Act.JOIN else str(rule.wrong_state))
        return Decision(False, str(rule.wrong_state))
    return Decision(True)


def decide_for(
    *, act: Act, conversation: Conversation, people: Iterable[Person], joined: bool = True
) -> Decision:
    return decide(
        act=act,
        people=people,
        state=state_of(conversation),
        joined=joined,
        shares_results=conversation.results_while_open,
    )


def check(
    *, act: Act, conversation: Conversation, people: Iterable[Person], joined: bool = True
) -> None:
    """Refuse, with a message safe to show, anything the policy does not allow now."""
    decision = decide_for(act=act, conversation=conversation, people=people, joined=joined)
    if not decision:
        raise ConversationError(decision.reason)


class Abilities(Mapping[str, bool]):
    """Every act as a yes or no, for templates (``{% if can.vote %}``), each decided when a
    page first asks: most pages ask about a few acts, and a vote's reply about one."""

    def __init__(self, *, conversation: Conversation, people: Iterable[Person], joined: bool):
        self._who = frozenset(people)
        self._state = state_of(conversation)
        self._shares = conversation.results_while_open
        self._joined = joined
        self._known: dict[str, bool] = {}

    def __getitem__(self, act: str) -> bool:
        if act not in self._known:
            if act not in Act.__members__.values():
                raise KeyError(act)
            self._known[act] = bool(
                decide(
                    act=Act(act),
                    people=self._who,
                    state=self._state,
                    joined=self._joined,
                    shares_results=self._shares,
                )
            )
        return self._known[act]

    def __iter__(self) -> Iterator[str]:
        return iter(act.value for act in Act)

    def __len__(self) -> int:
        return len(Act)


def abilities(*, conversation: Conversation, people: Iterable[Person], joined: bool) -> Abilities:
    """Every act as a yes or no, for templates: ``{% if can.vote %}``."""
    return Abilities(conversation=conversation, people=people, joined=joined)


def can_run_conversations(*, member: Member | None) -> bool:
    """Facilitators and admins start conversations in their own partnership."""
    return bool(member is not None and member.is_active and member.has_role(*RUNS))
