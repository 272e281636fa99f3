"""Voting from the page's script: an answer is one request whose reply is the next
statement, and the next statement follows the priorities the worker stored. A vote's cost
must not grow with the number of votes already cast."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conversations.conftest import guest_via, key, seeds_of, vote_as_guest
from village.conversations import selectors, services
from village.conversations.models import Conversation, Link, ResultsSnapshot, Vote
from village.people.models import Member

SCRIPT = {"HTTP_HX_REQUEST": "true"}
SHOWN = re.compile(r'name="statement" value="(\d+)"')


def _shown(html: str) -> int:
    found = SHOWN.search(html)
    assert found is not None, html[:2000]
    return int(found.group(1))


def _vote_by_script(client: Client, conversation: Conversation, statement: int, value: int) -> str:
    response = client.post(
        reverse("conversations:vote", kwargs={"pk": conversation.pk}),
        {"statement": statement, "value": str(value)},
        **SCRIPT,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_an_answer_from_the_script_is_saved_and_the_reply_is_the_next_statement(
    conversation: Conversation, family_link: Link
) -> None:
    client = guest_via(family_link)
    page = client.get(reverse("conversations:vote", kwargs={"pk": conversation.pk}))
    first = _shown(page.content.decode())
    reply = _vote_by_script(client, conversation, first, 1)
    assert Vote.objects.get(statement_id=first).value == 1
    assert "<html" not in reply and 'id="ballot"' in reply
    assert "You have answered 1 of 4 statements." in reply
    assert _shown(reply) != first
    assert "Saved: you agree." in reply and 'hx-swap-oob="innerHTML"' in reply
    for _ in range(3):
        reply = _vote_by_script(client, conversation, _shown(reply), -1)
    assert "You have answered every statement" in reply and not SHOWN.search(reply)
    assert Vote.objects.filter(value=-1).count() == 3


def test_a_refused_answer_from_the_script_says_why_and_saves_nothing(
    conversation: Conversation, family_link: Link, facilitator: Member
) -> None:
    client = guest_via(family_link)
    first = _shown(
        client.get(reverse("conversations:vote", kwargs={"pk": conversation.pk})).content.decode()
    )
    wrong = _vote_by_script(client, conversation, first, 7)
    assert "Choose agree, disagree or pass." in wrong and _shown(wrong) == first
    services.conversation_close(conversation=conversation, actor=facilitator)
    closed = _vote_by_script(client, conversation, first, 1)
    assert 'role="alert"' in closed and "This conversation has closed" in closed
    assert not Vote.objects.exists()


def test_someone_who_has_not_joined_cannot_answer_from_the_script(
    conversation: Conversation,
) -> None:
    statement = seeds_of(conversation)[0]
    response = Client().post(
        reverse("conversations:vote", kwargs={"pk": conversation.pk}),
        {"statement": statement.pk, "value": "1"},
        **SCRIPT,
    )
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_the_next_statement_follows_the_stored_priorities(conversation: Conversation) -> None:
    seeds = seeds_of(conversation)
    favoured = seeds[2]
    ResultsSnapshot.objects.create(
        conversation=conversation,
        priorities={str(s.pk): (1.0 if s == favoured else 0.0) for s in seeds},
    )
    for pseudonym in ("a" * 64, "b" * 64, "c" * 64):
        ballot = selectors.ballot_of(conversation=conversation, pseudonym=pseudonym)
        assert ballot.statement == favoured


def test_a_statement_newer_than_the_priorities_is_shown_as_one_with_no_votes(
    conversation: Conversation,
) -> None:
    seeds = seeds_of(conversation)
    ResultsSnapshot.objects.create(
        conversation=conversation, priorities={str(s.pk): 0.0 for s in seeds[1:]}
    )
    ballot = selectors.ballot_of(conversation=conversation, pseudonym="d" * 64)
    assert ballot.statement == seeds[0]
    assert selectors.NEW_STATEMENT_PRIORITY > 0


def test_a_vote_costs_the_same_queries_however_many_votes_there_are(
    conversation: Conversation, family_link: Link
) -> None:
    seeds = seeds_of(conversation)

    def one_vote(n: int) -> int:
        client = guest_via(family_link, n)
        with CaptureQueriesContext(connection) as queries:
            _vote_by_script(client, conversation, seeds[n % len(seeds)].pk, 1)
        return len(queries)

    few = one_vote(2)
    for n in range(10, 110):
        services.voter_join(link=family_link, member=None, browser_key=key(n))
        for statement in seeds:
            vote_as_guest(conversation, key(n), statement, n % 3 - 1)
    many = one_vote(3)
    assert Vote.objects.count() > 400
    assert few == many
