"""Every write to conversations. Views and the `village conversations` command call these;
nothing else writes conversation rows.

No transaction that writes a vote, a voter or a participant's statement writes a row that
names a person: audit rows (which name the facilitator or moderator) are written after,
in their own transaction.
"""

from __future__ import annotations

import io
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from village.anonymity import random_key, random_keys, random_order, seal, shuffled, unseal
from village.conversations import keys, policy, selectors
from village.conversations.models import (
    DEFAULT_POLICY,
    QUESTION_MAX_LENGTH,
    REJECT_REASONS,
    STATEMENT_HARD_LIMIT,
    STATEMENT_MAX_LENGTH,
    Action,
    ActionStatus,
    Channel,
    Constituency,
    ConstituencyKind,
    Conversation,
    Decision,
    InPersonSession,
    Link,
    Moderation,
    ModerationEntry,
    PendingStage,
    Reason,
    ResultsSnapshot,
    State,
    Statement,
    Vote,
    Voter,
)
from village.conversations.policy import Act, ConversationError
from village.engines.opinions.polis_io import COMMENTS, VOTES, PolisExport, PolisStatement
from village.people import join_codes
from village.people.models import Agency, CareerStage, Member, Partnership
from village.people.services import audit_record

if TYPE_CHECKING:
    from django_tasks.base import Task

MAX_SEEDS = 500
MAX_LINKS_AT_ONCE = 200
MAX_IN_PERSON_CARDS = 200
VALUES = (-1, 0, 1)


def _check(act: Act, conversation: Conversation, actor: Member | None, joined: bool = True) -> None:
    policy.check(
        act=act,
        conversation=conversation,
        people=policy.people_of(member=actor, conversation=conversation),
        joined=joined,
    )


def _lines(values: Sequence[str]) -> list[str]:
    """Non-empty lines, spaces tidied, each once, in the order given."""
    seen: dict[str, None] = {}
    for value in values:
        cleaned = " ".join(value.split())
        if cleaned and cleaned.casefold() not in {s.casefold() for s in seen}:
            seen[cleaned] = None
    return list(seen)


def _statement_text(text: str, *, limit: int) -> str:
    cleaned = " ".join(text.replace("\x00", "").split())
    if not cleaned:
        raise ConversationError(_("Write a statement first."))
    if len(cleaned) > limit:
        raise ConversationError(
            _("Please keep it to %(max)s characters. This has %(count)s.")
            % {"max": f"{limit:,}", "count": f"{len(cleaned):,}"}
        )
    return cleaned


def _window(opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise ConversationError(_("The closing time must be after the opening time."))
    if closes_at <= timezone.now():
        raise ConversationError(_("The closing time has passed. Choose a time later than now."))


def _cap(statement_max_length: int) -> int:
    if not 40 <= statement_max_length <= STATEMENT_HARD_LIMIT:
        raise ConversationError(
            _("Statements can be limited to between 40 and %(max)s characters.")
            % {"max": STATEMENT_HARD_LIMIT}
        )
    return statement_max_length


def _seeds(seeds: Sequence[str], *, limit: int) -> list[str]:
    lines = _lines(seeds)
    if len(lines) > MAX_SEEDS:
        raise ConversationError(
            _("Add at most %(max)s seed statements at once.") % {"max": MAX_SEEDS}
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > limit:
            raise ConversationError(
                _(
                    "Seed statement %(number)s is %(count)s characters long. Keep each to "
                    "%(max)s, or raise the limit."
                )
                % {"number": number, "count": len(line), "max": limit}
            )
    return lines


def conversation_create(
    *,
    partnership: Partnership,
    created_by: Member,
    question: str,
    context: str,
    opens_at: datetime,
    closes_at: datetime,
    seeds: Sequence[str] = (),
    moderation: str = Moderation.PRE,
    results_while_open: bool = False,
    moderation_policy: str = "",
    statement_max_length: int = STATEMENT_MAX_LENGTH,
    expected: Mapping[str, int] | None = None,
) -> Conversation:
    """A conversation with the four constituencies and its seed statements, one a line."""
    if not (
        policy.can_run_conversations(member=created_by)
        and created_by.partnership_id == partnership.pk
    ):
        raise ConversationError(_("Only a facilitator or an admin can do this."))
    question = " ".join(question.split())
    if not question:
        raise ConversationError(_("Write the question the conversation is about."))
    if moderation not in Moderation.values:
        raise ConversationError(_("Choose when statements are moderated."))
    _window(opens_at, closes_at)
    limit = _cap(statement_max_length)
    lines = _seeds(seeds, limit=limit)
    today = timezone.localdate()
    with transaction.atomic():
        conversation = Conversation.objects.create(
            partnership=partnership,
            created_by=created_by,
            question=question,
            context=context.strip(),
            opens_at=opens_at,
            closes_at=closes_at,
            moderation=moderation,
            results_while_open=results_while_open,
            moderation_policy=moderation_policy.strip() or str(DEFAULT_POLICY),
            statement_max_length=limit,
        )
        Constituency.objects.bulk_create(
            Constituency(
                conversation=conversation,
                kind=kind,
                expected=max(int((expected or {}).get(kind, 0)), 0),
            )
            for kind in ConstituencyKind.values
        )
        Statement.objects.bulk_create(_seed_rows(conversation, lines, today))
        audit_record(
            partnership=partnership,
            actor=created_by,
            action="conversation.create",
            target=conversation,
        )
    return conversation


def _seed_rows(conversation: Conversation, lines: Sequence[str], today: date) -> list[Statement]:
    return [
        Statement(
            conversation=conversation,
            text=line,
            seed=True,
            state=State.ACCEPTED,
            reviewed=True,
            created_on=today,
        )
        for line in lines
    ]


def conversation_update(
    *,
    conversation: Conversation,
    actor: Member,
    question: str,
    context: str,
    opens_at: datetime,
    closes_at: datetime,
    moderation: str,
    results_while_open: bool,
    moderation_policy: str,
    statement_max_length: int,
    expected: Mapping[str, int] | None = None,
) -> Conversation:
    _check(Act.EDIT, conversation, actor)
    question = " ".join(question.split())
    if not question:
        raise ConversationError(_("Write the question the conversation is about."))
    if moderation not in Moderation.values:
        raise ConversationError(_("Choose when statements are moderated."))
    _window(opens_at, closes_at)
    conversation.question = question
    conversation.context = context.strip()
    conversation.opens_at = opens_at
    conversation.closes_at = closes_at
    conversation.moderation = moderation
    conversation.results_while_open = results_while_open
    conversation.moderation_policy = moderation_policy.strip() or str(DEFAULT_POLICY)
    conversation.statement_max_length = _cap(statement_max_length)
    with transaction.atomic():
        conversation.save()
        for constituency in conversation.constituencies.all():
            if expected is not None and constituency.kind in expected:
                constituency.expected = max(int(expected[constituency.kind]), 0)
                constituency.save(update_fields=["expected"])
        audit_record(
            partnership=conversation.partnership,
            actor=actor,
            action="conversation.update",
            target=conversation,
        )
    return conversation


def seeds_add(*, conversation: Conversation, actor: Member, seeds: Sequence[str]) -> int:
    """More seed statements, one a line; lines already there are left out."""
    _check(Act.EDIT, conversation, actor)
    there = {
        text.casefold()
        for text in Statement.objects.filter(conversation=conversation).values_list(
            "text", flat=True
        )
    }
    lines = [
        line
        for line in _seeds(seeds, limit=conversation.statement_max_length)
        if line.casefold() not in there
    ]
    with transaction.atomic():
        Statement.objects.bulk_create(_seed_rows(conversation, lines, timezone.localdate()))
        audit_record(
            partnership=conversation.partnership,
            actor=actor,
            action="conversation.seeds",
            target=conversation,
        )
    return len(lines)


def conversation_close(*, conversation: Conversation, actor: Member) -> Conversation:
    """Close before the closing time; nobody can join, vote or write after."""
    _check(Act.CLOSE, conversation, actor)
    with transaction.atomic():
        conversation.closed_early = True
        conversation.save(update_fields=["closed_early"])
        audit_record(
            partnership=conversation.partnership,
            actor=actor,
            action="conversation.close",
            target=conversation,
        )
    return conversation


def moderators_set(*, conversation: Conversation, actor: Member, members: Sequence[Member]) -> None:
    """Name the co-moderators: members of the partnership in any role, families included."""
    _check(Act.SET_MODERATORS, conversation, actor)
    for member in members:
        if not policy.is_member_of(member, conversation):
            raise ConversationError(_("Co-moderators must be members of this partnership."))
    with transaction.atomic():
        conversation.moderators.set(members)
        audit_record(
            partnership=conversation.partnership,
            actor=actor,
            action="conversation.moderators",
            target=conversation,
        )


def link_create(
    *,
    conversation: Conversation,
    actor: Member,
    constituency: Constituency | None,
    max_uses: int | None = None,
    count: int = 1,
) -> list[Link]:
    """Links into one constituency (or open links, when ``constituency`` is None, where
    people say their constituency themselves): unlimited, single-use (max_uses=1), or
    limited to a number of people. ``count`` makes several at once, as for single-use links
    handed out one each."""
    _check(Act.MAKE_LINKS, conversation, actor)
    if constituency is not None and constituency.conversation_id != conversation.pk:
        raise ConversationError(_("Choose one of this conversation's constituencies."))
    if max_uses is not None and max_uses < 1:
        raise ConversationError(_("A link must let at least one person in."))
    if not 1 <= count <= MAX_LINKS_AT_ONCE:
        raise ConversationError(
            _("Make between 1 and %(max)s links at once.") % {"max": MAX_LINKS_AT_ONCE}
        )
    links = []
    with transaction.atomic():
        for _number in range(count):
            code = join_codes.new_code(taken=lambda c: Link.objects.filter(code=c).exists())
            if code is None:
                raise ConversationError(_("We could not make a link just now. Please try again."))
            links.append(
                Link.objects.create(
                    conversation=conversation,
                    constituency=constituency,
                    code=code,
                    max_uses=max_uses,
                )
            )
        audit_record(
            partnership=conversation.partnership,
            actor=actor,
            action="conversation.links",
            target=conversation,
        )
    return links


def link_revoke(*, link: Link, actor: Member) -> Link:
    """Stop a link letting anyone new in; people who joined with it carry on."""
    conversation = link.conversation
    _check(Act.MAKE_LINKS, conversation, actor)
    with transaction.atomic():
        link.revoked = True
        link.save(update_fields=["revoked"])
        audit_record(
            partnership=conversation.partnership,
            actor=actor,
            action="conversation.link.revoke",
            target=conversation,
        )
    return link


def pseudonym_for(*, conversation: Conversation, member: Member | None, browser_key: str) -> str:
    """This person's pseudonym here: by membership, or by their browser's key as a guest."""
    pseudonym = selectors.pseudonym_of(
        conversation=conversation, member=member, browser_key=browser_key
    )
    if not pseudonym:
        raise ConversationError(_("Your browser needs cookies switched on to take part."))
    return pseudonym


def voter_join(
    *,
    link: Link,
    member: Member | None,
    browser_key: str,
    declared: Constituency | None = None,
    career_stage: str = "",
) -> tuple[Voter, bool]:
    """Join through a link: the link's constituency, or the one declared on an open link,
    and a career stage if the voter chooses to add one.

    Joining again (with this link or any other) changes nothing and uses nothing up: a
    constituency is fixed by the first link. Returns the voter and whether they are new.
    The transaction writes the anonymous voter row, the link's count and the conversation's
    pending career stages (``_hold_stages``), nothing else."""
    conversation = link.conversation
    _check(Act.JOIN, conversation, member, joined=False)
    pseudonym = pseudonym_for(conversation=conversation, member=member, browser_key=browser_key)
    existing = Voter.objects.filter(conversation=conversation, pseudonym=pseudonym).first()
    if existing is not None:
        return existing, False
    if link.revoked:
        raise ConversationError(_("This link no longer works. Ask whoever sent it for a new one."))
    if career_stage and career_stage not in CareerStage.values:
        raise ConversationError(_("Choose a career stage from the list, or leave it out."))
    if link.is_open_link:
        if declared is None or declared.conversation_id != conversation.pk:
            raise ConversationError(_("Choose the group you belong to."))
    else:
        declared = None
    try:
        with transaction.atomic():
            limit = Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses"))
            if not Link.objects.filter(limit, pk=link.pk, revoked=False).update(uses=F("uses") + 1):
                raise ConversationError(
                    _(
                        "This link has been used by as many people as it allows. Ask whoever "
                        "sent it for a new one."
                    )
                )
            voter = Voter(
                conversation=conversation,
                pseudonym=pseudonym,
                constituency_id=link.constituency_id,
                declared=declared,
                joined_on=timezone.localdate(),
            )
            _hold_stages(voter, career_stage)
    except IntegrityError:
        return Voter.objects.get(conversation=conversation, pseudonym=pseudonym), False
    return voter, True


# The constituency a voter joined through, the one they declared on an open link, and a stage.
_StageGroup = tuple[int | None, int | None, str]


def _stage_context(conversation_id: int) -> str:
    return f"conversations.stage:{conversation_id}"


def _hold_stages(voter: Voter, career_stage: str) -> None:
    """Save a new voter, storing career stages only in groups of at least the minimum.

    A stage is written on a voter row only when at least the minimum group size of voters
    in the same constituency (invited, or declared on an open link) of the conversation
    have declared it; until then it waits sealed in ``PendingStage``, and the join that
    brings its group to the minimum writes it to all of them at once. So no stored stage is
    shared by fewer than the minimum in its constituency. Every join, with a stage or
    without, writes all the conversation's pending stages again in random order with fresh
    keys and seals, so no pending row's key, bytes, xmin or ctid points at the join that
    declared it."""
    conversation = voter.conversation
    Conversation.objects.select_for_update().filter(pk=conversation.pk).exists()
    context = _stage_context(conversation.pk)
    pending = PendingStage.objects.filter(conversation=conversation)
    waiting = [unseal(sealed=row.sealed, context=context) for row in pending]
    if career_stage:
        waiting.append(
            {
                "voter": voter.pk,
                "constituency": voter.constituency_id,
                "declared": voter.declared_id,
                "stage": career_stage,
            }
        )
    groups: dict[_StageGroup, list[int]] = {}
    for entry in waiting:
        group = (entry["constituency"], entry["declared"], entry["stage"])
        groups.setdefault(group, []).append(entry["voter"])
    stored: Counter[_StageGroup] = Counter(
        Voter.objects.filter(conversation=conversation)
        .exclude(career_stage="")
        .values_list("constituency_id", "declared_id", "career_stage")
    )
    minimum = conversation.partnership.min_group_size
    released: dict[str, list[int]] = {}
    for group, voters in groups.items():
        if stored[group] + len(voters) >= minimum:
            released.setdefault(group[2], []).extend(voters)
    if voter.pk in released.get(career_stage, []):
        voter.career_stage = career_stage
    voter.save(force_insert=True)
    for stage, voters in released.items():
        Voter.objects.filter(pk__in=voters).update(career_stage=stage)
    done = {pk for voters in released.values() for pk in voters}
    pending.delete()
    PendingStage.objects.bulk_create(
        shuffled(
            [
                PendingStage(
                    conversation=conversation,
                    sealed=seal(payload=entry, context=context),
                )
                for entry in waiting
                if entry["voter"] not in done
            ]
        )
    )


def _voter(conversation: Conversation, member: Member | None, browser_key: str) -> Voter:
    voter = selectors.voter_for(conversation=conversation, member=member, browser_key=browser_key)
    if voter is None:
        raise ConversationError(_("Join the conversation first, with the link you were sent."))
    return voter


def results_request(*, conversation_id: int) -> bool:
    """Ask the worker to recompute a conversation's results, unless a recompute is already
    waiting in the queue (a burst of votes then costs one recompute). Called after the write
    that changed the results has committed, never inside it. Returns whether one was queued."""
    from village.conversations.tasks import results_recompute

    if _recompute_waiting(conversation_id):
        return False
    try:
        with transaction.atomic():
            claimed = ResultsSnapshot.objects.filter(
                conversation_id=conversation_id, queued=False
            ).update(queued=True)
            if not claimed:
                ResultsSnapshot.objects.create(conversation_id=conversation_id, queued=True)
            # The flag and the task together, or neither (the queue is a table here too).
            _spaced(results_recompute).enqueue(conversation_id=conversation_id)
    except IntegrityError:
        return False  # another request created the snapshot and queued it meanwhile
    return True


RECOMPUTE_SPACING = timedelta(seconds=1)


def _spaced(task: Task[..., int]) -> Task[..., int]:
    """The recompute, to start ``RECOMPUTE_SPACING`` from now where the queue can wait. The
    votes of those moments share it, so while votes keep coming the worker recomputes about
    that often rather than without a break, and leaves the processor to the votes. The
    results stay within 5 s of a vote at 10,000 voters (docs/architecture.md)."""
    if not task.get_backend().supports_defer:
        return task
    return task.using(run_after=timezone.now() + RECOMPUTE_SPACING)


def _recompute_waiting(conversation_id: int) -> bool:
    """Whether a recompute is already queued: one short query written out once, as every
    vote asks it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {ResultsSnapshot._meta.db_table} "  # noqa: S608 (name from the model)
            "WHERE conversation_id = %s AND queued",
            [conversation_id],
        )
        return cursor.fetchone() is not None


def _results_changed(conversation: Conversation) -> None:
    conversation_id = conversation.pk
    transaction.on_commit(lambda: results_request(conversation_id=conversation_id))


def results_refresh(*, conversation: Conversation) -> ResultsSnapshot:
    """Recompute and store the results (the worker runs this). The queued flag is cleared
    first, so a vote cast while this runs queues the next recompute. Reading and computing
    happen outside any transaction; storing is one short update that keeps the snapshot
    computed from the latest reading if two workers overlap."""
    from village.conversations.results import compute

    ResultsSnapshot.objects.filter(conversation=conversation).update(queued=False)
    started = timezone.now()
    computed = compute(conversation)
    snapshot, _created = ResultsSnapshot.objects.get_or_create(conversation=conversation)
    ResultsSnapshot.objects.filter(
        Q(computed_at__isnull=True) | Q(computed_at__lt=started), pk=snapshot.pk
    ).update(
        computed_at=started,
        votes=computed.votes,
        data=computed.data,
        members=computed.members,
        priorities=computed.priorities,
    )
    snapshot.refresh_from_db()
    return snapshot


def vote_cast(*, voter: Voter, member: Member | None, statement_id: int, value: int) -> None:
    """Agree (1), pass (0) or disagree (-1) as ``voter`` (this person's own voter, with its
    conversation, as ``selectors.participation`` or ``selectors.voter_for`` finds it);
    voting again changes the answer."""
    conversation = voter.conversation
    _check(Act.VOTE, conversation, member)
    if value not in VALUES:
        raise ConversationError(_("Choose agree, disagree or pass."))
    if not _save_vote(voter=voter, statement_id=statement_id, value=value):
        raise ConversationError(_("This statement is not open for votes."))
    _results_changed(conversation)


def _save_vote(*, voter: Voter, statement_id: int, value: int) -> bool:
    """The vote row alone, in one statement: an insert, taken from the statement's row only
    while it is open for votes, that updates the row this voter already has for it
    (PostgreSQL and SQLite both say it as ON CONFLICT). So a vote holds no lock beyond its
    own row and costs one round trip. Votes come many a second, so the statement is written
    once here rather than built by the ORM for each. Returns whether the statement took the
    vote.

    On its own the statement is its own transaction. Inside a caller's transaction it gets
    a savepoint, whose transaction id is its own, so the vote never shares one (PostgreSQL's
    xmin) with a row that names a person."""
    votes, statements = Vote._meta.db_table, Statement._meta.db_table
    alone = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with alone, connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {votes} "  # noqa: S608 (names from the models)
            "(id, conversation_id, statement_id, pseudonym, value, channel, voted_on) "
            "SELECT %s, s.conversation_id, s.id, %s, %s, %s, %s "
            f"FROM {statements} s WHERE s.id = %s AND s.conversation_id = %s AND s.state = %s "
            "ON CONFLICT (statement_id, pseudonym) DO UPDATE SET value = excluded.value, "
            "channel = excluded.channel, voted_on = excluded.voted_on",
            [
                random_key(),
                voter.pseudonym,
                value,
                voter.channel,
                connection.ops.adapt_datefield_value(timezone.localdate()),
                statement_id,
                voter.conversation_id,
                State.ACCEPTED,
            ],
        )
        return bool(cursor.rowcount)


def statement_write(
    *, conversation: Conversation, member: Member | None, browser_key: str, text: str
) -> Statement:
    """A participant's statement: waiting for a moderator (pre-moderation), or shown at once
    and reviewed afterwards (post-moderation). It carries only its author's constituency."""
    voter = _voter(conversation, member, browser_key)
    _check(Act.WRITE, conversation, member)
    cleaned = _statement_text(text, limit=conversation.statement_max_length)
    shown_now = conversation.moderation == Moderation.POST
    with transaction.atomic():
        return Statement.objects.create(
            conversation=conversation,
            text=cleaned,
            author_constituency_id=voter.constituency_id or voter.declared_id,
            author_declared=voter.declared_id is not None,
            state=State.ACCEPTED if shown_now else State.PENDING,
            created_on=timezone.localdate(),
        )


def _log(conversation: Conversation, decision: str, reason: str = "") -> ModerationEntry:
    return ModerationEntry.objects.create(
        conversation=conversation,
        decided_on=timezone.localdate(),
        decision=decision,
        reason=reason,
    )


def _audit_moderation(statement: Statement, actor: Member, action: str) -> None:
    conversation = statement.conversation
    audit_record(
        partnership=conversation.partnership, actor=actor, action=action, target=conversation
    )


def _moderatable(statement: Statement, actor: Member) -> Conversation:
    conversation = statement.conversation
    _check(Act.MODERATE, conversation, actor)
    if statement.seed:
        raise ConversationError(_("Seed statements are changed on the conversation's page."))
    if statement.state == State.REJECTED:
        raise ConversationError(_("This statement was not accepted, so it cannot be changed."))
    return conversation


def statement_accept(*, statement: Statement, actor: Member) -> Statement:
    conversation = _moderatable(statement, actor)
    with transaction.atomic():
        statement.state = State.ACCEPTED
        statement.reason = ""
        statement.reviewed = True
        statement.moderated_on = timezone.localdate()
        statement.save(update_fields=["state", "reason", "reviewed", "moderated_on"])
        _log(conversation, Decision.ACCEPTED)
        _results_changed(conversation)
    _audit_moderation(statement, actor, "statement.accept")
    return statement


def statement_reject(*, statement: Statement, actor: Member, reason: str) -> Statement:
    """Not accepted, with a reason from the policy. It never reaches results or exports."""
    conversation = _moderatable(statement, actor)
    if reason not in REJECT_REASONS:
        raise ConversationError(_("Choose the reason from the moderation policy."))
    with transaction.atomic():
        _reject(statement, reason)
        _log(conversation, Decision.REJECTED, reason)
        _results_changed(conversation)
    _audit_moderation(statement, actor, "statement.reject")
    return statement


def _reject(statement: Statement, reason: str) -> None:
    statement.state = State.REJECTED
    statement.reason = reason
    statement.reviewed = True
    statement.moderated_on = timezone.localdate()
    statement.save(update_fields=["state", "reason", "reviewed", "moderated_on"])


def statement_edit(*, statement: Statement, actor: Member, text: str) -> Statement:
    """Fix spelling or wording in place, only while nobody has voted on the statement."""
    conversation = _moderatable(statement, actor)
    cleaned = _statement_text(text, limit=conversation.statement_max_length)
    with transaction.atomic():
        Statement.objects.select_for_update().filter(pk=statement.pk).exists()
        if Vote.objects.filter(statement=statement).exists():
            raise ConversationError(
                _(
                    "People have voted on this statement, so it cannot be changed. Reword it "
                    "instead: that makes a new statement linked to this one."
                )
            )
        statement.text = cleaned
        statement.save(update_fields=["text"])
        _log(conversation, Decision.EDITED, Reason.CLARITY)
    _audit_moderation(statement, actor, "statement.edit")
    return statement


def _derive(statement: Statement, texts: Sequence[str]) -> list[Statement]:
    conversation = statement.conversation
    today = timezone.localdate()
    return [
        Statement.objects.create(
            conversation=conversation,
            text=text,
            author_constituency_id=statement.author_constituency_id,
            author_declared=statement.author_declared,
            state=State.ACCEPTED,
            reviewed=True,
            original=statement,
            created_on=statement.created_on,
            moderated_on=today,
        )
        for text in texts
    ]


def statement_split(
    *, statement: Statement, actor: Member, parts: Sequence[str]
) -> list[Statement]:
    """Split a statement about several ideas into two or more, each linked to the original,
    which is then not accepted (reason: split)."""
    conversation = _moderatable(statement, actor)
    limit = conversation.statement_max_length
    texts = [_statement_text(part, limit=limit) for part in parts if part.strip()]
    if len(texts) < 2:
        raise ConversationError(_("Write at least two statements to split it into."))
    with transaction.atomic():
        derived = _derive(statement, texts)
        _reject(statement, Reason.SPLIT)
        _log(conversation, Decision.SPLIT, Reason.SPLIT)
        _results_changed(conversation)
    _audit_moderation(statement, actor, "statement.split")
    return derived


def statement_reword(*, statement: Statement, actor: Member, text: str) -> Statement:
    """A clearer wording as a new statement linked to the original, which is then not
    accepted (reason: reworded). Votes on the original stay with the original."""
    conversation = _moderatable(statement, actor)
    cleaned = _statement_text(text, limit=conversation.statement_max_length)
    if cleaned == statement.text:
        raise ConversationError(_("The new wording is the same as the old."))
    with transaction.atomic():
        [derived] = _derive(statement, [cleaned])
        _reject(statement, Reason.REWORDED)
        _log(conversation, Decision.REWORDED, Reason.REWORDED)
        _results_changed(conversation)
    _audit_moderation(statement, actor, "statement.reword")
    return derived


def action_create(
    *,
    conversation: Conversation,
    actor: Member,
    statement: Statement,
    text: str,
    owner_agency: Agency,
    due_on: date,
) -> Action:
    """A statement becomes an action with an owning agency and a due date."""
    _check(Act.ADD_ACTION, conversation, actor)
    if statement.conversation_id != conversation.pk or statement.state != State.ACCEPTED:
        raise ConversationError(_("Choose an accepted statement of this conversation."))
    if owner_agency.partnership_id != conversation.partnership_id:
        raise ConversationError(_("Choose one of the partnership's agencies."))
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ConversationError(_("Say what will be done."))
    if len(cleaned) > 500:
        raise ConversationError(_("Keep the action to 500 characters."))
    with transaction.atomic():
        action = Action.objects.create(
            conversation=conversation,
            statement=statement,
            text=cleaned,
            owner_agency=owner_agency,
            due_on=due_on,
        )
        audit_record(
            partnership=conversation.partnership,
            actor=actor,
            action="conversation.action.create",
            target=conversation,
        )
    return action


def action_update(*, action: Action, actor: Member, status: str) -> Action:
    conversation = action.conversation
    _check(Act.UPDATE_ACTION, conversation, actor)
    if status not in ActionStatus.values:
        raise ConversationError(_("Choose the action's status."))
    with transaction.atomic():
        action.status = status
        action.save(update_fields=["status"])
        audit_record(
            partnership=conversation.partnership,
            actor=actor,
            action="conversation.action.update",
            target=conversation,
        )
    return action


def in_person_record(
    *,
    conversation: Conversation,
    actor: Member,
    constituency: Constituency,
    consent_recorded: bool,
    cards: Sequence[Mapping[int, int]],
) -> int:
    """Votes a facilitator recorded at a meeting, one card per person there, who agreed to
    their votes being added. Each card becomes a voter with a random pseudonym that nobody
    holds, marked as in person. The session row (naming the facilitator) is written first,
    in its own transaction; the votes after, in another. Returns how many votes were added."""
    _check(Act.RECORD_IN_PERSON, conversation, actor)
    if not consent_recorded:
        raise ConversationError(
            _("Votes from a meeting are added only when the people there agreed to it.")
        )
    if constituency.conversation_id != conversation.pk:
        raise ConversationError(_("Choose one of this conversation's constituencies."))
    people = [card for card in cards if card]
    if not people:
        raise ConversationError(_("Add at least one person's votes."))
    if len(people) > MAX_IN_PERSON_CARDS:
        raise ConversationError(
            _("Add at most %(max)s people at once.") % {"max": MAX_IN_PERSON_CARDS}
        )
    votable = {s.pk: s for s in selectors.votable_statements(conversation=conversation)}
    for card in people:
        if any(pk not in votable or value not in VALUES for pk, value in card.items()):
            raise ConversationError(_("Each vote must be agree, disagree or pass on a statement."))
    today = timezone.localdate()
    with transaction.atomic():
        InPersonSession.objects.create(
            conversation=conversation,
            recorded_by=actor,
            held_on=today,
            people=len(people),
            consent_recorded=True,
        )
    audit_record(
        partnership=conversation.partnership,
        actor=actor,
        action="conversation.in_person",
        target=conversation,
    )
    voters, votes = [], []
    for card in people:
        pseudonym = secrets.token_hex(32)
        voters.append(
            Voter(
                conversation=conversation,
                pseudonym=pseudonym,
                constituency=constituency,
                channel=Channel.IN_PERSON,
                joined_on=today,
            )
        )
        votes += [
            Vote(
                conversation=conversation,
                statement=votable[pk],
                pseudonym=pseudonym,
                value=value,
                channel=Channel.IN_PERSON,
                voted_on=today,
            )
            for pk, value in card.items()
        ]
    with transaction.atomic():
        Voter.objects.bulk_create(voters)
        Vote.objects.bulk_create(votes)
        _results_changed(conversation)
    return len(votes)


# --- Polis exchange -------------------------------------------------------------------------

MS_PER_DAY = 86_400_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
POLIS_STATES = {-1: State.REJECTED, 0: State.ACCEPTED, 1: State.ACCEPTED}


@dataclass(frozen=True)
class PolisImport:
    conversation: Conversation
    statements: int
    rejected: int
    votes: int
    people: int


def _insert_rows(model: type[models.Model], columns: Mapping[str, Sequence[object]]) -> None:
    """Rows from parallel columns with no model object per row: the votes of a whole
    imported conversation. On PostgreSQL the columns become one CSV block (pyarrow's
    writer, as the Polis files are written) sent with COPY, which takes them in one pass;
    elsewhere (SQLite) executemany hands the rows to the driver's own loop. Only Django's
    quoted table and column names go into the text; every value is data."""
    quote = connection.ops.quote_name
    column_of = {field.name: field.column for field in model._meta.concrete_fields}
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column_of[name]) for name in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            block = io.BytesIO()
            arrays = {name: pa.array(values) for name, values in columns.items()}
            pa_csv.write_csv(pa.table(arrays), block, pa_csv.WriteOptions(include_header=False))
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(block.getvalue())
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                list(zip(*columns.values(), strict=True)),
            )


def _polis_days(milliseconds: npt.NDArray[np.int64], what: str) -> npt.NDArray[np.int64]:
    """Polis's times as days since 1970 (the finest time Village keeps), refusing times
    before 1970 or after today."""
    days = milliseconds // MS_PER_DAY
    today = (timezone.now() - EPOCH).days
    if len(days) and (days.min() < 0 or days.max() > today):
        raise ConversationError(
            _("%(file)s has a timestamp before 1970 or after today.") % {"file": what}
        )
    return days


def _dates(days: npt.NDArray[np.int64]) -> list[date]:
    return list(days.astype("datetime64[D]").astype(object))


def _polis_statements(export: PolisExport) -> list[tuple[PolisStatement, str]]:
    """Each statement with its words as written (a NUL character, which no database
    column holds, taken out), or the first reason the file cannot be imported."""
    if not export.statements:
        raise ConversationError(_("%(file)s has no statements.") % {"file": COMMENTS})
    checked = []
    for statement in export.statements:
        text = statement.text.replace("\x00", "")
        where = {"file": COMMENTS, "id": statement.id}
        if statement.moderated not in POLIS_STATES:
            raise ConversationError(
                _("%(file)s: comment %(id)s has moderated %(value)s; Polis uses -1, 0 or 1.")
                % {**where, "value": statement.moderated}
            )
        if not text.strip():
            raise ConversationError(_("%(file)s: comment %(id)s has no words.") % where)
        if len(text) > STATEMENT_HARD_LIMIT:
            raise ConversationError(
                _(
                    "%(file)s: comment %(id)s is %(count)s characters long; Village keeps "
                    "statements to %(max)s."
                )
                % {**where, "count": f"{len(text):,}", "max": STATEMENT_HARD_LIMIT}
            )
        checked.append((statement, text))
    return checked


@dataclass(frozen=True)
class _PolisRows:
    """A checked export as the columns to write. Every list is in a random order, so the
    order rows are written in (a table's physical order) says nothing of Polis's order."""

    statements: list[tuple[PolisStatement, str]]  # each with its words as stored
    written_on: npt.NDArray[np.int64]  # days since 1970, one a statement
    people: list[str]  # Polis ids
    joined_on: npt.NDArray[np.int64]  # each person's first day
    voter: npt.NDArray[np.int64]  # each vote's person, into people
    statement: npt.NDArray[np.int64]  # each vote's statement, into statements
    value: npt.NDArray[np.int8]
    voted_on: npt.NDArray[np.int64]

    @property
    def first_day(self) -> int:
        return int(min(self.written_on.min(), self.joined_on.min(initial=self.written_on.min())))


def _polis_rows(export: PolisExport) -> _PolisRows:
    """Check the export and turn it into columns, without a Python step per vote."""
    checked = _polis_statements(export)
    statements = [checked[i] for i in random_order(len(checked))]
    position = {statement.id: i for i, (statement, _text) in enumerate(statements)}
    votes = export.votes.latest()
    known = np.asarray([position.get(sid, -1) for sid in votes.statement_ids], dtype=np.int64)
    unknown = [votes.statement_ids[j] for j in np.flatnonzero(known < 0)]
    if unknown:
        raise ConversationError(
            _("%(file)s has votes on comment %(ids)s, which %(comments)s does not have.")
            % {"file": VOTES, "ids": ", ".join(unknown[:5]), "comments": COMMENTS}
        )
    today = (timezone.now() - EPOCH).days
    stamps = [today * MS_PER_DAY if s.timestamp is None else s.timestamp for s, _t in statements]
    joined_on = np.full(len(votes.participant_ids), today, dtype=np.int64)
    voted_on = np.full(len(votes), today, dtype=np.int64)
    if export.votes.timestamp is not None and votes.timestamp is not None:
        every_day = _polis_days(export.votes.timestamp, VOTES)
        np.minimum.at(joined_on, export.votes.participant, every_day)
        voted_on = votes.timestamp // MS_PER_DAY
    people = random_order(len(votes.participant_ids))
    place = np.argsort(people)  # where each Polis participant went in `people`
    order = random_order(len(votes))
    return _PolisRows(
        statements=statements,
        written_on=_polis_days(np.asarray(stamps, dtype=np.int64), COMMENTS),
        people=[votes.participant_ids[i] for i in people],
        joined_on=joined_on[people],
        voter=place[votes.participant[order]],
        statement=known[votes.statement[order]],
        value=votes.value[order],
        voted_on=voted_on[order],
    )


def conversation_import_polis(
    *, partnership: Partnership, export: PolisExport, question: str
) -> PolisImport:
    """A closed conversation made from a Polis export, for `village conversations
    import-polis`, run by whoever runs the server (so no member's permission is checked).

    - Polis has no constituencies: its groups (participants-votes.csv) are opinion groups,
      which the engine works out again from the votes. So every imported person is in
      "other", the constituency for people outside the three invited ones, and common
      ground, which must hold in every invited constituency, is not claimed for them.
    - A person's pseudonym is a keyed hash of their Polis id (``keys.imported_pseudonym``):
      no Polis id is stored. Who wrote each statement is not kept, as for any statement
      here; it carries only its writer's constituency, "other".
    - Polis's moderation: -1 (moderated out) is not accepted, so those statements never
      reach results or exports; 1 is accepted; 0, which Polis shows unless its strict
      moderation is on, is accepted and waits for review, so the conversation is
      post-moderated. Polis gives no reasons, so none is recorded.
    - Each person's last answer to each statement is kept (a changed vote replaces the
      earlier one, as here), with its day; Polis's exact times are not kept. Votes on
      statements moderated out are kept too, and stay out of results as any such votes do.
    - Everything is checked first, then written from the export's arrays (``_insert_rows``:
      no Python object per vote), in a random order, in one transaction: an
      import is whole or not there at all. The audit row is written after, in its own.
    """
    cleaned_question = " ".join(question.split())[:QUESTION_MAX_LENGTH]
    if not cleaned_question:
        raise ConversationError(_("Write the question the conversation is about."))
    rows = _polis_rows(export)
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.create(
            partnership=partnership,
            question=cleaned_question,
            context=_(
                "Imported from a Polis export on %(day)s: %(statements)s statements and "
                "%(votes)s votes from %(people)s people. Polis's opinion groups and who wrote "
                "each statement were not imported."
            )
            % {
                "day": formats.date_format(timezone.localdate(now)),
                "statements": f"{len(rows.statements):,}",
                "votes": f"{len(rows.value):,}",
                "people": f"{len(rows.people):,}",
            },
            opens_at=min(EPOCH + timedelta(days=rows.first_day), now),
            closes_at=now,
            moderation=Moderation.POST,
            moderation_policy=str(DEFAULT_POLICY),
            statement_max_length=max(STATEMENT_MAX_LENGTH, *(len(t) for _s, t in rows.statements)),
        )
        Constituency.objects.bulk_create(
            Constituency(conversation=conversation, kind=kind) for kind in ConstituencyKind.values
        )
        other = Constituency.objects.get(conversation=conversation, kind=ConstituencyKind.OTHER)
        statements = Statement.objects.bulk_create(
            Statement(
                conversation=conversation,
                text=text,
                author_constituency=other,
                state=POLIS_STATES[statement.moderated],
                reviewed=statement.moderated != 0,
                created_on=day,
            )
            for (statement, text), day in zip(rows.statements, _dates(rows.written_on), strict=True)
        )
        pseudonyms = np.asarray(
            [
                keys.imported_pseudonym(conversation_id=conversation.pk, polis_id=polis_id)
                for polis_id in rows.people
            ],
            dtype=object,
        )
        people, votes = len(rows.people), len(rows.value)
        _insert_rows(
            Voter,
            {
                "id": random_keys(people).tolist(),
                "conversation": [conversation.pk] * people,
                "pseudonym": pseudonyms.tolist(),
                "constituency": [other.pk] * people,
                "channel": [Channel.IMPORTED.value] * people,
                "joined_on": _dates(rows.joined_on),
            },
        )
        statement_pks = np.asarray([row.pk for row in statements], dtype=np.int64)
        _insert_rows(
            Vote,
            {
                "id": random_keys(votes).tolist(),
                "conversation": [conversation.pk] * votes,
                "statement": statement_pks[rows.statement].tolist(),
                "pseudonym": pseudonyms[rows.voter].tolist(),
                "value": rows.value.tolist(),
                "channel": [Channel.IMPORTED.value] * votes,
                "voted_on": _dates(rows.voted_on),
            },
        )
        _results_changed(conversation)
    audit_record(
        partnership=partnership, actor=None, action="conversation.import", target=conversation
    )
    return PolisImport(
        conversation=conversation,
        statements=len(statements),
        rejected=sum(s.state == State.REJECTED for s in statements),
        votes=votes,
        people=people,
    )


def conversation_export_record(*, conversation: Conversation) -> None:
    """Note in the audit log that every vote was written out (`village conversations
    export-polis`, from the server's command line, so no member is named)."""
    audit_record(
        partnership=conversation.partnership,
        actor=None,
        action="conversation.export",
        target=conversation,
    )
