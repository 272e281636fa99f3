"""Where I stand: each group's answers beside this person's, from counts alone, with any
group too small to show (or one that could be worked out from the others) hidden. The
groups are the constituencies and the opinion groups of the last results; the page shows
when the policy lets this person read the results."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import FORBIDDEN, OK, access_outcome, client_for
from tests.conversations.conftest import Voting, guest_via, key, link_for, seeds_of, vote_as_guest
from village.conversations import selectors, services
from village.conversations.models import ConstituencyKind, Conversation, Statement, Voter
from village.conversations.selectors import SnapshotGroups
from village.conversations.standing import Comparison, standing_of
from village.people.models import Member, Role

FAMILY, FRONTLINE, MANAGER = (
    ConstituencyKind.FAMILY,
    ConstituencyKind.FRONTLINE,
    ConstituencyKind.MANAGER,
)
AGREE, DISAGREE = 1, -1
HIDDEN_BY_RESULTS = "Hidden on the results page, for a reason of its own."


def _statements(conversation: Conversation) -> list[Statement]:
    return list(selectors.votable_statements(conversation=conversation).order_by("text"))


def _vote(conversation: Conversation, n: int, answers: dict[Statement, int]) -> None:
    for statement, value in answers.items():
        vote_as_guest(conversation, key(n), statement, value)


def _voter(conversation: Conversation, n: int) -> Voter:
    voter = selectors.voter_for(conversation=conversation, member=None, browser_key=key(n))
    assert voter is not None
    return voter


def _crowd(
    conversation: Conversation, facilitator: Member, *, frontline: int = 5, managers: int = 0
) -> tuple[Client, Voter]:
    """Me (a family member) agreeing with the first statement and disagreeing with the
    second; five other families who answer the same; frontline staff who agree with both;
    managers who answer the opposite of me. Guests 2 to 6 are the families, then the
    frontline staff, then the managers."""
    first, second = _statements(conversation)[:2]
    links = {
        kind: link_for(conversation, facilitator, kind) for kind in (FAMILY, FRONTLINE, MANAGER)
    }
    me = guest_via(links[FAMILY], 1)
    _vote(conversation, 1, {first: AGREE, second: DISAGREE})
    people = [(FAMILY, {first: AGREE, second: DISAGREE})] * 5
    people += [(FRONTLINE, {first: AGREE, second: AGREE})] * frontline
    people += [(MANAGER, {first: DISAGREE, second: AGREE})] * managers
    for n, (kind, answers) in enumerate(people, start=2):
        services.voter_join(link=links[kind], member=None, browser_key=key(n))
        _vote(conversation, n, answers)
    return me, _voter(conversation, 1)


def _groups(
    conversation: Conversation, members: dict[str, range | list[int]], hidden: tuple[str, ...] = ()
) -> SnapshotGroups:
    """Opinion groups as the last results would give them: guests by number in each group
    the results show, and groups they hide (with no members)."""
    return SnapshotGroups(
        labels=sorted([*members, *hidden]),
        member_of={
            _voter(conversation, n).pk: label for label, guests in members.items() for n in guests
        },
        hidden=dict.fromkeys(hidden, HIDDEN_BY_RESULTS),
    )


def _rows(comparisons: list[Comparison]) -> dict[str, Comparison]:
    return {row.label: row for row in comparisons}


def test_each_group_beside_me_leaving_me_out(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    conversation = make_conversation(results_while_open=True)
    _me, voter = _crowd(conversation, facilitator)
    standing = standing_of(conversation=conversation, voter=voter)
    assert standing.compared == 2 and standing.passed == 0
    rows = _rows(standing.constituencies.rows)
    # Five others in my group, every answer the same as mine; frontline staff half.
    assert (rows[FAMILY.label].same, rows[FAMILY.label].people) == (100, 5)
    assert (rows[FRONTLINE.label].same, rows[FRONTLINE.label].people) == (50, 5)
    assert rows[MANAGER.label].same is None
    assert "Fewer than 5 people" in rows[MANAGER.label].hidden_because
    assert "Groups of fewer than 5 people are not shown" in standing.note
    assert standing.opinion_groups.rows == [] and standing.my_group == ""


def test_a_small_group_is_hidden_and_so_is_one_that_would_give_it_away(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    """Two managers: hidden. With the families shown, the frontline figure would let the
    managers' be worked out from the whole, so it is hidden too."""
    conversation = make_conversation(results_while_open=True)
    _me, voter = _crowd(conversation, facilitator, managers=2)
    rows = _rows(standing_of(conversation=conversation, voter=voter).constituencies.rows)
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
    standing = standing_of(conversation=conversation, voter=_voter(conversation, 1))
    assert (standing.compared, standing.passed) == (0, 1)
    assert not standing.constituencies.shown
    [(reason, labels)] = standing.constituencies.hidden
    assert "Fewer than 5 people" in reason and len(labels) == 5


def test_opinion_groups_and_the_one_i_am_in(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    """Opinion group A: me, four families and one frontline worker; B: the rest."""
    conversation = make_conversation(results_while_open=True)
    _me, voter = _crowd(conversation, facilitator)
    groups = _groups(conversation, {"A": [1, 2, 3, 4, 5, 7], "B": [6, 8, 9, 10, 11]})
    standing = standing_of(conversation=conversation, voter=voter, opinion_groups=groups)
    rows = _rows(standing.opinion_groups.rows)
    assert (rows["A"].same, rows["A"].people) == (90, 5)  # me left out
    assert (rows["B"].same, rows["B"].people) == (60, 5)
    assert standing.my_group == "A"


def test_opinion_groups_share_the_guard_so_no_group_can_be_subtracted(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    """Seven frontline staff. Opinion group A is the five families and two frontline staff,
    B the other five. Each is big enough alone, but beside the families and the frontline
    staff (shown above them) either would give the two away, so both are hidden; and I am
    not told I am in A, which is not shown."""
    conversation = make_conversation(results_while_open=True)
    _me, voter = _crowd(conversation, facilitator, frontline=7)
    groups = _groups(conversation, {"A": range(1, 9), "B": range(9, 14)})
    standing = standing_of(conversation=conversation, voter=voter, opinion_groups=groups)
    assert _rows(standing.constituencies.rows)[FRONTLINE.label].people == 5  # 7, rounded
    rows = _rows(standing.opinion_groups.rows)
    assert rows["A"].same is None and "subtraction" in rows["A"].hidden_because
    assert rows["B"].same is None and "subtraction" in rows["B"].hidden_because
    assert standing.my_group == ""


def test_a_group_the_results_hide_is_hidden_here_with_their_reason(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    """The results show A (the families) and hide B (the frontline staff): B is hidden here
    with the results' reason, however many of its people there are, and nothing of it shows
    in A. Someone in no group the results show (the frontline staff here, or anyone who
    joined after them) counts in no group."""
    conversation = make_conversation(results_while_open=True)
    _me, voter = _crowd(conversation, facilitator)
    groups = _groups(conversation, {"A": range(1, 7)}, hidden=("B",))
    standing = standing_of(conversation=conversation, voter=voter, opinion_groups=groups)
    assert [row.label for row in standing.opinion_groups.rows] == ["A", "B"]
    rows = _rows(standing.opinion_groups.rows)
    assert (rows["A"].same, rows["A"].people) == (100, 5)
    assert rows["B"] == Comparison("B", None, None, HIDDEN_BY_RESULTS)
    assert standing.opinion_groups.hidden == [(HIDDEN_BY_RESULTS, ["B"])]
    assert standing.my_group == "A"


def _split(conversation: Conversation, facilitator: Member) -> tuple[Client, Voter]:
    """Me, a family member, and 21 others on the four seeds: families who answer as I do,
    frontline staff who differ from me on one statement, managers on three. The opinion
    engine finds two groups: the families and frontline staff, and the managers."""
    me = guest_via(link_for(conversation, facilitator, FAMILY), 1)
    mine = (AGREE, DISAGREE, AGREE, DISAGREE)
    _vote(conversation, 1, dict(zip(seeds_of(conversation), mine, strict=True)))
    voting = Voting(conversation, facilitator)
    voting.group(FAMILY, 6, mine)
    voting.group(FRONTLINE, 8, (AGREE, AGREE, AGREE, DISAGREE))
    voting.group(MANAGER, 7, (AGREE, AGREE, DISAGREE, AGREE))
    return me, _voter(conversation, 1)


def test_the_groups_come_from_the_last_results_as_the_results_page_names_them(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    conversation = make_conversation(results_while_open=True)
    _me, voter = _split(conversation, facilitator)
    assert selectors.snapshot_groups(conversation=conversation) is None, "not worked out yet"
    snapshot = services.results_refresh(conversation=conversation)
    groups = selectors.snapshot_groups(conversation=conversation)
    assert groups is not None and not groups.hidden
    results = selectors.results_for(conversation=conversation)
    assert groups.labels == [g.label for g in results.groups] == ["Group A", "Group B"]
    assert len(groups.member_of) == 22
    # The members are kept beside the figures, never in them, and no results page reads them.
    assert str(voter.pk) not in json.dumps(snapshot.data)
    with CaptureQueriesContext(connection) as queries:
        selectors.results_for(conversation=conversation)
    assert not any("members" in query["sql"] for query in queries.captured_queries)

    standing = standing_of(conversation=conversation, voter=voter, opinion_groups=groups)
    figures = {(row.people, row.same): row.label for row in standing.opinion_groups.rows}
    # Mine: 6 families all the same as me, 8 frontline staff 3 in 4 the same (86 on
    # average, 14 people rounded to 15); the 7 managers 1 in 4 (rounded to 5 people).
    assert set(figures) == {(15, 86), (5, 25)}
    assert standing.my_group == figures[(15, 86)] == groups.member_of[voter.pk]


def test_the_page_shows_the_groups_once_the_results_are_worked_out(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    conversation = make_conversation(results_while_open=True)
    me, _voter = _split(conversation, facilitator)
    url = reverse("conversations:standing", kwargs={"pk": conversation.pk})
    before = me.get(url)
    assert before.status_code == 200
    text = before.content.decode()
    assert "still being worked out" in text
    assert "Families and people with lived experience" in text, "the constituencies show"
    assert "Group A" not in text and "Groups who think alike" not in text
    assert "You are in" not in text

    services.results_refresh(conversation=conversation)
    after = me.get(url).content.decode()
    assert "still being worked out" not in after
    assert "Groups who think alike" in after and "Group A" in after and "Group B" in after
    assert "86%" in after and "25%" in after
    assert "You are in Group" in after
    # What each figure means, in a sentence each.
    assert "The percentage is how often, on average, a group's people gave" in after
    assert "The number of people is how many in the group answered" in after
    assert reverse("conversations:results", kwargs={"pk": conversation.pk}) in after


def test_too_few_votes_for_groups_says_so(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    conversation = make_conversation(results_while_open=True)
    me, _voter = _crowd(conversation, facilitator, frontline=0)
    services.results_refresh(conversation=conversation)
    assert selectors.snapshot_groups(conversation=conversation) == SnapshotGroups([], {}, {})
    page = me.get(reverse("conversations:standing", kwargs={"pk": conversation.pk}))
    text = page.content.decode()
    assert "Not enough people have voted yet to find groups" in text
    assert "still being worked out" not in text and "You are in" not in text


def test_the_page_from_the_voting_page_and_its_refusals(
    make_conversation: Callable[..., Conversation],
    facilitator: Member,
    make_member: Callable[..., Member],
) -> None:
    conversation = make_conversation(results_while_open=True)
    me, _voter = _crowd(conversation, facilitator)
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


def test_while_results_are_hidden_the_page_is_refused_and_says_when(
    conversation: Conversation, facilitator: Member
) -> None:
    """Not shared while open: refused, saying when it will show, with no figures and no link
    to it from the voting page; it shows once the conversation closes."""
    me, _voter = _crowd(conversation, facilitator)
    services.results_refresh(conversation=conversation)
    url = reverse("conversations:standing", kwargs={"pk": conversation.pk})
    refused = me.get(url)
    assert access_outcome(refused) == FORBIDDEN
    text = refused.content.decode()
    assert "Results are shared when the conversation closes" in text
    assert "Fewer than 5 people" not in text and "%" not in text
    assert (
        url
        not in me.get(
            reverse("conversations:vote", kwargs={"pk": conversation.pk})
        ).content.decode()
    )
    services.conversation_close(conversation=conversation, actor=facilitator)
    closed = me.get(url)
    assert access_outcome(closed) == OK and "Fewer than 5 people" in closed.content.decode()
