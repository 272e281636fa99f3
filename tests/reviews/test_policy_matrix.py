"""The policy matrix: every person (each role, a representative, someone on the family panel
or frontline staff, an amendment's proposer) against every act of reviews/policy.py, in every
state of the act's subject (a charter version: draft or published; an amendment: open,
accepted, withdrawn or overtaken; a review: open, ratings closed for the meeting, closed).
Each act is tried for real, through its service (or, for reading, its access helper),
inside a savepoint that is rolled back, and must be allowed exactly when the policy says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from tests.conversations.conftest import SEEDS
from tests.reviews.conftest import person
from village.conversations import selectors as conversation_selectors
from village.conversations import services as conversation_services
from village.people.models import Agency, Constituency, Member, Role
from village.reviews import access, policy, services
from village.reviews.models import (
    Action,
    Amendment,
    AmendmentState,
    CharterVersion,
    Clause,
    NotRated,
    Panel,
    Review,
    ReviewState,
    Shortfall,
    Source,
    Value,
    VersionState,
)
from village.reviews.policy import Act, Person, ReviewError, Subject

# Each person as a member who is that and as little else as can be.
MADE_AS: dict[Person, tuple[list[str], str]] = {
    Person.ADMIN: ([Role.ADMIN], Constituency.OTHER),
    Person.FACILITATOR: ([Role.FACILITATOR], Constituency.OTHER),
    Person.PARTNER_LEAD: ([Role.PARTNER_LEAD], Constituency.OTHER),
    Person.STAFF: ([Role.STAFF], Constituency.OTHER),
    Person.FAMILY: ([Role.FAMILY], Constituency.OTHER),
    Person.OBSERVER: ([Role.OBSERVER], Constituency.OTHER),
    # An observer is on no panel, so this is a representative of families and nothing more.
    Person.REPRESENTATIVE: ([Role.OBSERVER], Constituency.FAMILY),
    Person.FAMILY_PANEL: ([Role.STAFF], Constituency.FAMILY),
    Person.FRONTLINE_PANEL: ([Role.STAFF], Constituency.FRONTLINE),
    Person.PROPOSER: ([Role.FAMILY], Constituency.OTHER),
}
STATE_CASES = [
    (subject, state) for subject, states in policy.STATES.items() for state in sorted(states)
]


@dataclass
class World:
    subject: Subject
    state: str
    actor: Member
    target: policy.Target
    agency: Agency
    version: CharterVersion | None = None
    amendment: Amendment | None = None
    review: Review | None = None
    shortfall: Shortfall | None = None
    action: Action | None = None
    conversation_action: int = 0


def _value(world: World) -> Value:
    version_id = world.review.version_id if world.review else world.target.pk
    return Value.objects.filter(version_id=version_id).order_by("position").first()  # type: ignore[return-value]


def _clause(version: CharterVersion) -> Clause:
    return Clause.objects.filter(value__version=version).order_by("value__position", "pk")[0]


def _fill(review: Review, agency: Agency) -> None:
    """Reasons for every value not rated, so a review in the meeting can close."""
    NotRated.objects.bulk_create(
        NotRated(review=review, value=value, because="Test.", **where)  # type: ignore[arg-type]
        for value in Value.objects.filter(version_id=review.version_id)
        for where in ({"agency": agency}, {"panel": Panel.FAMILY}, {"panel": Panel.FRONTLINE})
    )


@pytest.fixture
def build(facilitator: Member, agency: Agency) -> Callable[[Person, Subject, str], World]:
    partnership = agency.partnership

    def make(who: Person, subject: Subject, state: str) -> World:
        roles, constituency = MADE_AS[who]
        actor = person(
            partnership, f"Actor-{who.value}", roles=roles, constituency=constituency, agency=agency
        )
        if who == Person.REPRESENTATIVE:
            admin = person(
                partnership, "Setter", roles=[Role.ADMIN], constituency=Constituency.OTHER
            )
            services.representative_set(
                partnership=partnership, actor=admin, member=actor, represents=Constituency.FAMILY
            )
        first = services.charter_load_default(partnership=partnership, actor=facilitator)
        published = services.version_publish(version=first, actor=facilitator)
        world = World(subject, state, actor, published, agency)
        if subject == Subject.VERSION:
            if state == VersionState.DRAFT:
                world.target = services.draft_start(version=published, actor=facilitator)
            world.version = world.target  # type: ignore[assignment]
        elif subject == Subject.AMENDMENT:
            proposer = actor if who == Person.PROPOSER else facilitator
            amendment = services.amendment_propose(
                version=published,
                actor=proposer,
                clause=_clause(published),
                new_text="New words for this clause.",
            )
            Amendment.objects.filter(pk=amendment.pk).update(state=state)
            amendment.refresh_from_db()
            world.target = world.amendment = amendment
        else:
            review = services.review_open(
                partnership=partnership, actor=facilitator, quarter="2026-Q3"
            )
            world.review = review
            world.shortfall = services.shortfall_add(
                review=review, actor=facilitator, value=_value(world), barrier="law", text="Law."
            )
            world.action = services.action_add(
                review=review,
                actor=facilitator,
                text="An action",
                owner_agency=agency,
                due_on=timezone.localdate() + timedelta(days=5),
            )
            now = timezone.now()
            conversation = conversation_services.conversation_create(
                partnership=partnership,
                created_by=facilitator,
                question="What should change?",
                context="",
                opens_at=now - timedelta(minutes=5),
                closes_at=now + timedelta(days=5),
                seeds=SEEDS[:1],
            )
            world.conversation_action = conversation_services.action_create(
                conversation=conversation,
                actor=facilitator,
                statement=conversation_selectors.votable_statements(conversation=conversation)[0],
                text="From a conversation",
                owner_agency=agency,
                due_on=timezone.localdate() + timedelta(days=5),
            ).pk
            if state != ReviewState.OPEN:
                _fill(review, agency)
            Review.objects.filter(pk=review.pk).update(state=state)
            review.refresh_from_db()
            world.target = review
        return world

    return make


def _read(reader: Callable[..., Any], world: World) -> Any:
    try:
        return reader(pk=world.target.pk, member=world.actor)
    except (PermissionDenied, Http404) as refused:
        raise ReviewError("refused") from refused


ATTEMPTS: dict[Act, Callable[[World], object]] = {
    Act.READ_CHARTER: lambda w: _read(access.access_version, w),
    Act.EDIT_DRAFT: lambda w: services.version_update(
        version=w.version,  # type: ignore[arg-type]
        actor=w.actor,
        preamble="Our words.",
        note="",
    ),
    Act.PUBLISH: lambda w: services.version_publish(version=w.version, actor=w.actor),  # type: ignore[arg-type]
    Act.NEW_DRAFT: lambda w: services.draft_start(version=w.version, actor=w.actor),  # type: ignore[arg-type]
    Act.PROPOSE_AMENDMENT: lambda w: services.amendment_propose(
        version=w.version,  # type: ignore[arg-type]
        actor=w.actor,
        clause=_clause(w.version),  # type: ignore[arg-type]
        new_text="Other words.",
    ),
    Act.READ_AMENDMENT: lambda w: _read(access.access_amendment, w),
    Act.COMMENT: lambda w: services.amendment_comment(
        amendment=w.amendment,  # type: ignore[arg-type]
        actor=w.actor,
        text="A comment.",
    ),
    Act.VOTE_AMENDMENT: lambda w: services.amendment_vote(
        amendment=w.amendment,  # type: ignore[arg-type]
        actor=w.actor,
        yes=True,
    ),
    Act.WITHDRAW_AMENDMENT: lambda w: services.amendment_withdraw(
        amendment=w.amendment,  # type: ignore[arg-type]
        actor=w.actor,
    ),
    Act.START_CONVERSATION: lambda w: services.clause_conversation_start(
        clause=_clause(w.version),  # type: ignore[arg-type]
        actor=w.actor,
        question="How well do we live up to this?",
        context="",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=7),
    ),
    Act.READ_REVIEW: lambda w: _read(access.access_review, w),
    Act.SELF_RATE: lambda w: services.self_rate(
        review=w.review,  # type: ignore[arg-type]
        actor=w.actor,
        agency=w.agency,
        value=_value(w),
        score=4,
    ),
    Act.PANEL_RATE: lambda w: services.panel_rate(
        review=w.review,  # type: ignore[arg-type]
        actor=w.actor,
        ratings={_value(w).pk: 4},
    ),
    Act.NOT_RATED_AGENCY: lambda w: services.not_rated_record(
        review=w.review,  # type: ignore[arg-type]
        actor=w.actor,
        value=Value.objects.filter(version_id=w.review.version_id).order_by("-position")[0],  # type: ignore[union-attr]
        agency=w.agency,
        because="Not yet.",
    ),
    Act.NOT_RATED_PANEL: lambda w: services.not_rated_record(
        review=w.review,  # type: ignore[arg-type]
        actor=w.actor,
        value=_value(w),
        panel=Panel.FAMILY,
        because="Not yet.",
    ),
    Act.ADD_SHORTFALL: lambda w: services.shortfall_add(
        review=w.review,  # type: ignore[arg-type]
        actor=w.actor,
        value=_value(w),
        barrier="culture",
        text="Words.",
    ),
    Act.REMOVE_SHORTFALL: lambda w: services.shortfall_remove(
        shortfall=w.shortfall,  # type: ignore[arg-type]
        actor=w.actor,
    ),
    Act.ADD_ACTION: lambda w: services.action_add(
        review=w.review,  # type: ignore[arg-type]
        actor=w.actor,
        text="Another",
        owner_agency=w.agency,
        due_on=timezone.localdate(),
    ),
    Act.BRING_IN_ACTION: lambda w: services.action_bring_in(
        review=w.review,  # type: ignore[arg-type]
        actor=w.actor,
        source=Source.CONVERSATION,
        source_id=w.conversation_action,
    ),
    Act.UPDATE_ACTION: lambda w: services.action_update(
        action=w.action,  # type: ignore[arg-type]
        actor=w.actor,
        status="in_progress",
    ),
    Act.CLOSE_RATINGS: lambda w: services.ratings_close(review=w.review, actor=w.actor),  # type: ignore[arg-type]
    Act.CLOSE_REVIEW: lambda w: services.review_close(review=w.review, actor=w.actor),  # type: ignore[arg-type]
}


class _RolledBack(Exception):
    pass


def _attempt(world: World, act: Act) -> bool:
    outcome = False
    try:
        with transaction.atomic():
            world.target.refresh_from_db()
            try:
                ATTEMPTS[act](world)
                outcome = True
            except ReviewError:
                outcome = False
            raise _RolledBack
    except _RolledBack:
        pass
    return outcome


# An amendment's proposer is someone only with respect to that amendment.
CASES = [
    (who, subject, state)
    for who in Person
    for subject, state in STATE_CASES
    if who != Person.PROPOSER or subject == Subject.AMENDMENT
]


@pytest.mark.parametrize(
    ("who", "subject", "state"), CASES, ids=[f"{w}-{s}-{t}" for w, s, t in CASES]
)
def test_every_act_is_allowed_exactly_when_the_policy_says(
    build: Callable[[Person, Subject, str], World], who: Person, subject: Subject, state: str
) -> None:
    world = build(who, subject, state)
    people = policy.people_of(member=world.actor, target=world.target)
    assert who in people
    wrong = []
    for act, rule in policy.POLICY.items():
        if rule.subject != subject:
            continue
        expected = bool(policy.decide(act=act, people=people, state=state))
        if _attempt(world, act) != expected:
            wrong.append(f"{act.value}: expected {'allowed' if expected else 'refused'}")
    assert not wrong, f"{who.value} on a {subject.value} that is {state}: " + "; ".join(wrong)


def test_the_matrix_covers_every_act() -> None:
    assert set(ATTEMPTS) == set(Act) == set(policy.POLICY)


def test_published_versions_and_closed_reviews_are_read_only() -> None:
    for act, rule in policy.POLICY.items():
        for who in Person:
            if rule.subject == Subject.REVIEW and act not in {Act.READ_REVIEW, Act.UPDATE_ACTION}:
                assert not policy.decide(act=act, people={who}, state=ReviewState.CLOSED)
            if rule.subject == Subject.VERSION and act in {Act.EDIT_DRAFT, Act.PUBLISH}:
                assert not policy.decide(act=act, people={who}, state=VersionState.PUBLISHED)
            if rule.subject == Subject.AMENDMENT and act != Act.READ_AMENDMENT:
                for state in set(AmendmentState) - {AmendmentState.OPEN}:
                    assert not policy.decide(act=act, people={who}, state=state)


def test_observers_read_and_take_no_part() -> None:
    for act, rule in policy.POLICY.items():
        for state in rule.states:
            allowed = policy.decide(act=act, people={Person.OBSERVER}, state=state)
            assert bool(allowed) == act.value.startswith("read_"), act


def test_nobody_outside_the_partnership_is_anyone(
    build: Callable[[Person, Subject, str], World],
    make_member: Callable[..., Member],
    other_partnership: Any,
) -> None:
    world = build(Person.ADMIN, Subject.REVIEW, ReviewState.OPEN)
    for role in Role.values:
        outsider = make_member(role, partnership=other_partnership, name=f"out-{role}")
        assert policy.people_of(member=outsider, target=world.target) == frozenset()
        with pytest.raises(Http404):
            access.access_review(pk=world.target.pk, member=outsider)


def test_pages_read_what_each_person_may_do_now(
    build: Callable[[Person, Subject, str], World],
) -> None:
    world = build(Person.FAMILY_PANEL, Subject.REVIEW, ReviewState.OPEN)
    can = policy.abilities(target=world.target, member=world.actor)
    assert set(can) == {a.value for a, r in policy.POLICY.items() if r.subject == Subject.REVIEW}
    assert can["panel_rate"] and can["add_shortfall"] and can["read_review"]
    assert not can["close_review"] and not can["self_rate"]
    Review.objects.filter(pk=world.target.pk).update(state=ReviewState.MEETING)
    world.target.refresh_from_db()
    assert not policy.abilities(target=world.target, member=world.actor)["panel_rate"]
