"""The conversation services and selectors, through their public functions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conversations.conftest import SEEDS, constituency, key, link_for, vote_as_guest
from village.conversations import selectors, services
from village.conversations.keys import guest_pseudonym
from village.conversations.models import (
    DEFAULT_POLICY,
    Channel,
    ConstituencyKind,
    Conversation,
    Decision,
    InPersonSession,
    Link,
    Moderation,
    ModerationEntry,
    Reason,
    State,
    Statement,
    Vote,
    Voter,
)
from village.conversations.policy import ConversationError
from village.people.browser_key import COOKIE_NAME
from village.people.models import Agency, Member, Role

FAMILY, FRONTLINE, MANAGER, OTHER = (
    ConstituencyKind.FAMILY,
    ConstituencyKind.FRONTLINE,
    ConstituencyKind.MANAGER,
    ConstituencyKind.OTHER,
)


def join(link: Link, n: int, declared: str = "") -> Voter:
    voter, _new = services.voter_join(
        link=link,
        member=None,
        browser_key=key(n),
        declared=constituency(link.conversation, declared) if declared else None,
    )
    return voter


def vote(conversation: Conversation, n: int, statement: Statement, value: int) -> None:
    vote_as_guest(conversation, key(n), statement, value)


def write(conversation: Conversation, n: int, text: str) -> Statement:
    return services.statement_write(
        conversation=conversation, member=None, browser_key=key(n), text=text
    )


# --- creating ---------------------------------------------------------------------------------


def test_seeds_pasted_one_a_line_become_accepted_seed_statements(
    make_conversation: Callable[..., Conversation],
) -> None:
    pasted = "  First idea here  \n\nSecond idea here\nfirst idea here\n   \nThird  idea  here"
    conversation = make_conversation(seeds=pasted.splitlines())
    statements = Statement.objects.filter(conversation=conversation)
    assert sorted(s.text for s in statements) == [
        "First idea here",
        "Second idea here",
        "Third idea here",
    ]
    assert all(s.seed and s.state == State.ACCEPTED for s in statements)
    kinds = [c.kind for c in selectors.constituencies_of(conversation=conversation)]
    assert kinds == [FAMILY, FRONTLINE, MANAGER, OTHER]
    assert conversation.moderation_policy == str(DEFAULT_POLICY)
    assert conversation.statement_max_length == 140


def test_a_seed_over_the_cap_is_refused_naming_its_line(
    make_conversation: Callable[..., Conversation],
) -> None:
    with pytest.raises(ConversationError, match="Seed statement 2 is 141 characters"):
        make_conversation(seeds=["Fine.", "x" * 141])
    assert not Conversation.objects.exists()


def test_only_facilitators_and_admins_start_conversations(
    make_conversation: Callable[..., Conversation], make_member: Callable[..., Member]
) -> None:
    for role in (Role.STAFF, Role.FAMILY, Role.PARTNER_LEAD, Role.OBSERVER):
        with pytest.raises(ConversationError, match="Only a facilitator"):
            make_conversation(created_by=make_member(role, name=role))
    make_conversation(created_by=make_member(Role.ADMIN, name="ada"))


def test_times_must_make_a_window_in_the_future(
    make_conversation: Callable[..., Conversation],
) -> None:
    now = timezone.now()
    with pytest.raises(ConversationError, match="after the opening"):
        make_conversation(opens_at=now, closes_at=now - timedelta(hours=1))
    with pytest.raises(ConversationError, match="has passed"):
        make_conversation(opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1))


# --- joining by link --------------------------------------------------------------------------


def test_a_link_fixes_the_constituency_and_another_link_cannot_swap_it(
    conversation: Conversation, facilitator: Member
) -> None:
    family = link_for(conversation, facilitator, FAMILY)
    manager = link_for(conversation, facilitator, MANAGER)
    voter = join(family, 1)
    assert voter.constituency.kind == FAMILY and voter.declared is None
    again, new = services.voter_join(link=manager, member=None, browser_key=key(1))
    assert not new and again.pk == voter.pk and again.constituency.kind == FAMILY
    manager.refresh_from_db()
    family.refresh_from_db()
    assert (family.uses, manager.uses) == (1, 0)


def test_a_single_use_link_lets_one_person_in(
    conversation: Conversation, facilitator: Member
) -> None:
    link = link_for(conversation, facilitator, FAMILY, max_uses=1)
    join(link, 1)
    join(link, 1)  # the same browser again: fine, uses nothing
    with pytest.raises(ConversationError, match="as many people as it allows"):
        join(link, 2)
    link.refresh_from_db()
    assert link.uses == 1
    assert Voter.objects.filter(conversation=conversation).count() == 1


def test_a_limited_link_stops_at_its_number(
    conversation: Conversation, facilitator: Member
) -> None:
    link = link_for(conversation, facilitator, FRONTLINE, max_uses=3)
    for n in range(3):
        join(link, n)
    with pytest.raises(ConversationError, match="as many people"):
        join(link, 99)
    assert Voter.objects.filter(conversation=conversation).count() == 3


def test_many_single_use_links_at_once_each_work_once(
    conversation: Conversation, facilitator: Member
) -> None:
    links = services.link_create(
        conversation=conversation,
        actor=facilitator,
        constituency=constituency(conversation, FAMILY),
        max_uses=1,
        count=5,
    )
    assert len({link.code for link in links}) == 5
    for n, link in enumerate(links):
        join(link, n)
    with pytest.raises(ConversationError):
        join(links[0], 50)


def test_a_revoked_link_lets_nobody_new_in(conversation: Conversation, facilitator: Member) -> None:
    link = link_for(conversation, facilitator, FAMILY)
    join(link, 1)
    services.link_revoke(link=link, actor=facilitator)
    with pytest.raises(ConversationError, match="no longer works"):
        join(link, 2)
    assert join(link, 1).constituency.kind == FAMILY


def test_an_open_link_records_a_declared_constituency_apart(
    conversation: Conversation, facilitator: Member
) -> None:
    link = link_for(conversation, facilitator, "")
    with pytest.raises(ConversationError, match="Choose the group"):
        join(link, 1)
    voter = join(link, 1, declared=FAMILY)
    assert voter.constituency is None and voter.declared.kind == FAMILY
    assert selectors.counts_by_constituency(conversation=conversation) == {None: 1}


def test_a_member_keeps_one_voice_on_any_device(
    conversation: Conversation, facilitator: Member, make_member: Callable[..., Member]
) -> None:
    staff = make_member(Role.STAFF, name="sam")
    link = link_for(conversation, facilitator, FRONTLINE)
    first, new = services.voter_join(link=link, member=staff, browser_key=key(1))
    second, again = services.voter_join(link=link, member=staff, browser_key=key(2))
    assert new and not again and first.pk == second.pk
    guests = {guest_pseudonym(conversation_id=conversation.pk, key=key(n)) for n in (1, 2)}
    assert first.pseudonym not in guests


def test_a_browser_without_a_key_cannot_join(conversation: Conversation, family_link: Link) -> None:
    with pytest.raises(ConversationError, match="cookies"):
        services.voter_join(link=family_link, member=None, browser_key="")


# --- voting -----------------------------------------------------------------------------------


def test_votes_are_cast_and_changed(conversation: Conversation, family_link: Link) -> None:
    join(family_link, 1)
    statement = selectors.votable_statements(conversation=conversation).first()
    assert statement is not None
    vote(conversation, 1, statement, 1)
    vote(conversation, 1, statement, -1)
    [row] = Vote.objects.filter(statement=statement)
    assert row.value == -1 and row.channel == Channel.WEB
    assert row.voted_on == timezone.localdate()
    with pytest.raises(ConversationError, match="agree, disagree or pass"):
        vote(conversation, 1, statement, 2)


def test_voting_needs_joining_first(conversation: Conversation) -> None:
    """A browser with a key but no voter has nothing to vote as: refused, nothing stored."""
    statement = selectors.votable_statements(conversation=conversation).first()
    assert statement is not None
    assert selectors.participation(pk=conversation.pk, member=None, browser_key=key(1)) is None
    client = Client()
    client.cookies[COOKIE_NAME] = key(1)
    response = client.post(
        reverse("conversations:vote", kwargs={"pk": conversation.pk}),
        {"statement": statement.pk, "value": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_the_next_statement_is_one_not_yet_answered_and_stays_put_on_reload(
    conversation: Conversation, family_link: Link
) -> None:
    voter = join(family_link, 1)
    seen = set()
    for _ in SEEDS:
        shown = selectors.ballot_of(conversation=conversation, pseudonym=voter.pseudonym).statement
        assert shown is not None and shown.pk not in seen
        assert (
            selectors.ballot_of(conversation=conversation, pseudonym=voter.pseudonym).statement
            == shown
        )
        seen.add(shown.pk)
        vote(conversation, 1, shown, 0)
    ballot = selectors.ballot_of(conversation=conversation, pseudonym=voter.pseudonym)
    assert ballot.statement is None
    progress = ballot.progress
    assert (progress.answered, progress.total, progress.left) == (4, 4, 0)


# --- writing and moderating -------------------------------------------------------------------


def test_a_statement_waits_for_a_moderator_in_pre_moderation(
    conversation: Conversation, family_link: Link, facilitator: Member
) -> None:
    join(family_link, 1)
    statement = write(conversation, 1, "  Parents should   be at the table  ")
    assert statement.text == "Parents should be at the table"
    assert statement.state == State.PENDING
    assert statement.author_constituency.kind == FAMILY and not statement.author_declared
    assert statement not in selectors.votable_statements(conversation=conversation)
    with pytest.raises(ConversationError, match="not open for votes"):
        vote(conversation, 1, statement, 1)
    assert [item.statement for item in selectors.moderation_queue(conversation=conversation)] == [
        statement
    ]
    services.statement_accept(statement=statement, actor=facilitator)
    assert statement in selectors.votable_statements(conversation=conversation)
    assert selectors.moderation_queue(conversation=conversation) == []


def test_post_moderation_shows_at_once_and_still_queues(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    conversation = make_conversation(moderation=Moderation.POST)
    link = link_for(conversation, facilitator, MANAGER)
    join(link, 1)
    statement = write(conversation, 1, "Commissioners should fund family advocates.")
    assert statement in selectors.votable_statements(conversation=conversation)
    assert [i.statement for i in selectors.moderation_queue(conversation=conversation)] == [
        statement
    ]


def test_statements_are_capped_at_140_characters_by_default(
    conversation: Conversation, family_link: Link
) -> None:
    join(family_link, 1)
    with pytest.raises(ConversationError, match=r"140 characters\. This has 141"):
        write(conversation, 1, "x" * 141)
    with pytest.raises(ConversationError, match="Write a statement"):
        write(conversation, 1, "   \n ")
    write(conversation, 1, "x" * 140)


def test_rejecting_needs_a_reason_from_the_policy(
    conversation: Conversation, family_link: Link, facilitator: Member
) -> None:
    join(family_link, 1)
    statement = write(conversation, 1, "Something hurtful about someone")
    with pytest.raises(ConversationError, match="reason"):
        services.statement_reject(statement=statement, actor=facilitator, reason="")
    with pytest.raises(ConversationError, match="reason"):
        services.statement_reject(statement=statement, actor=facilitator, reason="split")
    services.statement_reject(statement=statement, actor=facilitator, reason=Reason.HURTFUL)
    assert statement.state == State.REJECTED
    with pytest.raises(ConversationError, match="not accepted"):
        services.statement_accept(statement=statement, actor=facilitator)


def test_a_co_moderator_of_any_role_moderates(
    conversation: Conversation,
    family_link: Link,
    facilitator: Member,
    make_member: Callable[..., Member],
) -> None:
    parent = make_member(Role.FAMILY, name="dawn")
    join(family_link, 1)
    statement = write(conversation, 1, "Parents should be at the table")
    with pytest.raises(ConversationError, match="moderators"):
        services.statement_accept(statement=statement, actor=parent)
    services.moderators_set(conversation=conversation, actor=facilitator, members=[parent])
    services.statement_accept(statement=statement, actor=parent)
    assert statement.state == State.ACCEPTED


def test_edit_only_while_nobody_has_voted(
    conversation: Conversation, family_link: Link, facilitator: Member
) -> None:
    join(family_link, 1)
    statement = write(conversation, 1, "Parnets should be at the table")
    services.statement_edit(
        statement=statement, actor=facilitator, text="Parents should be at the table"
    )
    services.statement_accept(statement=statement, actor=facilitator)
    vote(conversation, 1, statement, 1)
    with pytest.raises(ConversationError, match="People have voted"):
        services.statement_edit(statement=statement, actor=facilitator, text="Something else")
    statement.refresh_from_db()
    assert statement.text == "Parents should be at the table"


def test_split_and_reword_keep_a_link_to_the_original(
    conversation: Conversation, family_link: Link, facilitator: Member
) -> None:
    join(family_link, 1)
    both = write(conversation, 1, "Fewer meetings and more home visits")
    parts = services.statement_split(
        statement=both, actor=facilitator, parts=["Fewer meetings", "", "More home visits"]
    )
    assert [p.text for p in parts] == ["Fewer meetings", "More home visits"]
    assert all(p.original == both and p.state == State.ACCEPTED for p in parts)
    assert all(p.author_constituency.kind == FAMILY for p in parts)
    both.refresh_from_db()
    assert (both.state, both.reason) == (State.REJECTED, Reason.SPLIT)
    unclear = write(conversation, 1, "wrkers dont listen")
    clear = services.statement_reword(
        statement=unclear, actor=facilitator, text="Workers do not listen to families"
    )
    assert clear.original == unclear and clear.state == State.ACCEPTED
    with pytest.raises(ConversationError, match="at least two"):
        services.statement_split(statement=clear, actor=facilitator, parts=["Only one"])


def test_the_published_log_counts_decisions_and_reasons_per_day(
    conversation: Conversation, family_link: Link, facilitator: Member
) -> None:
    join(family_link, 1)
    for n in range(3):
        services.statement_reject(
            statement=write(conversation, 1, f"Off topic {n}"),
            actor=facilitator,
            reason=Reason.OFF_TOPIC,
        )
    services.statement_accept(statement=write(conversation, 1, "Good one"), actor=facilitator)
    rows = selectors.moderation_log(conversation=conversation)
    assert [(r.decision, r.reason, r.count) for r in rows] == [
        ("Accepted", "", 1),
        ("Not accepted", "It is off the question", 3),
    ]
    assert {r.day for r in rows} == {timezone.localdate()}
    assert ModerationEntry.objects.filter(decision=Decision.REJECTED).count() == 3


def test_rejected_statements_never_reach_results(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    conversation = make_conversation(moderation=Moderation.POST)
    link = link_for(conversation, facilitator, FAMILY)
    join(link, 1)
    join(link, 2)
    bad = write(conversation, 1, "Names a family on Elm Street")
    vote(conversation, 2, bad, 1)
    services.statement_reject(statement=bad, actor=facilitator, reason=Reason.IDENTIFYING)
    assert bad not in selectors.result_statements(conversation=conversation)
    assert not selectors.result_votes(conversation=conversation).filter(statement=bad).exists()
    assert bad not in [
        s
        for s, _v in selectors.own_votes(
            conversation=conversation, pseudonym=join(link, 2).pseudonym
        )
    ]
    assert selectors.ballot_of(conversation=conversation, pseudonym="x").statement != bad


def test_near_duplicates_are_suggested(conversation: Conversation, family_link: Link) -> None:
    found = selectors.similar_to(
        conversation=conversation, text="families should see their own case notes"
    )
    assert [s.text for s in found] == [SEEDS[0]]
    assert selectors.similar_to(conversation=conversation, text="Fund more youth clubs") == []


def test_the_queue_shows_near_duplicates_among_pending_statements(
    conversation: Conversation, family_link: Link
) -> None:
    join(family_link, 1)
    first = write(conversation, 1, "Parents should chair their own meetings")
    second = write(conversation, 1, "parents should chair their own child's meetings")
    queue = {
        item.statement.pk: item for item in selectors.moderation_queue(conversation=conversation)
    }
    assert queue[first.pk].similar == [second]
    assert queue[second.pk].similar == [first]


# --- actions and in-person votes --------------------------------------------------------------


def test_a_statement_becomes_an_action(
    conversation: Conversation, facilitator: Member, agency: Agency
) -> None:
    statement = selectors.votable_statements(conversation=conversation).first()
    assert statement is not None
    action = services.action_create(
        conversation=conversation,
        actor=facilitator,
        statement=statement,
        text="Case notes shared on request within a month",
        owner_agency=agency,
        due_on=timezone.localdate() + timedelta(days=90),
    )
    services.action_update(action=action, actor=facilitator, status="under_way")
    assert list(selectors.actions_of(conversation=conversation)) == [action]
    assert action.get_status_display() == "Under way"
    with pytest.raises(ConversationError):
        services.action_update(action=action, actor=facilitator, status="nonsense")


def test_votes_from_a_meeting_need_consent_and_are_marked_in_person(
    conversation: Conversation, facilitator: Member
) -> None:
    statements = list(selectors.votable_statements(conversation=conversation))
    cards = [{statements[0].pk: 1, statements[1].pk: -1}, {statements[0].pk: 0}]
    family = constituency(conversation, FAMILY)
    with pytest.raises(ConversationError, match="agreed"):
        services.in_person_record(
            conversation=conversation,
            actor=facilitator,
            constituency=family,
            consent_recorded=False,
            cards=cards,
        )
    assert not Vote.objects.exists() and not InPersonSession.objects.exists()
    added = services.in_person_record(
        conversation=conversation,
        actor=facilitator,
        constituency=family,
        consent_recorded=True,
        cards=cards,
    )
    assert added == 3
    assert set(Vote.objects.values_list("channel", flat=True)) == {Channel.IN_PERSON}
    voters = Voter.objects.filter(conversation=conversation)
    assert voters.count() == 2 and {v.constituency_id for v in voters} == {family.pk}
    assert InPersonSession.objects.get().people == 2
    with pytest.raises(ConversationError, match="agree, disagree or pass"):
        services.in_person_record(
            conversation=conversation,
            actor=facilitator,
            constituency=family,
            consent_recorded=True,
            cards=[{statements[0].pk: 5}],
        )


def test_a_closed_conversation_is_read_only(
    conversation: Conversation, family_link: Link, facilitator: Member
) -> None:
    join(family_link, 1)
    services.conversation_close(conversation=conversation, actor=facilitator)
    statement = selectors.votable_statements(conversation=conversation).first()
    assert statement is not None
    with pytest.raises(ConversationError, match="closed"):
        vote(conversation, 1, statement, 1)
    with pytest.raises(ConversationError, match="closed"):
        write(conversation, 1, "Too late")
    with pytest.raises(ConversationError, match="not open"):
        join(family_link, 2)
