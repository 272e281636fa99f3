"""Where I stand: each group's answers beside this person's, from counts alone, with any
group too small to show (or one that could be worked out from the others) hidden."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.conftest import FORBIDDEN, access_outcome, client_for
from tests.conversations.conftest import guest_via, key, link_for
from village.conversations import keys, selectors, services
from village.conversations.models import ConstituencyKind, Conversation, Statement
from village.conversations.standing import Comparison, standing_of
from village.people.models import Member, Role

FAMILY, FRONTLINE, MANAGER = (
    ConstituencyKind.FAMILY,
    ConstituencyKind.FRONTLINE,
    ConstituencyKind.MANAGER,
)


def _statements(conversation: Conversation) -> list[Statement]:
    return list(selectors.votable_statements(conversation=conversation).order_by("text"))


def _vote(conversation: Conversation, n: int, answers: dict[Statement, int]) -> None:
    for statement, value in answers.items():
        services.vote_cast(
            conversation=conversation,
            member=None,
            browser_key=key(n),
            statement=statement,
            value=value,
        )


def _crowd(
    conversation: Conversation, facilitator: Member, *, frontline: int = 5, managers: int = 0
) -> tuple[Client, str]:
    """Me (a family member) agreeing with the first statement and disagreeing with the
    second; five other families who answer the same; frontline staff who agree with both;
    managers who answer the opposite of me. Guests 2 to 6 are the families, then the
    frontline staff, then the managers."""
    first, second = _statements(conversation)[:2]
    links = {
        kind: link_for(conversation, facilitator, kind) for kind in (FAMILY, FRONTLINE, MANAGER)
    }
    me = guest_via(links[FAMILY], 1)
    _vote(conversation, 1, {first: 1, second: -1})
    people = [(FAMILY, {first: 1, second: -1})] * 5
    people += [(FRONTLINE, {first: 1, second: 1})] * frontline
    people += [(MANAGER, {first: -1, second: 1})] * managers
    for n, (kind, answers) in enumerate(people, start=2):
        services.voter_join(link=links[kind], member=None, browser_key=key(n))
        _vote(conversation, n, answers)
    return me, _pseudonym(conversation, 1)


def _pseudonym(conversation: Conversation, n: int) -> str:
    return keys.guest_pseudonym(conversation_id=conversation.pk, key=key(n))


def _rows(comparisons: list[Comparison]) -> dict[str, Comparison]:
    return {row.label: row for row in comparisons}


def test_each_group_beside_me_leaving_me_out(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    conversation = make_conversation(results_while_open=True)
    _me, pseudonym = _crowd(conversation, facilitator)
    standing = standing_of(conversation=conversation, pseudonym=pseudonym)
    assert standing.compared == 2 and standing.passed == 0
    rows = _rows(standing.constituencies.rows)
    # Five others in my group, every answer the same as mine; frontline staff half.
    assert (rows[FAMILY.label].same, rows[FAMILY.label].people) == (100, 5)
    assert (rows[FRONTLINE.label].same, rows[FRONTLINE.label].people) == (50, 5)
    assert rows[MANAGER.label].same is None
    assert "Fewer than 5 people" in rows[MANAGER.label].hidden_because
    assert "Groups of fewer than 5 people are not shown" in standing.note


def test_a_small_group_is_hidden_and_so_is_one_that_would_give_it_away(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    """Two managers: hidden. With the families shown, the frontline figure would let the
    managers' be worked out from the whole, so it is hidden too."""
    conversation = make_conversation(results_while_open=True)
    _me, pseudonym = _crowd(conversation, facilitator, managers=2)
    rows = _rows(standing_of(conversation=conversation, pseudonym=pseudonym).constituencies.rows)
    assert rows[FAMILY.label].same == 100
    assert "Fewer than 5 people" in rows[MANAGER.label].hidden_because
    assert rows[FRONTLINE.label].same is None
    assert "subtraction" in rows[FRONTLINE.label].hidden_because


def test_a_pass_is_left_out_and_nothing_to_compare_hides_every_group(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    conversation = make_conversation(results_while_open=True)
    first = _statements(conversation)[0]
    guest_via(link_for(conversation, facilitator, FAMILY), 1)
    _vote(conversation, 1, {first: 0})
    pseudonym = keys.guest_pseudonym(conversation_id=conversation.pk, key=key(1))
    standing = standing_of(conversation=conversation, pseudonym=pseudonym)
    assert (standing.compared, standing.passed) == (0, 1)
    assert not standing.constituencies.shown
    [(reason, labels)] = standing.constituencies.hidden
    assert "Fewer than 5 people" in reason and len(labels) == 5


def test_opinion_groups(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    """Opinion group A: four families and one frontline worker; B: the rest."""
    conversation = make_conversation(results_while_open=True)
    _me, pseudonym = _crowd(conversation, facilitator)
    groups = {_pseudonym(conversation, n): "A" for n in range(2, 6)}
    groups |= {_pseudonym(conversation, n): "B" for n in range(6, 12)}
    groups[_pseudonym(conversation, 7)] = "A"
    standing = standing_of(conversation=conversation, pseudonym=pseudonym, opinion_groups=groups)
    rows = _rows(standing.opinion_groups.rows)
    assert (rows["A"].same, rows["A"].people) == (90, 5)
    assert (rows["B"].same, rows["B"].people) == (60, 5)


def test_opinion_groups_share_the_guard_so_no_group_can_be_subtracted(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    """Seven frontline staff. Opinion group A is the five families and two frontline staff,
    B the other five. Each is big enough alone, but beside the families and the frontline
    staff (shown above them) either would give the two away, so both are hidden."""
    conversation = make_conversation(results_while_open=True)
    _me, pseudonym = _crowd(conversation, facilitator, frontline=7)
    groups = {_pseudonym(conversation, n): "A" for n in range(2, 9)}
    groups |= {_pseudonym(conversation, n): "B" for n in range(9, 14)}
    standing = standing_of(conversation=conversation, pseudonym=pseudonym, opinion_groups=groups)
    assert _rows(standing.constituencies.rows)[FRONTLINE.label].people == 5  # 7, rounded
    rows = _rows(standing.opinion_groups.rows)
    assert rows["A"].same is None and "subtraction" in rows["A"].hidden_because
    assert rows["B"].same is None and "subtraction" in rows["B"].hidden_because


def test_the_page_from_the_voting_page_and_its_refusals(
    make_conversation: Callable[..., Conversation],
    facilitator: Member,
    make_member: Callable[..., Member],
) -> None:
    conversation = make_conversation(results_while_open=True)
    me, _pseudonym = _crowd(conversation, facilitator)
    url = reverse("conversations:standing", kwargs={"pk": conversation.pk})
    vote_page = me.get(reverse("conversations:vote", kwargs={"pk": conversation.pk}))
    assert url in vote_page.content.decode()
    page = me.get(url).content.decode()
    assert "Where you stand" in page and "100" in page and "Fewer than 5 people" in page
    # Someone who has not joined, a member who has not joined, and another conversation.
    assert access_outcome(Client().get(url)) == FORBIDDEN
    assert access_outcome(client_for(make_member(Role.STAFF, name="s")).get(url)) == FORBIDDEN
    other = make_conversation(question="Another question")
    assert access_outcome(me.get(reverse("conversations:standing", kwargs={"pk": other.pk}))) == (
        FORBIDDEN
    )
    assert me.post(url).status_code == 405


def test_while_results_are_hidden_the_page_says_when_it_will_show(
    conversation: Conversation, facilitator: Member
) -> None:
    me, _pseudonym = _crowd(conversation, facilitator)
    url = reverse("conversations:standing", kwargs={"pk": conversation.pk})
    page = me.get(url).content.decode()
    assert "after it closes" in page and "Fewer than 5 people" not in page
    services.conversation_close(conversation=conversation, actor=facilitator)
    closed = me.get(url).content.decode()
    assert "Fewer than 5 people" in closed
