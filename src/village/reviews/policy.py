"""Who may do what with the charter, its amendments and the quarterly reviews, and when: the
one place that says so.

``POLICY`` gives, for each act, the subject it acts on (a charter version, an amendment or a
review), the people who may take it and the states of that subject it belongs to. People
are a member's roles in the partnership, and what else they are here: a representative of
their constituency (named by an admin), on the family panel or the frontline panel (by
their constituency; observers are on no panel), or the proposer of an amendment. Services
call ``check`` before they write; templates read ``abilities``.
tests/reviews/test_policy_matrix.py tries every person in every state against every act.

A published version is never changed. A closed review is read-only except for its actions'
progress (until they are carried into the next review, where they are updated instead).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from village.errors import UserError
from village.people.models import Constituency, Member, Partnership, Role
from village.reviews.models import (
    Amendment,
    AmendmentState,
    CharterVersion,
    Panel,
    Representative,
    Review,
    ReviewState,
    VersionState,
)


class ReviewError(UserError):
    """Something asked of the charter, an amendment or a review that cannot be done; safe to
    show."""


class Person(StrEnum):
    ADMIN = Role.ADMIN.value
    FACILITATOR = Role.FACILITATOR.value
    PARTNER_LEAD = Role.PARTNER_LEAD.value
    STAFF = Role.STAFF.value
    FAMILY = Role.FAMILY.value
    OBSERVER = Role.OBSERVER.value
    REPRESENTATIVE = "representative"
    FAMILY_PANEL = "family_panel"
    FRONTLINE_PANEL = "frontline_panel"
    PROPOSER = "proposer"


class Subject(StrEnum):
    VERSION = "version"
    AMENDMENT = "amendment"
    REVIEW = "review"


STATES: dict[Subject, frozenset[str]] = {
    Subject.VERSION: frozenset(VersionState.values),
    Subject.AMENDMENT: frozenset(AmendmentState.values),
    Subject.REVIEW: frozenset(ReviewState.values),
}


class Act(StrEnum):
    READ_CHARTER = "read_charter"
    EDIT_DRAFT = "edit_draft"
    PUBLISH = "publish"
    NEW_DRAFT = "new_draft"
    PROPOSE_AMENDMENT = "propose_amendment"
    READ_AMENDMENT = "read_amendment"
    COMMENT = "comment"
    VOTE_AMENDMENT = "vote_amendment"
    WITHDRAW_AMENDMENT = "withdraw_amendment"
    START_CONVERSATION = "start_conversation"
    READ_REVIEW = "read_review"
    SELF_RATE = "self_rate"
    PANEL_RATE = "panel_rate"
    NOT_RATED_AGENCY = "not_rated_agency"
    NOT_RATED_PANEL = "not_rated_panel"
    ADD_SHORTFALL = "add_shortfall"
    REMOVE_SHORTFALL = "remove_shortfall"
    ADD_ACTION = "add_action"
    BRING_IN_ACTION = "bring_in_action"
    UPDATE_ACTION = "update_action"
    CLOSE_RATINGS = "close_ratings"
    CLOSE_REVIEW = "close_review"


ROLES = frozenset(
    {
        Person.ADMIN,
        Person.FACILITATOR,
        Person.PARTNER_LEAD,
        Person.STAFF,
        Person.FAMILY,
        Person.OBSERVER,
    }
)
RUNS = frozenset({Person.ADMIN, Person.FACILITATOR})
# Everyone in the partnership reads; observers read and do not take part.
READS = ROLES
TAKES_PART = ROLES - {Person.OBSERVER}
PANELS = frozenset({Person.FAMILY_PANEL, Person.FRONTLINE_PANEL})

DRAFT = frozenset({VersionState.DRAFT.value})
PUBLISHED = frozenset({VersionState.PUBLISHED.value})
AMENDMENT_OPEN = frozenset({AmendmentState.OPEN.value})
RATING = frozenset({ReviewState.OPEN.value})
NOT_CLOSED = frozenset({ReviewState.OPEN.value, ReviewState.MEETING.value})
MEETING = frozenset({ReviewState.MEETING.value})


@dataclass(frozen=True)
class Rule:
    subject: Subject
    people: frozenset[Person]
    states: frozenset[str]
    wrong_state: str | Promise = ""


_PUBLISHED_FIXED = gettext_lazy(
    "This version is published, so it cannot be changed. Start a new draft to change it."
)
_NOT_PUBLISHED = gettext_lazy("This version is a draft. Publish it first.")
_AMENDMENT_DECIDED = gettext_lazy("This amendment has been decided. It can be read, not changed.")
_RATINGS_CLOSED = gettext_lazy("Ratings for this review have closed.")
_REVIEW_CLOSED = gettext_lazy("This review has closed. It can be read but not changed.")

POLICY: dict[Act, Rule] = {
    Act.READ_CHARTER: Rule(Subject.VERSION, READS, STATES[Subject.VERSION]),
    Act.EDIT_DRAFT: Rule(Subject.VERSION, RUNS, DRAFT, _PUBLISHED_FIXED),
    Act.PUBLISH: Rule(Subject.VERSION, RUNS, DRAFT, _PUBLISHED_FIXED),
    Act.NEW_DRAFT: Rule(
        Subject.VERSION, RUNS, PUBLISHED, gettext_lazy("This version is already a draft.")
    ),
    Act.PROPOSE_AMENDMENT: Rule(Subject.VERSION, TAKES_PART, PUBLISHED, _NOT_PUBLISHED),
    Act.READ_AMENDMENT: Rule(Subject.AMENDMENT, READS, STATES[Subject.AMENDMENT]),
    Act.COMMENT: Rule(Subject.AMENDMENT, TAKES_PART, AMENDMENT_OPEN, _AMENDMENT_DECIDED),
    Act.VOTE_AMENDMENT: Rule(
        Subject.AMENDMENT, frozenset({Person.REPRESENTATIVE}), AMENDMENT_OPEN, _AMENDMENT_DECIDED
    ),
    Act.WITHDRAW_AMENDMENT: Rule(
        Subject.AMENDMENT, RUNS | {Person.PROPOSER}, AMENDMENT_OPEN, _AMENDMENT_DECIDED
    ),
    # A brave conversation about a clause of the charter in force, seeded from its value.
    Act.START_CONVERSATION: Rule(Subject.VERSION, RUNS, PUBLISHED, _NOT_PUBLISHED),
    Act.READ_REVIEW: Rule(Subject.REVIEW, READS, STATES[Subject.REVIEW]),
    Act.SELF_RATE: Rule(
        Subject.REVIEW, frozenset({Person.PARTNER_LEAD}), NOT_CLOSED, _REVIEW_CLOSED
    ),
    Act.PANEL_RATE: Rule(Subject.REVIEW, PANELS, RATING, _RATINGS_CLOSED),
    Act.NOT_RATED_AGENCY: Rule(
        Subject.REVIEW, RUNS | {Person.PARTNER_LEAD}, NOT_CLOSED, _REVIEW_CLOSED
    ),
    Act.NOT_RATED_PANEL: Rule(
        Subject.REVIEW, RUNS | {Person.REPRESENTATIVE}, NOT_CLOSED, _REVIEW_CLOSED
    ),
    Act.ADD_SHORTFALL: Rule(Subject.REVIEW, TAKES_PART, NOT_CLOSED, _REVIEW_CLOSED),
    Act.REMOVE_SHORTFALL: Rule(Subject.REVIEW, RUNS, NOT_CLOSED, _REVIEW_CLOSED),
    Act.ADD_ACTION: Rule(Subject.REVIEW, RUNS, NOT_CLOSED, _REVIEW_CLOSED),
    Act.BRING_IN_ACTION: Rule(Subject.REVIEW, RUNS, NOT_CLOSED, _REVIEW_CLOSED),
    Act.UPDATE_ACTION: Rule(Subject.REVIEW, RUNS | {Person.PARTNER_LEAD}, STATES[Subject.REVIEW]),
    Act.CLOSE_RATINGS: Rule(Subject.REVIEW, RUNS, RATING, _RATINGS_CLOSED),
    Act.CLOSE_REVIEW: Rule(
        Subject.REVIEW,
        RUNS,
        MEETING,
        gettext_lazy("Close the ratings first: the meeting comes before the review closes."),
    ),
}

_PANEL_OF = {
    Constituency.FAMILY.value: Panel.FAMILY.value,
    Constituency.FRONTLINE.value: Panel.FRONTLINE.value,
}
PANEL_PERSON = {Panel.FAMILY: Person.FAMILY_PANEL, Panel.FRONTLINE: Person.FRONTLINE_PANEL}

Target = CharterVersion | Amendment | Review


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def partnership_id(target: Target) -> int:
    if isinstance(target, Review):
        return target.partnership_id
    return target.charter.partnership_id


def is_member_of(member: Member | None, partnership_pk: int) -> bool:
    return bool(member is not None and member.is_active and member.partnership_id == partnership_pk)


def representing(member: Member | None) -> str:
    """The constituency this member represents now, or "" when they represent none: a
    representative speaks for the constituency they belong to, so a change of constituency
    ends it."""
    if member is None or not member.is_active:
        return ""
    found = (
        Representative.objects.filter(member=member, partnership_id=member.partnership_id)
        .values_list("represents", flat=True)
        .first()
    )
    return found if found is not None and found == member.constituency else ""


def panel_of(member: Member | None) -> str:
    """The panel a member rates on, from their constituency: families and people with lived
    experience on the family panel, frontline practitioners on the frontline panel. Observers
    and everyone else are on none."""
    if member is None or not member.is_active or not set(member.roles) - {Role.OBSERVER}:
        return ""
    return _PANEL_OF.get(member.constituency, "")


def people_of(*, member: Member | None, target: Target) -> frozenset[Person]:
    """Who a member is for this target; nobody outside its partnership."""
    if not is_member_of(member, partnership_id(target)):
        return frozenset()
    assert member is not None
    people = {Person(role) for role in member.roles if role in {p.value for p in ROLES}}
    if representing(member):
        people.add(Person.REPRESENTATIVE)
    panel = panel_of(member)
    if panel:
        people.add(PANEL_PERSON[Panel(panel)])
    if isinstance(target, Amendment) and target.proposed_by_id == member.pk:
        people.add(Person.PROPOSER)
    return frozenset(people)


def state_of(target: Target) -> str:
    return str(target.state)


def decide(*, act: Act, people: Iterable[Person], state: str) -> Decision:
    """Whether someone who is ``people`` may take ``act`` when its subject is in ``state``,
    and if not, why."""
    rule = POLICY[act]
    if state not in STATES[rule.subject]:
        raise ValueError(f"{state!r} is not a state of a {rule.subject}")
    who = frozenset(people)
    if not who & rule.people:
        return Decision(False, _refusal(rule, who))
    if state not in rule.states:
        if rule.subject == Subject.REVIEW and state == ReviewState.CLOSED:
            return Decision(False, str(_REVIEW_CLOSED))
        return Decision(False, str(rule.wrong_state))
    return Decision(True)


def _refusal(rule: Rule, who: frozenset[Person]) -> str:
    if not who:
        return _("This is not open to you.")
    if rule.people == RUNS:
        return _("Only a facilitator or an admin can do this.")
    if rule.people == {Person.REPRESENTATIVE}:
        return _("Only a representative of a constituency can vote on amendments.")
    if rule.people == PANELS:
        return _("Only members of the family panel or frontline staff rate here.")
    if rule.people == {Person.PARTNER_LEAD}:
        return _("Only an agency's partner lead rates the agency.")
    if who <= {Person.OBSERVER}:
        return _("Observers can read the charter and reviews but do not take part.")
    return _("This is not open to you.")


def decide_for(*, act: Act, target: Target, people: Iterable[Person]) -> Decision:
    return decide(act=act, people=people, state=state_of(target))


def check(*, act: Act, target: Target, member: Member | None) -> frozenset[Person]:
    """Refuse, with a message safe to show, anything the policy does not allow now. Returns
    who the member is, for the service's own finer checks."""
    people = people_of(member=member, target=target)
    decision = decide_for(act=act, target=target, people=people)
    if not decision:
        raise ReviewError(decision.reason)
    return people


def abilities(*, target: Target, member: Member | None) -> dict[str, bool]:
    """Every act on this kind of target as a yes or no, for templates: ``{% if can.publish %}``."""
    people = people_of(member=member, target=target)
    state = state_of(target)
    subject = (
        Subject.REVIEW
        if isinstance(target, Review)
        else Subject.AMENDMENT
        if isinstance(target, Amendment)
        else Subject.VERSION
    )
    return {
        act.value: bool(decide(act=act, people=people, state=state))
        for act, rule in POLICY.items()
        if rule.subject == subject
    }


def _runs(member: Member | None, partnership: Partnership) -> bool:
    return is_member_of(member, partnership.pk) and bool(member and member.has_role(*RUNS))


def can_open_reviews(*, member: Member | None, partnership: Partnership) -> bool:
    """Facilitators and admins open a quarter's review and start the charter."""
    return _runs(member, partnership)


def can_set_representatives(*, member: Member | None, partnership: Partnership) -> bool:
    """Admins name each constituency's representatives."""
    return is_member_of(member, partnership.pk) and bool(member and member.has_role(Role.ADMIN))
