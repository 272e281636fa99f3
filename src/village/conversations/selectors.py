"""Every read a conversation page, report or export needs.

Results and exports read statements and votes only through ``result_statements`` and
``result_votes``: accepted statements, and votes on them. A statement that was not
accepted never reaches them."""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import Count, Q, QuerySet

from village.conversations import keys
from village.conversations.models import (
    Action,
    Constituency,
    Conversation,
    Decision,
    Link,
    Moderation,
    ModerationEntry,
    Reason,
    State,
    Statement,
    Vote,
    Voter,
)
from village.engines.duplicates import near_duplicates
from village.engines.opinions.priority import pick_next, statement_priorities
from village.people import join_codes
from village.people.models import Member, Partnership


def conversations_for(*, partnership: Partnership) -> QuerySet[Conversation]:
    return Conversation.objects.filter(partnership=partnership)


def constituencies_of(*, conversation: Conversation) -> list[Constituency]:
    return list(Constituency.objects.filter(conversation=conversation))


def links_of(*, conversation: Conversation) -> QuerySet[Link]:
    return Link.objects.filter(conversation=conversation).select_related("constituency")


def link_by_code(*, code: str) -> Link | None:
    normalised = join_codes.normalise(code)
    if not normalised:
        return None
    return (
        Link.objects.select_related("conversation__partnership", "constituency")
        .filter(code=normalised)
        .first()
    )


def pseudonym_of(*, conversation: Conversation, member: Member | None, browser_key: str) -> str:
    """The pseudonym this person would vote under here, or "" for a browser with no key."""
    if (
        member is not None
        and member.is_active
        and member.partnership_id == conversation.partnership_id
    ):
        return keys.member_pseudonym(conversation_id=conversation.pk, member_id=member.pk)
    if len(browser_key) < 32:
        return ""
    return keys.guest_pseudonym(conversation_id=conversation.pk, key=browser_key)


def voter_for(
    *, conversation: Conversation, member: Member | None, browser_key: str
) -> Voter | None:
    pseudonym = pseudonym_of(conversation=conversation, member=member, browser_key=browser_key)
    if not pseudonym:
        return None
    return (
        Voter.objects.select_related("constituency", "declared")
        .filter(conversation=conversation, pseudonym=pseudonym)
        .first()
    )


def is_votable(statement: Statement) -> bool:
    return statement.state == State.ACCEPTED


def votable_statements(*, conversation: Conversation) -> QuerySet[Statement]:
    """What participants see and vote on: accepted statements only."""
    return Statement.objects.filter(conversation=conversation, state=State.ACCEPTED)


def result_statements(*, conversation: Conversation) -> QuerySet[Statement]:
    """The statements results and exports may show: accepted, never rejected or pending."""
    return votable_statements(conversation=conversation)


def result_votes(*, conversation: Conversation) -> QuerySet[Vote]:
    """Votes for results and exports: on accepted statements only."""
    return Vote.objects.filter(conversation=conversation, statement__state=State.ACCEPTED)


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def left(self) -> int:
        return max(self.total - self.answered, 0)


def progress_of(*, conversation: Conversation, pseudonym: str) -> Progress:
    votable = votable_statements(conversation=conversation)
    answered = Vote.objects.filter(
        conversation=conversation, pseudonym=pseudonym, statement__in=votable
    ).count()
    return Progress(answered=answered, total=votable.count())


def next_statement(*, conversation: Conversation, pseudonym: str) -> Statement | None:
    """The next statement to show: drawn by the opinion engine's priorities among those this
    voter has not answered, with a draw fixed by the voter and how far they are, so a reload
    shows the same statement."""
    voted = Vote.objects.filter(conversation=conversation, pseudonym=pseudonym).values(
        "statement_id"
    )
    counts = list(
        votable_statements(conversation=conversation)
        .annotate(
            total=Count("votes"),
            agree=Count("votes", filter=Q(votes__value=1)),
            passes=Count("votes", filter=Q(votes__value=0)),
        )
        .values_list("pk", "total", "agree", "passes")
    )
    done = set(voted.values_list("statement_id", flat=True))
    left = [row for row in counts if row[0] not in done]
    if not left:
        return None
    total = np.asarray([row[1] for row in left], dtype=np.int64)
    priorities = statement_priorities(
        agree=np.asarray([row[2] for row in left], dtype=np.int64),
        passes=np.asarray([row[3] for row in left], dtype=np.int64),
        total=total,
        extremity=np.zeros(len(left)),
        meta=np.zeros(len(left), dtype=bool),
    )
    seed = zlib.crc32(f"{pseudonym}:{len(done)}".encode())
    chosen = pick_next(
        priorities={str(row[0]): float(p) for row, p in zip(left, priorities, strict=True)},
        rng=np.random.default_rng(seed),
    )
    return Statement.objects.filter(pk=int(chosen)).first() if chosen else None


def own_votes(*, conversation: Conversation, pseudonym: str) -> list[tuple[Statement, int]]:
    """This voter's answers, on statements still shown, in the statements' own order."""
    votes = (
        Vote.objects.filter(
            conversation=conversation, pseudonym=pseudonym, statement__state=State.ACCEPTED
        )
        .select_related("statement")
        .order_by("statement__text")
    )
    return [(vote.statement, vote.value) for vote in votes]


def statement_in(*, conversation: Conversation, pk: int) -> Statement | None:
    return (
        Statement.objects.select_related("conversation__partnership", "author_constituency")
        .filter(conversation=conversation, pk=pk)
        .first()
    )


def similar_to(
    *, conversation: Conversation, text: str, include_pending: bool = False, exclude: int = 0
) -> list[Statement]:
    """Statements that say much the same ("Is this what you mean?"). Participants see only
    accepted ones; moderators see pending ones too."""
    states = [State.ACCEPTED, State.PENDING] if include_pending else [State.ACCEPTED]
    candidates = dict(
        Statement.objects.filter(conversation=conversation, state__in=states)
        .exclude(pk=exclude)
        .values_list("pk", "text")
    )
    found = [pk for pk, _score in near_duplicates(text, candidates)]
    by_pk = Statement.objects.in_bulk(found)
    return [by_pk[pk] for pk in found if pk in by_pk]


@dataclass(frozen=True)
class QueueItem:
    statement: Statement
    similar: list[Statement]
    votes: int


def _waiting(conversation: Conversation) -> QuerySet[Statement]:
    waiting = Statement.objects.filter(conversation=conversation, seed=False, reviewed=False)
    if conversation.moderation == Moderation.PRE:
        return waiting.filter(state=State.PENDING)
    return waiting.exclude(state=State.REJECTED)


def moderation_queue(*, conversation: Conversation) -> list[QueueItem]:
    """Statements waiting for a moderator: pending ones (pre-moderation) and, in
    post-moderation, shown ones nobody has reviewed yet, each with its near-duplicates."""
    rows = (
        _waiting(conversation)
        .select_related("author_constituency")
        .annotate(vote_count=Count("votes"))
    )
    return [
        QueueItem(
            statement=statement,
            similar=similar_to(
                conversation=conversation,
                text=statement.text,
                include_pending=True,
                exclude=statement.pk,
            ),
            votes=statement.vote_count,
        )
        for statement in rows.order_by("text")
    ]


def decided(*, conversation: Conversation, state: str) -> QuerySet[Statement]:
    """Moderated statements in one state (for the queue's other tabs), by their words."""
    return (
        Statement.objects.filter(conversation=conversation, seed=False, state=state, reviewed=True)
        .select_related("original")
        .order_by("text")
    )


@dataclass(frozen=True)
class LogRow:
    day: date
    decision: str
    reason: str
    count: int


def moderation_log(*, conversation: Conversation) -> list[LogRow]:
    """The published log: how many decisions of each kind, and why, per day."""
    rows = (
        ModerationEntry.objects.filter(conversation=conversation)
        .values("decided_on", "decision", "reason")
        .annotate(count=Count("id"))
        .order_by("decided_on", "decision", "reason")
    )
    return [
        LogRow(
            day=row["decided_on"],
            decision=str(Decision(row["decision"]).label),
            reason=str(Reason(row["reason"]).label) if row["reason"] else "",
            count=row["count"],
        )
        for row in rows
    ]


LOG_CSV_HEADER = ("day", "decision", "reason", "statements")


def moderation_log_rows(rows: list[LogRow]) -> list[tuple[str, str, str, int]]:
    return [(row.day.isoformat(), row.decision, row.reason, row.count) for row in rows]


def pending_count(*, conversation: Conversation) -> int:
    return _waiting(conversation).count()


def actions_of(*, conversation: Conversation) -> QuerySet[Action]:
    return Action.objects.filter(conversation=conversation).select_related(
        "statement", "owner_agency"
    )


def counts_by_constituency(*, conversation: Conversation) -> dict[int | None, int]:
    """Voters per invited constituency (key: its id); open-link voters under None."""
    found: dict[int | None, int] = defaultdict(int)
    rows = Voter.objects.filter(conversation=conversation).values("constituency_id")
    for row in rows.annotate(n=Count("id")):
        found[row["constituency_id"]] += row["n"]
    return dict(found)
