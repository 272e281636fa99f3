"""Conversation fixtures: a conversation open now with seed statements, its links, and
voters joining as guests (a browser key each) or as members."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from village.conversations import selectors, services
from village.conversations.models import (
    Constituency,
    ConstituencyKind,
    Conversation,
    Link,
    Statement,
)
from village.people.browser_key import COOKIE_NAME
from village.people.models import Member

SEEDS = (
    "Families should be able to read their own case notes.",
    "Social workers need smaller caseloads.",
    "Services should share information with each other before meeting a family.",
    "Managers should spend a day a month on the frontline.",
)


def key(n: int) -> str:
    """A browser key (43 characters, as browsers hold)."""
    return f"{n:043d}"


def vote_as_guest(
    conversation: Conversation, browser_key: str, statement: Statement, value: int
) -> None:
    """A guest's answer through the service, as the voting page casts it: as the voter
    their browser key makes them."""
    voter = selectors.voter_for(conversation=conversation, member=None, browser_key=browser_key)
    assert voter is not None, "join first"
    services.vote_cast(voter=voter, member=None, statement_id=statement.pk, value=value)


@pytest.fixture
def make_conversation(facilitator: Member) -> Callable[..., Conversation]:
    def make(**overrides: object) -> Conversation:
        now = timezone.now()
        values: dict[str, object] = {
            "partnership": facilitator.partnership,
            "created_by": facilitator,
            "question": "How should our services work with families affected by substance use?",
            "context": "The partnership is rewriting its guidance this year.",
            "opens_at": now - timedelta(minutes=5),
            "closes_at": now + timedelta(days=14),
            "seeds": SEEDS,
        }
        values.update(overrides)
        return services.conversation_create(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def conversation(make_conversation: Callable[..., Conversation]) -> Conversation:
    return make_conversation()


def constituency(conversation: Conversation, kind: str) -> Constituency:
    return Constituency.objects.get(conversation=conversation, kind=kind)


@pytest.fixture
def family_link(conversation: Conversation, facilitator: Member) -> Link:
    [link] = services.link_create(
        conversation=conversation,
        actor=facilitator,
        constituency=constituency(conversation, ConstituencyKind.FAMILY),
    )
    return link


def link_for(conversation: Conversation, facilitator: Member, kind: str, **options: object) -> Link:
    [link] = services.link_create(
        conversation=conversation,
        actor=facilitator,
        constituency=constituency(conversation, kind) if kind else None,
        **options,  # type: ignore[arg-type]
    )
    return link


def guest_via(link: Link, n: int = 1, declared: str = "") -> Client:
    """A browser of its own that joined through the link over HTTP."""
    client = Client()
    client.cookies[COOKIE_NAME] = key(n)
    data = {"agree": "on"}
    if declared:
        data["declared"] = str(constituency(link.conversation, declared).pk)
    response = client.post(reverse("conversations:join", kwargs={"code": link.code}), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def seeds_of(conversation: Conversation) -> list[Statement]:
    """The seed statements, in the order of SEEDS."""
    by_text = {s.text: s for s in selectors.votable_statements(conversation=conversation)}
    return [by_text[text] for text in SEEDS]


class Voting:
    """Voters joining through links and voting through the services, each with a browser key
    of their own."""

    def __init__(self, conversation: Conversation, facilitator: Member) -> None:
        self.conversation = conversation
        self.facilitator = facilitator
        self.next_key = 100

    def group(
        self,
        kind: str,
        people: int,
        votes: tuple[int, ...],
        *,
        declared: str = "",
        career_stage: str = "",
    ) -> list[str]:
        link = link_for(self.conversation, self.facilitator, "" if declared else kind)
        keys = []
        for _ in range(people):
            self.next_key += 1
            browser = key(self.next_key)
            services.voter_join(
                link=link,
                member=None,
                browser_key=browser,
                declared=constituency(self.conversation, declared) if declared else None,
                career_stage=career_stage,
            )
            for statement, value in zip(seeds_of(self.conversation), votes, strict=True):
                vote_as_guest(self.conversation, browser, statement, value)
            keys.append(browser)
        return keys
