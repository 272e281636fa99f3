"""A conversation's results: votes from the database into the opinion engine, and the
engine's figures through the disclosure rules into the snapshot the results pages read.

Votes are read in one query as three integer columns (voter, statement, value) straight into
numpy, with no Python loop over votes; the engine builds its matrix from those arrays. The
worker keeps each conversation's last analysis in memory and folds only the votes that are
new or changed since into it with the engine's ``update`` (a warm start: the groups stay
put and a few more votes cost a fraction of a full run); when a statement leaves the results
(rejected after it had votes) or the worker has no analysis yet, it analyses from scratch.

Participants who came through an open link said their constituency themselves: the engine
sees them with no constituency, so they never weigh in common ground, balanced support or
divides, and they are reported apart (``OPEN``). Statements keep only their writer's
constituency, so each constituency's statements are credited to one stand-in writer.

Every breakdown goes through a ``DisclosureGuard`` with the partnership's minimum group size:
one over the participants (constituencies, open-link groups, opinion groups, channels) and
one per statement over the people who voted on it (constituencies and opinion groups), in a
fixed order, so nothing under the minimum shows directly or by subtraction. Figures built
from several breakdowns at once (balanced support, common ground, divides, voice balance)
are shown only when every breakdown they are made of is shown. Nothing here writes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection

from village.conversations import selectors
from village.conversations.models import (
    INVITED_KINDS,
    Channel,
    ConstituencyKind,
    Conversation,
    Voter,
)
from village.engines.disclosure import (
    Cell,
    DisclosureGuard,
    Policy,
    Population,
    Query,
    Respondent,
    Table,
)
from village.engines.opinions import Analysis, Settings, Votes, analyse, update
from village.engines.opinions.counts import tally
from village.people.models import CareerStage
from village.people.selectors import disclosure_policy

VERSION = 1
OPEN = "open"  # came through an open link and said their own constituency
INVITED = "invited"  # the "declared" value of someone who came through an invited link
NO_GROUP = "none"
NOT_GIVEN = "not_given"  # the career stage of a voter who did not add one
STAGES: tuple[str, ...] = (*CareerStage.values, NOT_GIVEN)
KINDS: tuple[str, ...] = tuple(ConstituencyKind.values)
INVITED_VALUES: tuple[str, ...] = tuple(str(k.value) for k in INVITED_KINDS)
OTHER = str(ConstituencyKind.OTHER.value)
WRITER = "writer:"  # stand-in writer ids: "writer:family" wrote every family statement
RANKED = 10
MAP_SIZE = 100.0
# Analyses kept in the worker's memory for a warm start, most recent last.
WARM_LIMIT = 16
_warm: OrderedDict[int, Analysis] = OrderedDict()


@dataclass(frozen=True)
class Loaded:
    """A conversation's votes as the engine takes them, and what is known of each voter."""

    votes: Votes
    constituency_of: dict[str, str]  # voter id -> invited constituency (open-link ones absent)
    declared_of: dict[str, str]  # voter id -> self-declared constituency (open-link only)
    channel_of: dict[str, str]
    stage_of: dict[str, str]  # voter id -> the career stage they added (others absent)
    writers: dict[str, str]  # statement id -> stand-in writer id
    expected: dict[str, int]

    @property
    def vote_count(self) -> int:
        return len(self.votes)


def _vote_table(conversation: Conversation) -> npt.NDArray[np.int64]:
    """(voter id, statement id, value) of every vote ``selectors.result_votes`` gives, as one
    integer array. The voter comes from a join on the pseudonym (a hash join: one pass over
    both tables), written in SQL around the selector's own query because the two tables share
    no foreign key; the rows go straight from the cursor into numpy."""
    votes = (
        selectors.result_votes(conversation=conversation)
        .order_by()  # any order: the engine orders ids itself
        .values_list("pseudonym", "statement_id", "value")
    )
    sql, params = votes.query.sql_with_params()
    voter_table = connection.ops.quote_name(Voter._meta.db_table)
    # Only Django's own compiled query and a quoted table name go into the text; every value
    # is a parameter.
    joined = (
        f"SELECT voter.id, vote.statement_id, vote.value FROM ({sql}) vote "  # noqa: S608
        f"JOIN {voter_table} voter ON voter.pseudonym = vote.pseudonym "
        "AND voter.conversation_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(joined, (*params, conversation.pk))
        rows = cursor.fetchall()
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def load(conversation: Conversation) -> Loaded:
    """Every vote on an accepted statement, as integer arrays, and each voter's groups."""
    table = _vote_table(conversation)
    voter_ids, participant = np.unique(table[:, 0], return_inverse=True)
    statement_ids, statement = np.unique(table[:, 1], return_inverse=True)
    votes = Votes(
        participant_ids=tuple(map(str, voter_ids.tolist())),
        statement_ids=tuple(map(str, statement_ids.tolist())),
        participant=participant.astype(np.int32).ravel(),
        statement=statement.astype(np.int32).ravel(),
        value=table[:, 2].astype(np.int8),
    )
    constituency_of: dict[str, str] = {}
    declared_of: dict[str, str] = {}
    channel_of: dict[str, str] = {}
    stage_of: dict[str, str] = {}
    voters = Voter.objects.filter(conversation=conversation).values_list(
        "id", "constituency__kind", "declared__kind", "channel", "career_stage"
    )
    for pk, kind, declared, channel, stage in voters:
        if stage:
            stage_of[str(pk)] = stage
        if kind:
            constituency_of[str(pk)] = kind
        else:
            declared_of[str(pk)] = declared or OTHER
        channel_of[str(pk)] = channel
    writers = {}
    statements = selectors.result_statements(conversation=conversation).values_list(
        "pk", "author_constituency__kind", "author_declared"
    )
    for pk, writer_kind, writer_declared in statements:
        if writer_kind:
            writers[str(pk)] = WRITER + (OPEN if writer_declared else writer_kind)
    for kind in KINDS:
        constituency_of[WRITER + kind] = kind
    expected = {c.kind: c.expected for c in selectors.constituencies_of(conversation=conversation)}
    return Loaded(
        votes=votes,
        constituency_of=constituency_of,
        declared_of=declared_of,
        channel_of=channel_of,
        stage_of=stage_of,
        writers=writers,
        expected=expected,
    )


# --- the engine, warm-started ---------------------------------------------------------------


def _changed_votes(previous: Analysis, votes: Votes) -> Votes | None:
    """The votes that are new or changed since ``previous``; None when a vote it had is gone
    (its statement left the results), which needs a fresh analysis."""
    matrix = previous.matrix
    values = matrix.values
    rows = np.repeat(np.arange(values.shape[0]), np.diff(values.indptr))
    old_p = np.asarray(matrix.participant_ids, dtype=np.int64)[rows]
    old_s = np.asarray(matrix.statement_ids, dtype=np.int64)[values.indices]
    new_p = np.asarray(votes.participant_ids, dtype=np.int64)[votes.participant]
    new_s = np.asarray(votes.statement_ids, dtype=np.int64)[votes.statement]
    _, p_code = np.unique(np.concatenate([old_p, new_p]), return_inverse=True)
    s_all, s_code = np.unique(np.concatenate([old_s, new_s]), return_inverse=True)
    keys = p_code.ravel() * len(s_all) + s_code.ravel()
    old_keys, new_keys = keys[: len(old_p)], keys[len(old_p) :]
    order = np.argsort(old_keys)
    sorted_keys = old_keys[order]
    at = np.minimum(np.searchsorted(sorted_keys, new_keys), max(len(sorted_keys) - 1, 0))
    found = sorted_keys[at] == new_keys if len(sorted_keys) else np.zeros(len(new_keys), dtype=bool)
    if int(found.sum()) < len(old_keys):
        return None
    old_values = values.data[order].astype(np.int8)
    same = found & (old_values[at] == votes.value) if len(sorted_keys) else found
    changed = ~same
    return Votes(
        participant_ids=votes.participant_ids,
        statement_ids=votes.statement_ids,
        participant=votes.participant[changed],
        statement=votes.statement[changed],
        value=votes.value[changed],
    )


def engine_settings(policy: Policy) -> Settings:
    """A group or constituency counts towards common ground or a divide only with at least
    the partnership's minimum group size of votes on the statement."""
    return Settings(min_cell_votes=policy.minimum, min_statement_votes=policy.minimum)


def analysis_of(*, conversation_id: int, loaded: Loaded, settings: Settings) -> Analysis:
    """The engine's analysis, from the last one kept in memory when there is one."""
    previous = _warm.pop(conversation_id, None)
    changes = (
        _changed_votes(previous, loaded.votes)
        if previous is not None and previous.result.settings == settings and len(loaded.votes)
        else None
    )
    if previous is not None and changes is not None and not len(changes):
        analysis = previous
    elif previous is not None and changes is not None:
        analysis = update(
            previous=previous,
            new_votes=changes,
            constituencies=loaded.constituency_of,
            authors=loaded.writers,
        )
    else:
        analysis = analyse(
            votes=loaded.votes,
            constituencies=loaded.constituency_of,
            authors=loaded.writers,
            seed=conversation_id,
            settings=settings,
        )
    _warm[conversation_id] = analysis
    while len(_warm) > WARM_LIMIT:
        _warm.popitem(last=False)
    return analysis


def forget(conversation_id: int) -> None:
    """Drop the kept analysis (the next one starts from scratch)."""
    _warm.pop(conversation_id, None)


# --- through the disclosure rules ----------------------------------------------------------


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _cell(cell: Cell, counts: Sequence[int] | None = None) -> dict[str, Any]:
    """A released cell: its rounded number of people and, for a statement, the shares of
    agree, disagree and pass among them; or why it is hidden."""
    if not cell.shown:
        assert cell.suppression is not None
        return {
            "key": cell.key[0] if cell.key else "",
            "shown": False,
            "reason": cell.suppression.message,
        }
    found: dict[str, Any] = {
        "key": cell.key[0] if cell.key else "",
        "shown": True,
        "people": cell.count,
    }
    if counts is not None:
        agree, disagree, passes = counts
        votes = agree + disagree + passes
        found.update(
            agree=_percent(agree, votes),
            disagree=_percent(disagree, votes),
            passes=_percent(passes, votes),
        )
    return found


def _population(
    groups: Mapping[tuple[str, ...], int],
    names: Sequence[str],
    domains: Mapping[str, Sequence[str]],
) -> Population:
    """People as the guard sees them, from how many share each combination of values (one
    shared respondent object per combination: they are identical)."""
    respondents: list[Respondent] = []
    for values, count in groups.items():
        respondents += [Respondent(attributes=dict(zip(names, values, strict=True)))] * count
    return Population.snapshot(
        respondents=respondents, domains={name: domains[name] for name in names}
    )


@dataclass(frozen=True)
class _Labels:
    """Each participant's place, as codes into the domains, in the engine's order."""

    constituency: npt.NDArray[np.int64]
    declared: npt.NDArray[np.int64]
    group: npt.NDArray[np.int64]
    channel: npt.NDArray[np.int64]
    career_stage: npt.NDArray[np.int64]


def _labels(analysis: Analysis, loaded: Loaded, groups: Sequence[str]) -> _Labels:
    result = analysis.result
    kinds = (*KINDS, OPEN)
    declared_values = (*KINDS, INVITED)
    channels = tuple(Channel.values)
    ids = result.participant_ids
    group_of = result.participant_group.tolist()
    group_index = {g: i for i, g in enumerate(groups)}
    return _Labels(
        constituency=np.asarray(
            [kinds.index(loaded.constituency_of.get(p, OPEN)) for p in ids], dtype=np.int64
        ),
        declared=np.asarray(
            [declared_values.index(loaded.declared_of.get(p, INVITED)) for p in ids],
            dtype=np.int64,
        ),
        group=np.asarray([group_index.get(str(g), len(groups)) for g in group_of], dtype=np.int64),
        channel=np.asarray(
            [channels.index(loaded.channel_of.get(p, Channel.WEB)) for p in ids], dtype=np.int64
        ),
        career_stage=np.asarray(
            [STAGES.index(loaded.stage_of.get(p, NOT_GIVEN)) for p in ids], dtype=np.int64
        ),
    )


def _combinations(
    *columns: tuple[npt.NDArray[np.int64], Sequence[str]],
) -> dict[tuple[str, ...], int]:
    """How many rows share each combination of the columns' values."""
    if not len(columns[0][0]):
        return {}
    stacked = np.vstack([codes for codes, _ in columns]).T
    found, counts = np.unique(stacked, axis=0, return_counts=True)
    return {
        tuple(values[code] for code, (_, values) in zip(row.tolist(), columns, strict=True)): int(n)
        for row, n in zip(found, counts, strict=True)
    }


def _table(table: Table, counts: Mapping[str, Sequence[int]] | None = None) -> dict[str, Any]:
    return {
        "total": _cell(table.total),
        "cells": [
            _cell(cell, counts.get(cell.key[0]) if counts is not None else None)
            for cell in table.cells
        ],
    }


def _participants(
    labels: _Labels, domains: dict[str, tuple[str, ...]], policy: Policy
) -> dict[str, Any]:
    combos = _combinations(
        (labels.constituency, domains["constituency"]),
        (labels.declared, domains["declared"]),
        (labels.group, domains["group"]),
        (labels.channel, domains["channel"]),
        (labels.career_stage, domains["career_stage"]),
    )
    names = ("constituency", "declared", "group", "channel", "career_stage")
    guard = DisclosureGuard(population=_population(combos, names, domains), policy=policy)
    return {
        "everyone": _cell(guard.table(Query.of()).total),
        "constituencies": _table(guard.table(Query.of(breakdown=["constituency"]))),
        "open_link": _table(
            guard.table(Query.of(breakdown=["declared"], filters={"constituency": OPEN}))
        ),
        "groups": _table(guard.table(Query.of(breakdown=["group"]))),
        "channels": _table(guard.table(Query.of(breakdown=["channel"]))),
        "career_stages": _table(guard.table(Query.of(breakdown=["career_stage"]))),
    }


def _statement(
    j: int,
    voters: npt.NDArray[np.int64],
    analysis: Analysis,
    labels: _Labels,
    domains: dict[str, tuple[str, ...]],
    policy: Policy,
    by_stage: Mapping[str, Sequence[int]],
) -> dict[str, Any]:
    """One statement's figures, each breakdown released by a guard over its voters."""
    s = analysis.result.statements[j]
    combos = _combinations(
        (labels.constituency[voters], domains["constituency"]),
        (labels.group[voters], domains["group"]),
        (labels.career_stage[voters], domains["career_stage"]),
    )
    guard = DisclosureGuard(
        population=_population(combos, ("constituency", "group", "career_stage"), domains),
        policy=policy,
    )
    total = guard.table(Query.of())
    by_kind: dict[str, Sequence[int]] = {
        kind: (c.agree, c.disagree, c.passes) for kind, c in s.by_constituency.items()
    }
    invited_sums = np.sum([list(v) for v in by_kind.values()] or [[0, 0, 0]], axis=0)
    by_kind[OPEN] = tuple(
        int(x) for x in np.asarray([s.agree, s.disagree, s.passes]) - invited_sums
    )
    for kind in KINDS:
        by_kind.setdefault(kind, (0, 0, 0))
    by_group = {str(g): (c.agree, c.disagree, c.passes) for g, c in s.by_group.items()}
    entry: dict[str, Any] = {
        **_cell(total.total, (s.agree, s.disagree, s.passes)),
        "votes": s.votes,
        "constituencies": _table(guard.table(Query.of(breakdown=["constituency"])), by_kind),
        "groups": _table(guard.table(Query.of(breakdown=["group"])), by_group),
        "career_stages": _table(guard.table(Query.of(breakdown=["career_stage"])), by_stage),
        "bridging": s.bridging,
    }
    shown = {c["key"] for c in entry["constituencies"]["cells"] if c["shown"]}
    voted = {kind for kind, counts in by_kind.items() if kind != OPEN and any(counts)}
    entry["balanced"] = (
        round(100 * s.balanced_support)
        if entry["shown"] and s.balanced_support is not None and voted <= shown
        else None
    )
    entry["common_ground"] = bool(s.common_ground) and entry["shown"] and voted <= shown
    return entry


def _required(loaded: Loaded) -> set[str]:
    """The constituencies common ground must hold in: the three invited ones always, and
    "other" when people are expected in it or came through it."""
    required = set(INVITED_VALUES)
    other_people = any(
        kind == OTHER and not pid.startswith(WRITER) for pid, kind in loaded.constituency_of.items()
    )
    if loaded.expected.get(OTHER, 0) > 0 or other_people:
        required.add(OTHER)
    return required


def _map(analysis: Analysis, labels: _Labels, groups: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Each shown group's members as points on a 0-100 square, and each group's centre."""
    xy = analysis.result.participant_xy
    shown = [i for i, g in enumerate(groups) if g["shown"]]
    keep = np.isin(labels.group, shown)
    if not keep.any():
        return {"groups": []}
    points = xy[keep]
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    # Half a unit of a 100-unit square: finer than a dot, and it bounds the drawing (people
    # who vote alike share a dot) however many people there are.
    scaled = np.round((xy - low) / span * MAP_SIZE * 2) / 2
    drawn = []
    for i in shown:
        members = scaled[labels.group == i]
        unique = np.unique(members, axis=0)
        centre = members.mean(axis=0)
        drawn.append(
            {
                "key": groups[i]["key"],
                "points": unique.tolist(),
                "centre": [round(float(centre[0]), 1), round(float(centre[1]), 1)],
            }
        )
    return {"groups": drawn}


def _rank(ids: Sequence[str], score: Mapping[str, float]) -> list[str]:
    return sorted(ids, key=lambda sid: (-score[sid], sid))


def release(*, analysis: Analysis, loaded: Loaded, policy: Policy) -> dict[str, Any]:
    """The snapshot's data: every figure the pages show, already through the guard."""
    result = analysis.result
    group_ids = [str(g.id) for g in result.groups]
    domains = {
        "constituency": (*KINDS, OPEN),
        "declared": (*KINDS, INVITED),
        "group": (*group_ids, NO_GROUP),
        "channel": tuple(Channel.values),
        "career_stage": STAGES,
    }
    labels = _labels(analysis, loaded, group_ids)
    participants = _participants(labels, domains, policy)
    stages = tally(matrix=analysis.matrix, labels=labels.career_stage, n_labels=len(STAGES))
    by_statement = analysis.matrix.values.tocsc()
    statements = {
        s.id: _statement(
            j,
            by_statement.indices[by_statement.indptr[j] : by_statement.indptr[j + 1]].astype(
                np.int64
            ),
            analysis,
            labels,
            domains,
            policy,
            {
                stage: (
                    int(stages.agree[i, j]),
                    int(stages.disagree[i, j]),
                    int(stages.passes[i, j]),
                )
                for i, stage in enumerate(STAGES)
            },
        )
        for j, s in enumerate(result.statements)
    }
    exact = {s.id: s for s in result.statements}
    shown = [sid for sid, s in statements.items() if s["shown"]]
    raw = {sid: exact[sid].agree / max(exact[sid].votes, 1) for sid in shown}
    balanced = {
        sid: float(exact[sid].balanced_support or 0.0)
        for sid in shown
        if statements[sid]["balanced"] is not None
    }
    required = _required(loaded)
    common = [
        sid
        for sid in result.common_ground
        if statements.get(sid, {}).get("common_ground")
        and all(
            statements[sid]["constituencies"]["cells"][KINDS.index(kind)].get("shown")
            for kind in required
        )
    ]
    for sid, entry in statements.items():
        entry["common_ground"] = sid in common
    bridging = {
        sid: statements[sid]["bridging"] for sid in shown if statements[sid]["bridging"] is not None
    }
    groups = participants["groups"]["cells"]
    return {
        "version": VERSION,
        "status": result.status,
        "minimum": policy.minimum,
        "note": policy.note,
        "participants": participants,
        "required": sorted(required, key=KINDS.index),
        "statements": statements,
        "raw_ranking": _rank(list(raw), raw),
        "balanced_ranking": _rank(list(balanced), balanced),
        "common_ground": common,
        "bridging": [sid for sid in _rank(list(bridging), bridging) if bridging[sid] > 0],
        "divides": _divides(result.divides, statements),
        "groups": [
            {
                **group,
                "representative": _representative(result.groups[i], statements)
                if group["shown"]
                else [],
            }
            for i, group in enumerate(groups[: len(group_ids)])
        ],
        "map": _map(analysis, labels, groups[: len(group_ids)]),
        "voice": _voice(result.voice_balance, participants["constituencies"]["cells"]),
    }


def _representative(group: Any, statements: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What a group stands for, where its votes on the statement are shown."""
    found = []
    for r in group.representative:
        cells = {c["key"]: c for c in statements[r.statement]["groups"]["cells"]}
        cell = cells.get(str(group.id))
        if statements[r.statement]["shown"] and cell is not None and cell["shown"]:
            share = cell["agree"] if r.direction == "agree" else cell["disagree"]
            found.append({"statement": r.statement, "direction": r.direction, "share": share})
    return found


def _divides(divides: Sequence[Any], statements: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Where constituencies disagree most, from shown constituencies only (a hidden one's
    agreement could otherwise be read off the spread)."""
    found = []
    for divide in divides:
        cells = {c["key"]: c for c in statements[divide.statement]["constituencies"]["cells"]}
        agreement = {
            kind: cells[kind]["agree"]
            for kind in divide.agreement
            if kind in cells and cells[kind]["shown"]
        }
        if len(agreement) >= 2:
            found.append(
                {
                    "statement": divide.statement,
                    "spread": max(agreement.values()) - min(agreement.values()),
                    "agreement": agreement,
                }
            )
    found.sort(key=lambda d: -d["spread"])  # stable: ties keep the engine's order
    return found


def _voice(shares: Sequence[Any], cells: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each constituency's share of participants, statements written, votes cast and
    agreement received; a constituency whose participants are hidden is hidden whole."""
    shown = {c["key"]: c for c in cells}
    rows = []
    for share in shares:
        key = OPEN if share.constituency == "unspecified" else share.constituency
        cell = shown.get(key)
        if cell is None or not cell["shown"]:
            rows.append({"key": key, "shown": False, "reason": cell["reason"] if cell else ""})
            continue
        rows.append(
            {
                "key": key,
                "shown": True,
                "participants": round(100 * share.participants_share),
                "statements": round(100 * share.statements_share),
                "votes": round(100 * share.votes_share),
                "agreement": round(100 * share.agreement_share),
            }
        )
    return rows


def _members(analysis: Analysis, data: Mapping[str, Any]) -> dict[str, list[int]]:
    """The voter ids in each opinion group the released ``data`` shows, by group key: what
    "where I stand" needs to set a person beside each group. A hidden group's people are
    left out, as its figures are."""
    result = analysis.result
    shown = [g["key"] for g in data.get("groups", []) if g["shown"]]
    if not shown:
        return {}
    ids = np.asarray(result.participant_ids, dtype=np.int64)
    return {key: ids[result.participant_group == int(key)].tolist() for key in shown}


@dataclass(frozen=True)
class Computed:
    """What a recompute stores: the released figures, each shown opinion group's voter ids,
    how many votes they come from, and the engine's priority for each statement, which only
    chooses the order statements are shown in and is never shown itself."""

    data: dict[str, Any]
    members: dict[str, list[int]]
    votes: int
    priorities: dict[str, float]


def compute(conversation: Conversation) -> Computed:
    """The snapshot's data and members, how many votes they were computed from, and the
    statements' priorities for the voting page."""
    policy = disclosure_policy(conversation.partnership)
    loaded = load(conversation)
    if not loaded.vote_count:
        forget(conversation.pk)
        return Computed(
            data={"version": VERSION, "status": "no_votes", "minimum": policy.minimum},
            members={},
            votes=0,
            priorities={},
        )
    analysis = analysis_of(
        conversation_id=conversation.pk, loaded=loaded, settings=engine_settings(policy)
    )
    data = release(analysis=analysis, loaded=loaded, policy=policy)
    return Computed(
        data=data,
        members=_members(analysis, data),
        votes=loaded.vote_count,
        priorities={s.id: s.priority for s in analysis.result.statements if s.priority is not None},
    )
