"""The page where a facilitator adds the cards from a meeting: who may use it, and what it
does with good and bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import FORBIDDEN, LOGIN, MISSING, OK, access_outcome, client_for
from tests.conversations.conftest import constituency
from village.conversations import selectors, services
from village.conversations.models import (
    Channel,
    ConstituencyKind,
    Conversation,
    InPersonSession,
    Statement,
    Vote,
    Voter,
)
from village.people.models import Member, Partnership, Role


def _url(conversation: Conversation, **query: str) -> str:
    url = reverse("conversations:in_person", kwargs={"pk": conversation.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _statements(conversation: Conversation) -> list[Statement]:
    return list(selectors.votable_statements(conversation=conversation).order_by("text"))


def _cards(conversation: Conversation, *cards: dict[int, str], consent: bool = True) -> dict:
    """The form's fields: person n's answer to each statement (by its place in the list)."""
    statements = _statements(conversation)
    data = {
        "people": str(len(cards)),
        "constituency": str(constituency(conversation, ConstituencyKind.FAMILY).pk),
    }
    if consent:
        data["consent"] = "on"
    for person, card in enumerate(cards, start=1):
        for place, value in card.items():
            data[f"card_{person}_{statements[place].pk}"] = value
    return data


@pytest.mark.parametrize(
    ("role", "outcome"),
    [
        (Role.ADMIN, OK),
        (Role.FACILITATOR, OK),
        (Role.PARTNER_LEAD, FORBIDDEN),
        (Role.STAFF, FORBIDDEN),
        (Role.FAMILY, FORBIDDEN),
        (Role.OBSERVER, FORBIDDEN),
    ],
)
def test_who_may_add_votes_from_a_meeting(
    conversation: Conversation, make_member: Callable[..., Member], role: str, outcome: str
) -> None:
    client = client_for(make_member(role, name=f"{role}-m"))
    assert access_outcome(client.get(_url(conversation))) == outcome
    response = client.post(_url(conversation), _cards(conversation, {0: "1"}))
    assert access_outcome(response) == outcome
    assert Vote.objects.count() == (1 if outcome == OK else 0)


def test_strangers_and_other_partnerships_cannot_reach_it(
    conversation: Conversation,
    make_member: Callable[..., Member],
    other_partnership: Partnership,
) -> None:
    outsider = client_for(make_member(Role.ADMIN, partnership=other_partnership, name="out"))
    assert access_outcome(outsider.get(_url(conversation))) == MISSING
    assert access_outcome(outsider.post(_url(conversation), _cards(conversation, {0: "1"}))) == (
        MISSING
    )
    assert access_outcome(Client().get(_url(conversation))) == LOGIN
    assert not Vote.objects.exists()


def test_a_facilitator_adds_three_cards(conversation: Conversation, facilitator: Member) -> None:
    client = client_for(facilitator)
    page = client.get(_url(conversation, people="3")).content.decode()
    assert "Person 3" in page and "Person 4" not in page
    data = _cards(conversation, {0: "1", 1: "-1"}, {0: "0"}, {}, consent=True)
    data["people"] = "3"
    response = client.post(_url(conversation), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:manage", kwargs={"pk": conversation.pk})
    voters = Voter.objects.filter(channel=Channel.IN_PERSON)
    assert voters.count() == 2  # the empty card is nobody
    assert {v.constituency.kind for v in voters} == {ConstituencyKind.FAMILY}
    assert Vote.objects.filter(channel=Channel.IN_PERSON).count() == 3
    session = InPersonSession.objects.get()
    assert (session.people, session.recorded_by, session.consent_recorded) == (2, facilitator, True)
    shown = client.get(response["Location"]).content.decode()
    assert "3 votes from 2 people added." in shown


def test_without_consent_or_answers_nothing_is_added(
    conversation: Conversation, facilitator: Member
) -> None:
    client = client_for(facilitator)
    refused = client.post(_url(conversation), _cards(conversation, {0: "1"}, consent=False))
    page = refused.content.decode()
    assert refused.status_code == 200 and "There is a problem" in page
    assert "agreed to it" in page
    empty = client.post(_url(conversation), _cards(conversation, {}, {}))
    assert "Add at least one person" in empty.content.decode()
    assert not Vote.objects.exists() and not InPersonSession.objects.exists()


@pytest.mark.parametrize(
    "value", ["2", "agree", "<script>alert(1)</script>", "1; DROP TABLE conversations_vote", ""]
)
def test_hostile_answers_are_refused_or_ignored(
    conversation: Conversation, facilitator: Member, value: str
) -> None:
    client = client_for(facilitator)
    data = _cards(conversation, {0: value})
    response = client.post(_url(conversation), data)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Vote.objects.exists()


def test_fields_for_statements_not_on_the_page_are_ignored(
    conversation: Conversation, facilitator: Member, make_conversation: Callable[..., Conversation]
) -> None:
    other = make_conversation(question="Another")
    foreign = _statements(other)[0]
    data = _cards(conversation, {0: "1"})
    data[f"card_1_{foreign.pk}"] = "1"
    data["constituency"] = str(constituency(other, ConstituencyKind.FAMILY).pk)
    response = client_for(facilitator).post(_url(conversation), data)
    assert "Choose the group the people at the meeting were in." in response.content.decode()
    assert not Vote.objects.exists()


@pytest.mark.parametrize(("asked", "shown"), [("abc", 6), ("-3", 1), ("1000", 30), ("2", 2)])
def test_the_number_of_cards_stays_within_limits(
    conversation: Conversation, facilitator: Member, asked: str, shown: int
) -> None:
    page = client_for(facilitator).get(_url(conversation, people=asked)).content.decode()
    assert f"Person {shown}<" in page and f"Person {shown + 1}<" not in page


def test_a_closed_conversation_takes_no_votes_from_a_meeting(
    conversation: Conversation, facilitator: Member
) -> None:
    services.conversation_close(conversation=conversation, actor=facilitator)
    client = client_for(facilitator)
    page = client.get(_url(conversation)).content.decode()
    assert "can be added while the conversation is open" in page
    response = client.post(_url(conversation), _cards(conversation, {0: "1"}))
    assert "can be added while the conversation is open" in response.content.decode()
    assert not Vote.objects.exists()
