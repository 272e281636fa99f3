"""The policy matrix: every person (each role, a co-moderator, and a guest) in every state
of a conversation, against every act the policy names. Each act is tried for real, through
its service (or its view, for a guest, who has no member to act as), inside a savepoint
that is rolled back, and must be allowed exactly when conversations/policy.py says so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.conversations.conftest import constituency, key
from village.conversations import policy, selectors, services
from village.conversations.models import (
    Action,
    ConstituencyKind,
    Conversation,
    Link,
    Statement,
    Vote,
)
from village.conversations.policy import Act, Person, State
from village.people.browser_key import COOKIE_NAME
from village.people.models import Agency, Member, Role

ACTOR_KEY = key(1)


@dataclass
class World:
    person: Person
    conversation: Conversation
    actor: Member | None
    joined: bool
    link: Link
    pending: Statement
    action: Action
    agency: Agency
    client: Client


def _state(conversation: Conversation, state: State) -> None:
    now = timezone.now()
    if state == State.SCHEDULED:
        Conversation.objects.filter(pk=conversation.pk).update(
            opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2)
        )
    elif state == State.CLOSED:
        Conversation.objects.filter(pk=conversation.pk).update(closed_early=True)
    conversation.refresh_from_db()


@pytest.fixture
def build(
    make_conversation: Callable[..., Conversation],
    make_member: Callable[..., Member],
    facilitator: Member,
    agency: Agency,
) -> Callable[[Person, State], World]:
    def make(person: Person, state: State) -> World:
        conversation = make_conversation()
        if person == Person.GUEST:
            actor = None
        elif person == Person.MODERATOR:
            actor = make_member(Role.FAMILY, name="comod")
            services.moderators_set(conversation=conversation, actor=facilitator, members=[actor])
        else:
            actor = make_member(person.value, name=person.value)
        [link] = services.link_create(
            conversation=conversation,
            actor=facilitator,
            constituency=constituency(conversation, ConstituencyKind.FAMILY),
        )
        services.voter_join(link=link, member=None, browser_key=key(2))
        pending = services.statement_write(
            conversation=conversation, member=None, browser_key=key(2), text="Someone's words"
        )
        people = policy.people_of(member=actor, conversation=conversation)
        joined = bool(policy.decide(act=Act.JOIN, people=people, state=State.OPEN, joined=False))
        if joined:
            services.voter_join(link=link, member=actor, browser_key=ACTOR_KEY)
        statement = selectors.votable_statements(conversation=conversation).first()
        assert statement is not None
        action = services.action_create(
            conversation=conversation,
            actor=facilitator,
            statement=statement,
            text="An action",
            owner_agency=agency,
            due_on=timezone.localdate(),
        )
        _state(conversation, state)
        client = client_for(actor)
        client.cookies[COOKIE_NAME] = ACTOR_KEY
        return World(person, conversation, actor, joined, link, pending, action, agency, client)

    return make


def _first(world: World) -> Statement:
    statement = selectors.votable_statements(conversation=world.conversation).first()
    assert statement is not None
    return statement


def _vote(w: World) -> None:
    """Through the voting page, the only way anyone votes (the service takes the voter the
    page found): refused unless the vote is stored."""
    before = Vote.objects.count()
    w.client.post(
        reverse("conversations:vote", kwargs=_pk(w)),
        {"statement": _first(w).pk, "value": "1"},
        HTTP_HX_REQUEST="true",
    )
    if Vote.objects.count() == before:
        raise services.ConversationError("The vote was not stored.")


def _update(w: World) -> Any:
    c = w.conversation
    return services.conversation_update(
        conversation=c,
        actor=w.actor,  # type: ignore[arg-type]
        question=c.question,
        context=c.context,
        opens_at=c.opens_at,
        closes_at=c.closes_at,
        moderation=c.moderation,
        results_while_open=c.results_while_open,
        moderation_policy=c.moderation_policy,
        statement_max_length=c.statement_max_length,
    )


SERVICE_ATTEMPTS: dict[Act, Callable[[World], object]] = {
    Act.EDIT: _update,
    Act.MAKE_LINKS: lambda w: services.link_create(
        conversation=w.conversation,
        actor=w.actor,
        constituency=None,  # type: ignore[arg-type]
    ),
    Act.SET_MODERATORS: lambda w: services.moderators_set(
        conversation=w.conversation,
        actor=w.actor,
        members=[],  # type: ignore[arg-type]
    ),
    Act.CLOSE: lambda w: services.conversation_close(conversation=w.conversation, actor=w.actor),  # type: ignore[arg-type]
    Act.JOIN: lambda w: services.voter_join(link=w.link, member=w.actor, browser_key=key(3)),
    Act.VOTE: lambda w: _vote(w),
    Act.WRITE: lambda w: services.statement_write(
        conversation=w.conversation, member=w.actor, browser_key=ACTOR_KEY, text="More words"
    ),
    Act.MODERATE: lambda w: services.statement_accept(statement=w.pending, actor=w.actor),  # type: ignore[arg-type]
    Act.ADD_ACTION: lambda w: services.action_create(
        conversation=w.conversation,
        actor=w.actor,  # type: ignore[arg-type]
        statement=_first(w),
        text="Another",
        owner_agency=w.agency,
        due_on=timezone.localdate(),
    ),
    Act.UPDATE_ACTION: lambda w: services.action_update(
        action=w.action,
        actor=w.actor,
        status="done",  # type: ignore[arg-type]
    ),
    Act.RECORD_IN_PERSON: lambda w: services.in_person_record(
        conversation=w.conversation,
        actor=w.actor,  # type: ignore[arg-type]
        constituency=constituency(w.conversation, ConstituencyKind.FAMILY),
        consent_recorded=True,
        cards=[{_first(w).pk: 1}],
    ),
}
# Acts that are pages, and every act for a guest (who has no member to act as).
GUEST_SERVICE_ACTS = {Act.JOIN, Act.VOTE, Act.WRITE}


def _pk(w: World) -> dict[str, int]:
    return {"pk": w.conversation.pk}


VIEW_ATTEMPTS: dict[Act, Callable[[World], Any]] = {
    Act.MANAGE: lambda w: w.client.get(reverse("conversations:manage", kwargs=_pk(w))),
    Act.READ_LOG: lambda w: w.client.get(reverse("conversations:log", kwargs=_pk(w))),
    Act.EDIT: lambda w: w.client.post(reverse("conversations:edit", kwargs=_pk(w)), {}),
    Act.MAKE_LINKS: lambda w: w.client.post(
        reverse("conversations:links_create", kwargs=_pk(w)), {}
    ),
    Act.SET_MODERATORS: lambda w: w.client.post(
        reverse("conversations:moderators", kwargs=_pk(w)), {}
    ),
    Act.CLOSE: lambda w: w.client.post(reverse("conversations:close", kwargs=_pk(w))),
    Act.MODERATE: lambda w: w.client.post(
        reverse("conversations:decide", kwargs={**_pk(w), "statement_pk": w.pending.pk}),
        {"decision": "accept"},
    ),
    Act.ADD_ACTION: lambda w: w.client.post(
        reverse("conversations:action_create", kwargs=_pk(w)), {}
    ),
    Act.UPDATE_ACTION: lambda w: w.client.post(
        reverse("conversations:action_update", kwargs={**_pk(w), "action_pk": w.action.pk}),
        {"status": "done"},
    ),
    Act.READ_RESULTS: lambda w: w.client.get(reverse("conversations:results", kwargs=_pk(w))),
    Act.EXPORT_RESULTS: lambda w: w.client.get(reverse("conversations:results_csv", kwargs=_pk(w))),
}
RESULTS_PAGES = ("results", "results_print", "results_csv", "results_pdf")


class _RolledBack(Exception):
    pass


def _view_allows(response: Any) -> bool:
    if response.status_code in (403, 404, 405):
        return False
    return not (response.status_code == 302 and "/sign-in/" in response.get("Location", ""))


def _attempt(world: World, act: Act) -> bool:
    outcome = False
    try:
        with transaction.atomic():
            world.conversation.refresh_from_db()
            world.pending.refresh_from_db()
            if act in SERVICE_ATTEMPTS and (world.actor is not None or act in GUEST_SERVICE_ACTS):
                try:
                    SERVICE_ATTEMPTS[act](world)
                    outcome = True
                except services.ConversationError:
                    outcome = False
            else:
                outcome = _view_allows(VIEW_ATTEMPTS[act](world))
            raise _RolledBack
    except _RolledBack:
        pass
    return outcome


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
@pytest.mark.parametrize("person", list(Person), ids=[p.value for p in Person])
def test_every_act_is_allowed_exactly_when_the_policy_says(
    build: Callable[[Person, State], World], person: Person, state: State
) -> None:
    world = build(person, state)
    people = policy.people_of(member=world.actor, conversation=world.conversation)
    wrong = []
    for act in Act:
        if act == Act.RECORD_IN_PERSON and world.actor is None:
            continue  # a page for it comes later; a guest has no member to record as
        expected = bool(policy.decide(act=act, people=people, state=state, joined=world.joined))
        if _attempt(world, act) != expected:
            wrong.append(f"{act.value}: expected {'allowed' if expected else 'refused'}")
    assert not wrong, f"{person.value} in {state.value}: " + "; ".join(wrong)


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
@pytest.mark.parametrize("person", list(Person), ids=[p.value for p in Person])
def test_results_follow_the_conversations_choice_to_share_them_while_open(
    build: Callable[[Person, State], World], person: Person, state: State
) -> None:
    """With results shared while open, every results page (the page, print view, CSV and
    PDF) is open or refused exactly as the policy says, for each person in each state."""
    world = build(person, state)
    Conversation.objects.filter(pk=world.conversation.pk).update(results_while_open=True)
    world.conversation.refresh_from_db()
    people = policy.people_of(member=world.actor, conversation=world.conversation)
    wrong = []
    for act, names in (
        (Act.READ_RESULTS, RESULTS_PAGES[:1]),
        (Act.EXPORT_RESULTS, RESULTS_PAGES[1:]),
    ):
        expected = bool(
            policy.decide(
                act=act, people=people, state=state, joined=world.joined, shares_results=True
            )
        )
        for name in names:
            response = world.client.get(reverse(f"conversations:{name}", kwargs=_pk(world)))
            if _view_allows(response) != expected:
                wrong.append(f"{name}: expected {'allowed' if expected else 'refused'}")
    assert not wrong, f"{person.value} in {state.value}: " + "; ".join(wrong)


@pytest.mark.parametrize("state", list(State), ids=[s.value for s in State])
@pytest.mark.parametrize("person", list(Person), ids=[p.value for p in Person])
def test_where_i_stand_shows_exactly_when_the_results_may_be_read(
    build: Callable[[Person, State], World], person: Person, state: State
) -> None:
    """The "where I stand" page is for people who joined, and shows them exactly what
    ``read_results`` allows, whether or not results are shared while open; refused, it says
    why."""
    world = build(person, state)
    url = reverse("conversations:standing", kwargs=_pk(world))
    people = policy.people_of(member=world.actor, conversation=world.conversation)
    wrong = []
    for shared in (False, True):
        Conversation.objects.filter(pk=world.conversation.pk).update(results_while_open=shared)
        decision = policy.decide(
            act=Act.READ_RESULTS, people=people, state=state, shares_results=shared
        )
        response = world.client.get(url)
        if _view_allows(response) != (world.joined and bool(decision)):
            wrong.append(f"shared={shared}: {response.status_code}")
        elif world.joined and not decision and decision.reason not in response.content.decode():
            wrong.append(f"shared={shared}: the refusal does not say why")
    assert not wrong, f"{person.value} in {state.value}: " + "; ".join(wrong)


def test_the_matrix_covers_every_act() -> None:
    assert set(SERVICE_ATTEMPTS) | set(VIEW_ATTEMPTS) == set(Act) == set(policy.POLICY)


def test_a_closed_conversation_is_read_only_but_for_its_actions() -> None:
    open_after = {
        Act.MANAGE,
        Act.READ_LOG,
        Act.ADD_ACTION,
        Act.UPDATE_ACTION,
        Act.READ_RESULTS,
        Act.EXPORT_RESULTS,
    }
    for person in Person:
        for act in set(Act) - open_after:
            assert not policy.decide(act=act, people={person}, state=State.CLOSED), (person, act)


def test_results_are_shared_on_closing_or_while_open_if_chosen() -> None:
    for act in (Act.READ_RESULTS, Act.EXPORT_RESULTS):
        for person in Person:
            assert policy.decide(act=act, people={person}, state=State.CLOSED)
            shared = policy.decide(act=act, people={person}, state=State.OPEN, shares_results=True)
            assert shared
            early = policy.decide(act=act, people={person}, state=State.OPEN)
            assert bool(early) == (person in policy.RUNS), (act, person)


def test_observers_read_but_do_not_take_part_and_co_moderators_moderate() -> None:
    for act in (Act.JOIN, Act.VOTE, Act.WRITE):
        assert not policy.decide(act=act, people={Person.OBSERVER}, state=State.OPEN)
    family = {Person.FAMILY}
    assert not policy.decide(act=Act.MODERATE, people=family, state=State.OPEN)
    assert policy.decide(act=Act.MODERATE, people=family | {Person.MODERATOR}, state=State.OPEN)
    assert not policy.decide(
        act=Act.MAKE_LINKS, people=family | {Person.MODERATOR}, state=State.OPEN
    )
