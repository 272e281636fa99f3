"""A clause starts a conversation: a facilitator opens a brave conversation from a clause of
the charter in force, seeded with its value's rights and responsibilities; the clause links
to it and, once its results are shared, shows its common ground."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.conftest import FORBIDDEN, access_outcome, client_for
from tests.conversations.conftest import key, link_for, vote_as_guest
from tests.reviews.conftest import Partners
from village.conversations import selectors as conversation_selectors
from village.conversations import services as conversation_services
from village.conversations.models import ConstituencyKind, Conversation
from village.reviews import selectors, services
from village.reviews.models import CharterVersion, Clause, ClauseConversation, ClauseKind


def _clause(version: CharterVersion) -> Clause:
    return Clause.objects.filter(value__version=version, kind=ClauseKind.RIGHT).order_by(
        "value__position", "position"
    )[0]


def _form(question: str = "How well do we live up to family rights?") -> dict[str, str]:
    now = timezone.localtime()
    return {
        "question": question,
        "context": "From our charter.",
        "opens_at": (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    }


def test_a_facilitator_starts_a_conversation_from_a_clause_and_its_common_ground_comes_back(
    partners: Partners, published: CharterVersion
) -> None:
    clause = _clause(published)
    client = client_for(partners.facilitator)
    page = client.get(reverse("reviews:clause_conversation", args=[clause.pk])).content.decode()
    value_clauses = list(clause.value.clauses.all())
    assert all(escape(c.text) in page for c in value_clauses)
    response = client.post(reverse("reviews:clause_conversation", args=[clause.pk]), _form())
    link = ClauseConversation.objects.get()
    assert response["Location"] == reverse("conversations:manage", args=[link.conversation_id])
    assert (link.value_key, link.clause_key) == (clause.value.key, clause.key)
    conversation = Conversation.objects.get(pk=link.conversation_id)
    seeds = {s.text for s in conversation_selectors.votable_statements(conversation=conversation)}
    assert seeds == {c.text for c in value_clauses}

    reader = client_for(partners.family[1])
    waiting = reader.get(reverse("reviews:charter")).content.decode()
    assert conversation.question in waiting
    assert "Its results are shared when it closes" in waiting
    assert reverse("conversations:results", args=[conversation.pk]) not in waiting

    # Every group agrees with every statement but the second, which divides families from the
    # rest; then the conversation closes.
    statements = list(conversation_selectors.votable_statements(conversation=conversation))
    number = 100
    for kind in (ConstituencyKind.FAMILY, ConstituencyKind.FRONTLINE, ConstituencyKind.MANAGER):
        join = link_for(conversation, partners.facilitator, kind)
        for _ in range(7):
            number += 1
            conversation_services.voter_join(
                link=join, member=None, browser_key=key(number), declared=None
            )
            for place, statement in enumerate(statements):
                divided = place == 1 and kind == ConstituencyKind.FAMILY
                vote_as_guest(conversation, key(number), statement, -1 if divided else 1)
    conversation_services.results_refresh(conversation=conversation)
    still_open = reader.get(reverse("reviews:charter")).content.decode()
    assert "Common ground, held in every group" not in still_open
    conversation_services.conversation_close(conversation=conversation, actor=partners.facilitator)
    conversation_services.results_refresh(conversation=conversation)
    shared = reader.get(reverse("reviews:charter")).content.decode()
    assert "Common ground, held in every group" in shared
    assert reverse("conversations:results", args=[conversation.pk]) in shared
    talks = selectors.clause_conversations(charter=published.charter)
    common = set(talks[(clause.value.key, clause.key)][0].common_ground)
    assert common and statements[1].text not in common and common <= seeds


def test_the_link_follows_the_clause_into_the_next_version(
    partners: Partners, published: CharterVersion
) -> None:
    clause = _clause(published)
    services.clause_conversation_start(
        clause=clause,
        actor=partners.facilitator,
        question="Where do we fall short?",
        context="",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=3),
    )
    draft = services.draft_start(version=published, actor=partners.facilitator)
    page = client_for(partners.facilitator).get(reverse("reviews:draft", args=[draft.pk]))
    assert page.status_code == 200
    reading = selectors.charter_reading(version=draft)
    found = [talks for r in reading for _c, talks in r.conversations]
    assert found and found[0][0].question == "Where do we fall short?"


def test_only_facilitators_and_admins_start_conversations_from_the_charter_in_force(
    partners: Partners, published: CharterVersion
) -> None:
    clause = _clause(published)
    url = reverse("reviews:clause_conversation", args=[clause.pk])
    for member in (partners.leads[0], partners.family[1], partners.frontline[1]):
        assert access_outcome(client_for(member).get(url)) == FORBIDDEN
        client_for(member).post(url, _form())
    assert not ClauseConversation.objects.exists()
    assert client_for(partners.admin).get(url).status_code == 200
    draft = services.draft_start(version=published, actor=partners.facilitator)
    in_draft = Clause.objects.get(value__version=draft, value__key=clause.value.key, key=clause.key)
    draft_url = reverse("reviews:clause_conversation", args=[in_draft.pk])
    assert access_outcome(client_for(partners.facilitator).get(draft_url)) == FORBIDDEN


def test_a_question_too_long_or_empty_is_refused_in_words(
    partners: Partners, published: CharterVersion
) -> None:
    url = reverse("reviews:clause_conversation", args=[_clause(published).pk])
    client = client_for(partners.facilitator)
    long = client.post(url, _form("Why? " * 100)).content.decode()
    assert "Keep the question to 300 characters." in long
    empty = client.post(url, {**_form(""), "closes_at": "not a date"}).content.decode()
    assert "Write the question the conversation is about." in empty
    assert "Enter the closing date and time" in empty
    assert not ClauseConversation.objects.exists()
