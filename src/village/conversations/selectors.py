"""Every read a conversation page, report or export needs.

Results and exports read statements and votes only through ``result_statements`` and
``result_votes``: accepted statements, and votes on them. A statement that was not
accepted never reaches them."""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from village import rows
from village.anonymity import random_order
from village.conversations import keys, policy
from village.conversations.models import (
    Action,
    ActionStatus,
    Channel,
    Constituency,
    ConstituencyKind,
    Conversation,
    Decision,
    Link,
    Moderation,
    ModerationEntry,
    Reason,
    ResultsSnapshot,
    State,
    Statement,
    Vote,
    Voter,
)
from village.engines.duplicates import near_duplicates
from village.engines.opinions.matrix import Votes
from village.engines.opinions.polis_io import PolisExport, PolisStatement
from village.engines.opinions.priority import pick_next, statement_priorities
from village.people import join_codes
from village.people.models import CareerStage, Member, Partnership
from village.released import ReleasedFigure


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


def participation(*, pk: int, member: Member | None, browser_key: str) -> Voter | None:
    """This person's voter in conversation ``pk``, with its conversation, in one query
    written out once (every vote comes through here, and the conversation is not needed
    first): the row under either pseudonym they could have, kept only if it is the one
    ``pseudonym_of`` gives them."""
    candidates = set()
    if member is not None and member.is_active:
        candidates.add(keys.member_pseudonym(conversation_id=pk, member_id=member.pk))
    if len(browser_key) >= 32:
        candidates.add(keys.guest_pseudonym(conversation_id=pk, key=browser_key))
    if not candidates:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.columns(Voter, 'v')}, {rows.columns(Conversation, 'c')} "  # noqa: S608 (names from the models)
            f"FROM {Voter._meta.db_table} v JOIN {Conversation._meta.db_table} c "
            "ON c.id = v.conversation_id WHERE v.conversation_id = %s AND v.pseudonym IN "
            f"({', '.join(['%s'] * len(candidates))})",
            [pk, *candidates],
        )
        found = cursor.fetchall()
    width = len(rows.fields(Voter))
    for row in found:
        voter = rows.instance(Voter, row[:width], using=connection.alias)
        voter.conversation = rows.instance(Conversation, row[width:], using=connection.alias)
        mine = pseudonym_of(conversation=voter.conversation, member=member, browser_key=browser_key)
        if voter.pseudonym == mine:
            return voter
    return None


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


def votable_statements(*, conversation: Conversation) -> QuerySet[Statement]:
    """What participants see and vote on: accepted statements only."""
    return Statement.objects.filter(conversation=conversation, state=State.ACCEPTED)


def result_statements(*, conversation: Conversation) -> QuerySet[Statement]:
    """The statements results and exports may show: accepted, never rejected or pending."""
    return votable_statements(conversation=conversation)


def result_votes(*, conversation: Conversation) -> QuerySet[Vote]:
    """Votes for results and exports: on accepted statements only."""
    return Vote.objects.filter(conversation=conversation, statement__state=State.ACCEPTED)


def conversation_by_id(*, pk: int) -> Conversation | None:
    """For the command line, where a conversation is named by its number."""
    return Conversation.objects.select_related("partnership").filter(pk=pk).first()


@dataclass(frozen=True)
class SharedCommonGround:
    """A conversation as another part of Village may show it: its question, whether its
    results are shared with the whole partnership yet, and then its common ground."""

    conversation: Conversation
    shared: bool
    common_ground: list[str]


def shared_common_ground(*, pk: int, partnership: Partnership) -> SharedCommonGround | None:
    """A conversation of this partnership with its common ground once its results are shared
    with every member (closed, or shared while open: as an observer may see them, never the
    early view of those who run it) and computed. None when it is not this partnership's."""
    conversation = Conversation.objects.filter(pk=pk, partnership=partnership).first()
    if conversation is None:
        return None
    shared = bool(
        policy.decide_for(
            act=policy.Act.READ_RESULTS,
            conversation=conversation,
            people={policy.Person.OBSERVER},
        )
    )
    results = results_for(conversation=conversation) if shared else None
    return SharedCommonGround(
        conversation=conversation,
        shared=shared,
        common_ground=[s.text for s in results.common_ground] if results and results.ready else [],
    )


def polis_export(*, conversation: Conversation) -> PolisExport:
    """The conversation as a Polis export (`village conversations export-polis`): the
    statements and votes results may show, so never a rejected or pending statement, read
    as columns with no Python work per vote.

    Statements are numbered 0, 1, ... by the day they were written, and people in a random
    order, so a number says nothing about when someone joined. A time is a day (midnight
    UTC), the finest time kept. No statement is linked to its writer and opinion groups are
    not kept per person, so author-id and group-id are empty. An accepted statement is
    moderated 1, or 0 while it waits for review after being shown.
    """
    rows = list(
        result_statements(conversation=conversation)
        .order_by("created_on", "pk")
        .values_list("pk", "text", "reviewed", "created_on")
    )
    written = np.asarray([row[3] for row in rows], dtype="datetime64[D]").astype("datetime64[ms]")
    statements = tuple(
        PolisStatement(id=str(number), text=text, moderated=int(reviewed), timestamp=stamp)
        for number, ((_pk, text, reviewed, _day), stamp) in enumerate(
            zip(rows, written.astype(np.int64).tolist(), strict=True)
        )
    )
    pks = np.asarray([row[0] for row in rows], dtype=np.int64)
    votes = (
        result_votes(conversation=conversation)
        .order_by()
        .values_list("pseudonym", "statement_id", "value", "voted_on")
    )
    pseudonym, statement, value, day = list(zip(*votes, strict=True)) or ([], [], [], [])
    people = pc.dictionary_encode(pa.array(pseudonym, pa.string()))
    number = random_order(len(people.dictionary))
    by_pk = np.argsort(pks)
    return PolisExport(
        votes=Votes.from_arrays(
            participant=number[np.asarray(people.indices.to_numpy(zero_copy_only=False))],
            statement=by_pk[np.searchsorted(pks[by_pk], np.asarray(statement, dtype=np.int64))],
            value=np.asarray(value, dtype=np.int8),
            timestamp=np.asarray(day, dtype="datetime64[D]"),
        ),
        statements=statements,
    )


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


@dataclass(frozen=True)
class Ballot:
    """The voting page: the next statement (None once every one is answered) and how far
    this voter is."""

    statement: Statement | None
    progress: Progress


NEW_STATEMENT_PRIORITY = float(
    statement_priorities(
        agree=np.zeros(1, dtype=np.int64),
        passes=np.zeros(1, dtype=np.int64),
        total=np.zeros(1, dtype=np.int64),
        extremity=np.zeros(1),
        meta=np.zeros(1, dtype=bool),
    )[0]
)


def ballot_of(*, conversation: Conversation, pseudonym: str) -> Ballot:
    """The next statement, drawn by the engine's priorities (as the worker last computed
    them) among those this voter has not answered, with a draw fixed by the voter and how
    far they are, so a reload shows the same statement. A statement newer than the last
    recompute gets the priority of one with no votes yet. Three short queries written out
    once (a vote's reply is a ballot, and votes come many a second): no counting of votes,
    so a ballot costs the same at 10 or 10,000 voters."""
    statements, votes, snapshots = (
        model._meta.db_table for model in (Statement, Vote, ResultsSnapshot)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id, EXISTS (SELECT 1 FROM {votes} v "  # noqa: S608 (names from the models)
            "WHERE v.statement_id = s.id AND v.pseudonym = %s) "
            f"FROM {statements} s WHERE s.conversation_id = %s AND s.state = %s",
            [pseudonym, conversation.pk, State.ACCEPTED],
        )
        shown = cursor.fetchall()
        left = [pk for pk, answered in shown if not answered]
        progress = Progress(answered=len(shown) - len(left), total=len(shown))
        if not left:
            return Ballot(statement=None, progress=progress)
        cursor.execute(
            f"SELECT priorities FROM {snapshots} WHERE conversation_id = %s",  # noqa: S608
            [conversation.pk],
        )
        stored = cursor.fetchone()
        known = _json_of(stored[0]) if stored else {}
        chosen = pick_next(
            priorities={str(pk): known.get(str(pk), NEW_STATEMENT_PRIORITY) for pk in left},
            rng=np.random.default_rng(zlib.crc32(f"{pseudonym}:{progress.answered}".encode())),
        )
        assert chosen is not None  # some are left to draw from
        cursor.execute(
            f"SELECT id, text, seed FROM {statements} WHERE id = %s",  # noqa: S608
            [int(chosen)],
        )
        row = cursor.fetchone()
    statement = (
        Statement.from_db(connection.alias, ["id", "text", "seed"], [row[0], row[1], bool(row[2])])
        if row
        else None
    )
    return Ballot(statement=statement, progress=progress)


def _json_of(stored: Any) -> dict[str, float]:
    """A JSON column as a raw cursor gives it: decoded by PostgreSQL's driver, text from
    SQLite."""
    return json.loads(stored) if isinstance(stored, str) else dict(stored or {})


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


def partnership_actions(*, partnership: Partnership) -> QuerySet[Action]:
    """The actions of a partnership's conversations that are going ahead (or done), for a
    values review to bring in."""
    return (
        Action.objects.filter(conversation__partnership=partnership)
        .exclude(status=ActionStatus.NOT_DOING)
        .select_related("conversation", "owner_agency")
    )


def counts_by_constituency(*, conversation: Conversation) -> dict[int | None, int]:
    """Voters per invited constituency (key: its id); open-link voters under None."""
    found: dict[int | None, int] = defaultdict(int)
    rows = Voter.objects.filter(conversation=conversation).values("constituency_id")
    for row in rows.annotate(n=Count("id")):
        found[row["constituency_id"]] += row["n"]
    return dict(found)


# --- results: read from the snapshot the worker stores, never computed here -----------------

OPEN_LINK = "open"
# The statuses of a snapshot that has figures to show (too few votes for opinion groups
# still gives the rest).
READY = ("ok", "not_enough_votes")
GROUP_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TOP = 10
MAP_COLOURS = 6


def group_label(index: int) -> str:
    return _("Group %(letter)s") % {"letter": GROUP_LETTERS[index % len(GROUP_LETTERS)]}


def career_stage_label(key: str) -> str:
    return str(CareerStage(key).label) if key in CareerStage.values else str(_("Did not say"))


def _stage_figures(table: dict[str, Any] | None) -> list[Figure]:
    """Career stage rows, only when some stage is shown: results from before voters could
    add a stage, or where every stage is too small, have no such table."""
    cells = (table or {}).get("cells", [])
    if not any(c["shown"] and c["key"] in CareerStage.values for c in cells):
        return []
    return _figures(cells, career_stage_label)


def constituency_label(key: str) -> str:
    if key == OPEN_LINK:
        return str(_("Open link (said their own group)"))
    return str(ConstituencyKind(key).label) if key in ConstituencyKind.values else key


@dataclass(frozen=True)
class Figure:
    """One row of a results table: a label and its released numbers, or why it is hidden."""

    label: str
    cell: dict[str, Any]

    @property
    def shown(self) -> bool:
        return bool(self.cell.get("shown"))


@dataclass(frozen=True)
class StatementFigures:
    pk: int
    text: str
    seed: bool
    figures: dict[str, Any]
    constituencies: list[Figure]
    groups: list[Figure]
    career_stages: list[Figure] = field(default_factory=list)


@dataclass(frozen=True)
class Ranked:
    statement: StatementFigures
    balanced_place: int
    raw_place: int | None
    explanation: str


@dataclass(frozen=True)
class Divided:
    statement: StatementFigures
    spread: int
    agreement: list[tuple[str, int]]


@dataclass(frozen=True)
class MapGroup:
    label: str
    colour: int
    points: list[tuple[float, float]]
    centre: tuple[float, float]
    people: int | None


@dataclass(frozen=True)
class GroupFigures:
    label: str
    cell: dict[str, Any]
    representative: list[tuple[StatementFigures, str, int]]


@dataclass(frozen=True)
class Results:
    """What the results page, its print view, PDF and CSV show: the snapshot's figures with
    the statements' words as they are now (a statement no longer accepted is left out)."""

    conversation: Conversation
    computed_at: datetime | None
    votes: int
    status: str
    minimum: int
    note: str
    everyone: dict[str, Any] = field(default_factory=dict)
    constituencies: list[Figure] = field(default_factory=list)
    open_link: list[Figure] = field(default_factory=list)
    channels: list[Figure] = field(default_factory=list)
    career_stages: list[Figure] = field(default_factory=list)
    groups: list[GroupFigures] = field(default_factory=list)
    map_groups: list[MapGroup] = field(default_factory=list)
    common_ground: list[StatementFigures] = field(default_factory=list)
    required: list[str] = field(default_factory=list)
    balanced: list[Ranked] = field(default_factory=list)
    raw: list[StatementFigures] = field(default_factory=list)
    bridging: list[StatementFigures] = field(default_factory=list)
    divides: list[Divided] = field(default_factory=list)
    voice: list[Figure] = field(default_factory=list)
    statements: list[StatementFigures] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.computed_at is not None and self.status in READY


def _figures(cells: list[dict[str, Any]], label: Any) -> list[Figure]:
    return [Figure(label=label(c["key"]), cell=c) for c in cells]


def _explain(balanced_place: int, raw_place: int | None) -> str:
    if raw_place is None:
        return _("Its raw agreement cannot be ranked: too few people have voted on it.")
    places = abs(raw_place - balanced_place)
    if raw_place > balanced_place:
        return ngettext(
            "%(places)s place higher than by raw agreement: the smaller groups agree with it "
            "more than the larger ones, and here each group counts the same.",
            "%(places)s places higher than by raw agreement: the smaller groups agree with it "
            "more than the larger ones, and here each group counts the same.",
            places,
        ) % {"places": places}
    if raw_place < balanced_place:
        return ngettext(
            "%(places)s place lower than by raw agreement: much of its support comes from the "
            "larger groups, and here each group counts the same.",
            "%(places)s places lower than by raw agreement: much of its support comes from the "
            "larger groups, and here each group counts the same.",
            places,
        ) % {"places": places}
    return _("The same place by raw agreement.")


def results_for(*, conversation: Conversation) -> Results:
    """The conversation's results as last computed by the worker (nothing is computed here)."""
    snapshot = ResultsSnapshot.objects.filter(conversation=conversation).defer("members").first()
    data = snapshot.data if snapshot is not None and snapshot.data else {}
    actions = list(actions_of(conversation=conversation).filter(statement__state=State.ACCEPTED))
    base = Results(
        conversation=conversation,
        computed_at=snapshot.computed_at if snapshot is not None else None,
        votes=snapshot.votes if snapshot is not None else 0,
        status=str(data.get("status", "")),
        minimum=int(data.get("minimum", conversation.partnership.min_group_size)),
        note=str(data.get("note", "")),
        actions=actions,
    )
    if data.get("status") not in READY:
        return base
    words = {
        str(pk): (pk, text, seed)
        for pk, text, seed in result_statements(conversation=conversation).values_list(
            "pk", "text", "seed"
        )
    }
    group_keys = [g["key"] for g in data["groups"]]

    def group_name(key: str) -> str:
        return group_label(group_keys.index(key)) if key in group_keys else str(_("In no group"))

    statements: dict[str, StatementFigures] = {}
    for sid, figures in data["statements"].items():
        if sid in words:
            pk, text, seed = words[sid]
            statements[sid] = StatementFigures(
                pk=pk,
                text=text,
                seed=seed,
                figures=figures,
                constituencies=_figures(figures["constituencies"]["cells"], constituency_label),
                groups=_figures(
                    [c for c in figures["groups"]["cells"] if c["key"] in group_keys], group_name
                ),
                career_stages=_stage_figures(figures.get("career_stages")),
            )

    def pick(ids: list[str]) -> list[StatementFigures]:
        return [statements[sid] for sid in ids if sid in statements]

    raw = pick(data["raw_ranking"])
    raw_place = {s.pk: place for place, s in enumerate(raw, start=1)}
    balanced = [
        Ranked(
            statement=s,
            balanced_place=place,
            raw_place=raw_place.get(s.pk),
            explanation=_explain(place, raw_place.get(s.pk)),
        )
        for place, s in enumerate(pick(data["balanced_ranking"]), start=1)
    ]
    participants = data["participants"]
    open_cells = [c for c in participants["open_link"]["cells"] if c["key"] != "invited"]
    return replace(
        base,
        everyone=participants["everyone"],
        constituencies=_figures(participants["constituencies"]["cells"], constituency_label),
        open_link=_figures(open_cells, constituency_label),
        channels=_figures(participants["channels"]["cells"], lambda key: str(Channel(key).label)),
        career_stages=_stage_figures(participants.get("career_stages")),
        groups=[
            GroupFigures(
                label=group_label(i),
                cell=g,
                representative=[
                    (statements[r["statement"]], r["direction"], r["share"])
                    for r in g["representative"]
                    if r["statement"] in statements
                ],
            )
            for i, g in enumerate(data["groups"])
        ],
        map_groups=[
            MapGroup(
                label=group_name(g["key"]),
                colour=group_keys.index(g["key"]) % MAP_COLOURS,
                points=[(x, y) for x, y in g["points"]],
                centre=(g["centre"][0], g["centre"][1]),
                people=next(
                    (c.get("people") for c in data["groups"] if c["key"] == g["key"]), None
                ),
            )
            for g in data["map"]["groups"]
        ],
        common_ground=pick(data["common_ground"]),
        required=[constituency_label(k) for k in data["required"]],
        balanced=balanced[:TOP],
        raw=raw[:TOP],
        bridging=pick(data["bridging"])[:TOP],
        divides=[
            Divided(
                statement=statements[d["statement"]],
                spread=d["spread"],
                agreement=[(constituency_label(k), v) for k, v in d["agreement"].items()],
            )
            for d in data["divides"]
            if d["statement"] in statements
        ],
        voice=_figures(data["voice"], constituency_label),
        statements=sorted(statements.values(), key=lambda s: s.text.casefold()),
    )


@dataclass(frozen=True)
class SnapshotGroups:
    """The opinion groups of the last results, for "where I stand": every group's label in
    the results' order (as the results page names them), the group of each voter in a group
    the results show, and why the results hide each other group."""

    labels: list[str]
    member_of: dict[int, str]  # voter id -> label, for groups the results show
    hidden: dict[str, str]  # label -> why the results hide it


def snapshot_groups(*, conversation: Conversation) -> SnapshotGroups | None:
    """The last results' opinion groups (none when too few have voted to find any), or None
    while the results are still being worked out. Reads the groups and their members alone,
    never the rest of the figures."""
    found = (
        ResultsSnapshot.objects.filter(conversation=conversation, computed_at__isnull=False)
        .values_list("data__status", "data__groups", "members")
        .first()
    )
    if found is None:
        return None
    status, groups, members = found
    if status not in READY or members is None:
        return None
    labels = [group_label(i) for i in range(len(groups or []))]
    member_of: dict[int, str] = {}
    hidden: dict[str, str] = {}
    for label, group in zip(labels, groups or [], strict=True):
        if group["shown"]:
            member_of.update(dict.fromkeys(members.get(group["key"], []), label))
        else:
            hidden[label] = group["reason"]
    return SnapshotGroups(labels=labels, member_of=member_of, hidden=hidden)


RESULTS_CSV_HEADER = (
    "statement",
    "seed",
    "people who voted (rounded)",
    "agree %",
    "disagree %",
    "pass %",
    "balanced support %",
    "common ground",
    "breakdown",
    "group",
    "group people (rounded)",
    "group agree %",
    "group disagree %",
    "group pass %",
)


def results_csv_rows(results: Results) -> list[tuple[object, ...]]:
    """One row per statement and one per shown or hidden breakdown of it; hidden cells say
    why. Only statements accepted now; never pending or rejected ones."""
    rows: list[tuple[object, ...]] = []
    for s in results.statements:
        f = s.figures
        head = (
            s.text,
            "yes" if s.seed else "no",
            f.get("people", ""),
            f.get("agree", ""),
            f.get("disagree", ""),
            f.get("passes", ""),
            "" if f.get("balanced") is None else f["balanced"],
            "yes" if f.get("common_ground") else "no",
        )
        if not f.get("shown"):
            rows.append((*head, "everyone", "", f.get("reason", ""), "", "", ""))
            continue
        rows.append((*head, "everyone", "", f.get("people", ""), "", "", ""))
        for kind, figures in (
            (_("constituency"), s.constituencies),
            (_("opinion group"), s.groups),
            (_("career stage"), s.career_stages),
        ):
            for figure in figures:
                c = figure.cell
                if c.get("shown"):
                    rows.append(
                        (
                            *head,
                            kind,
                            figure.label,
                            c["people"],
                            c["agree"],
                            c["disagree"],
                            c["passes"],
                        )
                    )
                else:
                    rows.append((*head, kind, figure.label, c.get("reason", ""), "", "", ""))
    return rows


def released_figures(*, partnership: Partnership) -> list[ReleasedFigure]:
    """Each accepted statement's balanced support (each constituency weighing the same),
    from conversations whose results are shared with every member and computed; key is the
    statement's number."""
    figures = []
    for conversation in conversations_for(partnership=partnership):
        shared = policy.decide_for(
            act=policy.Act.READ_RESULTS, conversation=conversation, people={policy.Person.OBSERVER}
        )
        results = results_for(conversation=conversation) if shared else None
        if results is None or not results.ready:
            continue
        for statement in results.statements:
            balanced = statement.figures.get("balanced")
            figures.append(
                ReleasedFigure(
                    key=str(statement.pk),
                    label=_("Conversation “%(question)s”: support for “%(statement)s”")
                    % {"question": conversation.question, "statement": statement.text},
                    value=None if balanced is None else float(balanced),
                    unit="%",
                    as_of=_("results of %(day)s")
                    % {
                        "day": results.computed_at.date().isoformat() if results.computed_at else ""
                    },
                    hidden_because=""
                    if balanced is not None
                    else str(statement.figures.get("reason") or _("Too few votes to show.")),
                )
            )
    return figures
