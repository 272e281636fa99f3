"""The demo's brave conversation has the shape it is built to show."""

from __future__ import annotations

from django.db.models import Count, Q

from village.conversations import selectors
from village.conversations.demo import DIVIDES_MANAGERS_AND_FAMILIES, POPULAR_NOT_WITH_FAMILIES
from village.conversations.models import Channel, Conversation, State, Voter
from village.demo import demo_load


def _agree_share(conversation: Conversation, text: str, kind: str | None = None) -> float:
    votes = selectors.result_votes(conversation=conversation).filter(statement__text=text)
    if kind is not None:
        pseudonyms = Voter.objects.filter(
            conversation=conversation, constituency__kind=kind
        ).values("pseudonym")
        votes = votes.filter(pseudonym__in=pseudonyms)
    counts = votes.aggregate(n=Count("id"), agree=Count("id", filter=Q(value=1)))
    assert counts["n"] >= 5
    return counts["agree"] / counts["n"]


def test_the_demo_conversation(db: None) -> None:
    partnership, _created = demo_load()
    conversation = Conversation.objects.get(partnership=partnership)
    voters = Voter.objects.filter(conversation=conversation)
    by_group = dict(
        voters.values_list("constituency__kind")
        .annotate(n=Count("id"))
        .values_list("constituency__kind", "n")
    )
    assert voters.count() >= 60
    assert all(by_group[kind] >= 10 for kind in ("family", "frontline", "manager"))
    assert voters.filter(channel=Channel.IN_PERSON).exists()
    assert selectors.result_statements(conversation=conversation).count() >= 40
    assert conversation.statements.filter(state=State.PENDING).exists()
    assert conversation.statements.filter(state=State.REJECTED).exists()

    assert _agree_share(conversation, POPULAR_NOT_WITH_FAMILIES) > 0.6
    assert _agree_share(conversation, POPULAR_NOT_WITH_FAMILIES, "family") < 0.3
    assert _agree_share(conversation, DIVIDES_MANAGERS_AND_FAMILIES, "manager") > 0.7
    assert _agree_share(conversation, DIVIDES_MANAGERS_AND_FAMILIES, "family") < 0.3
