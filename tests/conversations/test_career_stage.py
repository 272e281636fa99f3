"""Career stage as a lens on a conversation's results (issue 13, item 6): voters may add
their career stage when they join; results show votes by stage only where every stage shown
has at least the minimum group size, and no stage can be worked out by subtraction (from
the total, or from the constituency and opinion group tables released beside it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.conversations.conftest import Voting, key, link_for, seeds_of
from tests.hostile import HOSTILE
from village.conversations import selectors, services
from village.conversations.models import ConstituencyKind, Conversation, PendingStage, Voter
from village.conversations.policy import ConversationError
from village.people.browser_key import COOKIE_NAME
from village.people.models import CareerStage, Member

FAMILY, FRONTLINE, MANAGER, OTHER = (k.value for k in ConstituencyKind)
AGREE, DISAGREE = 1, -1
VOTES = (AGREE, AGREE, DISAGREE, AGREE)
NEW, ESTABLISHED, NEARING = (str(s) for s in CareerStage.values)


@pytest.fixture
def voting(conversation: Conversation, facilitator: Member) -> Voting:
    return Voting(conversation, facilitator)


def _cells(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {cell["key"]: cell for cell in table["cells"]}


def _refresh(conversation: Conversation) -> dict[str, Any]:
    data = services.results_refresh(conversation=conversation).data
    assert data is not None
    return data


def test_stages_big_enough_are_shown_with_their_votes(
    voting: Voting, conversation: Conversation, facilitator: Member
) -> None:
    voting.group(FRONTLINE, 6, VOTES, career_stage=NEW)
    voting.group(FRONTLINE, 6, (DISAGREE, DISAGREE, DISAGREE, DISAGREE), career_stage=NEARING)
    voting.group(MANAGER, 6, VOTES)
    data = _refresh(conversation)
    people = _cells(data["participants"]["career_stages"])
    assert people[NEW]["shown"] and people[NEARING]["shown"]
    first = str(seeds_of(conversation)[0].pk)
    cells = _cells(data["statements"][first]["career_stages"])
    assert cells[NEW]["agree"] == 100
    assert cells[NEARING]["disagree"] == 100
    page = client_for(facilitator).get(
        reverse("conversations:results", kwargs={"pk": conversation.pk})
    )
    text = page.content.decode()
    assert "People who voted, by career stage" in text
    assert "Nearing retirement" in text
    csv = client_for(facilitator).get(
        reverse("conversations:results_csv", kwargs={"pk": conversation.pk})
    )
    assert ",career stage,Nearing retirement," in csv.content.decode()


def test_a_small_stage_is_hidden_directly_and_by_subtraction(
    voting: Voting, conversation: Conversation, facilitator: Member
) -> None:
    """Two frontline voters nearing retirement, among many: their stage is hidden, and so is
    enough else that the total minus the stages shown never gives them away."""
    voting.group(FRONTLINE, 7, VOTES, career_stage=NEW)
    voting.group(FRONTLINE, 2, (DISAGREE, DISAGREE, DISAGREE, DISAGREE), career_stage=NEARING)
    voting.group(MANAGER, 8, VOTES, career_stage=ESTABLISHED)
    voting.group(FAMILY, 6, VOTES)
    data = _refresh(conversation)
    minimum = data["minimum"]
    # The two nearing retirement are fewer than the minimum, so their stage is never stored:
    # they count as not given.
    true = {NEW: 7, NEARING: 0, ESTABLISHED: 8, "not_given": 8}
    tables = [data["participants"]["career_stages"]] + [
        data["statements"][str(s.pk)]["career_stages"] for s in seeds_of(conversation)
    ]
    for table in tables:
        cells = _cells(table)
        assert not cells[NEARING]["shown"]
        hidden = sum(true[k] for k, cell in cells.items() if not cell["shown"])
        assert hidden == 0 or hidden >= minimum
        assert sum(not cells[k]["shown"] for k in (NEW, ESTABLISHED, "not_given")) >= 1
    # The two cannot be found through the constituency tables either: frontline (9) minus
    # the new-to-the-work stage (7) would be them, so one of those two is hidden.
    for statement in seeds_of(conversation):
        figures = data["statements"][str(statement.pk)]
        stage = _cells(figures["career_stages"])[NEW]
        frontline = _cells(figures["constituencies"])[FRONTLINE]
        assert not (stage["shown"] and frontline["shown"])
    page = client_for(facilitator).get(
        reverse("conversations:results", kwargs={"pk": conversation.pk})
    )
    assert page.status_code == 200


def test_with_every_stage_too_small_no_stage_table_is_shown(
    voting: Voting, conversation: Conversation, facilitator: Member
) -> None:
    voting.group(FRONTLINE, 2, VOTES, career_stage=NEW)
    voting.group(MANAGER, 8, VOTES)
    voting.group(FAMILY, 6, VOTES)
    _refresh(conversation)
    results = selectors.results_for(conversation=conversation)
    assert results.career_stages == []
    assert all(s.career_stages == [] for s in results.statements)
    page = client_for(facilitator).get(
        reverse("conversations:results", kwargs={"pk": conversation.pk})
    )
    assert "by career stage" not in page.content.decode()


def test_the_stage_is_optional_kept_only_from_the_list_and_holds_no_person(
    conversation: Conversation, facilitator: Member
) -> None:
    link = link_for(conversation, facilitator, FRONTLINE)
    voter, _new = services.voter_join(link=link, member=None, browser_key=key(1))
    assert voter.career_stage == ""
    voter, _new = services.voter_join(
        link=link, member=None, browser_key=key(2), career_stage=NEARING
    )
    # Held back until enough in the constituency declare it (tests/conversations/
    # test_stage_holding.py).
    assert voter.career_stage == ""
    assert PendingStage.objects.filter(conversation=conversation).count() == 1
    with pytest.raises(ConversationError, match="career stage from the list"):
        services.voter_join(link=link, member=None, browser_key=key(3), career_stage="retired")
    # Joining again changes nothing: the stage is fixed by the first join, like the group.
    again, new = services.voter_join(link=link, member=None, browser_key=key(1), career_stage=NEW)
    assert not new and again.career_stage == ""
    fields = {f.name for f in Voter._meta.concrete_fields}
    assert fields == {
        "id",
        "conversation",
        "pseudonym",
        "constituency",
        "declared",
        "channel",
        "career_stage",
        "joined_on",
    }


def _browser(n: int) -> Client:
    client = Client()
    client.cookies[COOKIE_NAME] = key(n)
    return client


@pytest.mark.parametrize("name", [*HOSTILE, "unknown stage"])
def test_the_join_page_takes_a_stage_and_refuses_anything_else(
    conversation: Conversation, facilitator: Member, name: str
) -> None:
    link = link_for(conversation, facilitator, FRONTLINE)
    value = HOSTILE.get(name, "senior")
    url = reverse("conversations:join", kwargs={"code": link.code})
    guest = _browser(1)
    assert "Your career stage" in guest.get(url).content.decode()
    response = guest.post(url, {"agree": "on", "career_stage": value})
    if value == "":
        assert response.status_code == 302
        assert Voter.objects.get().career_stage == ""
    else:
        assert response.status_code == 200
        assert "Choose a career stage from the list." in response.content.decode()
        assert not Voter.objects.exists()
    response = _browser(2).post(url, {"agree": "on", "career_stage": ESTABLISHED})
    assert response.status_code == 302
    assert PendingStage.objects.count() == 1
    assert not Voter.objects.exclude(career_stage="").exists()
