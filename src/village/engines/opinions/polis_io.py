"""Read a Polis export folder (comments.csv, votes.csv, participants-votes.csv).

Every problem in a file (bad encoding, broken CSV, a missing column, a vote that is not
-1, 0 or 1) raises one exception type naming the file and line, so a caller can report
it in one line and write nothing. The files are read column by column (see polis_csv for
the library and why), so a file of millions of votes costs no Python work per vote.

Cells we wrote with a spreadsheet-safety apostrophe (village.exports) are read back as
they were before it, so an export we write and read again is the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow as pa

from village.engines.opinions.matrix import Votes
from village.engines.opinions.polis_csv import (
    BoolArray,
    PolisImportError,
    Table,
    not_whole,
    read_table,
    whole_numbers,
)
from village.exports import cell_value

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS_VOTES = "participants-votes.csv"
CONSTITUENCIES = "constituencies.csv"
MODERATED_OUT = -1
VOTE_VALUES = {"-1": -1, "0": 0, "1": 1}
NOT_A_VOTE = 2


@dataclass(frozen=True)
class PolisStatement:
    """One row of comments.csv; `moderated` is Polis's -1 out, 0 not yet, 1 accepted."""

    id: str
    text: str
    author: str | None = None
    moderated: int = 0
    timestamp: int | None = None


@dataclass(frozen=True, eq=False)
class PolisExport:
    """What the engine needs from an export, plus Polis's own groups when exported."""

    votes: Votes
    statements: tuple[PolisStatement, ...]
    polis_groups: dict[str, int | None] | None = None
    constituencies: dict[str, str] = field(default_factory=dict)

    @cached_property
    def moderated(self) -> frozenset[str]:
        return frozenset(s.id for s in self.statements if s.moderated == MODERATED_OUT)

    @cached_property
    def authors(self) -> dict[str, str]:
        return {s.id: s.author for s in self.statements if s.author}

    @cached_property
    def texts(self) -> dict[str, str]:
        return {s.id: s.text for s in self.statements}


def _identifiers(table: Table, name: str) -> tuple[pa.DictionaryArray, BoolArray]:
    """A column of ids, stripped and without spreadsheet-safety marks, worked out once per
    distinct id; and which rows have no id."""
    codes, texts = table.distinct(name)
    cleaned = [cell_value(text.strip()) for text in texts]
    distinct = list(dict.fromkeys(cleaned))
    if len(distinct) < len(cleaned):
        position = {text: i for i, text in enumerate(distinct)}
        codes = np.asarray([position[text] for text in cleaned], dtype=np.int32)[codes]
    empty = codes == distinct.index("") if "" in distinct else np.zeros(len(codes), dtype=bool)
    return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(distinct, pa.string())), empty


def _cells(table: Table, name: str) -> list[str]:
    return [cell_value(cell.strip()) for cell in table.columns[name].to_pylist()]


def _empty(cells: list[str]) -> BoolArray:
    return np.asarray([not cell for cell in cells], dtype=bool)


def read_votes(path: Path) -> Votes:
    """Votes in the order cast (by timestamp when exported, else file order)."""
    table = read_table(path, required=("comment-id", "voter-id", "vote"), optional=("timestamp",))
    codes, texts = table.distinct("vote")
    lookup = np.asarray([VOTE_VALUES.get(t.strip(), NOT_A_VOTE) for t in texts], dtype=np.int8)
    values = lookup[codes]
    voters, no_voter = _identifiers(table, "voter-id")
    statements, no_statement = _identifiers(table, "comment-id")
    checks = [(values == NOT_A_VOTE, lambda row: f"unknown vote value {table.cell('vote', row)!r}")]
    stamps = None
    if "timestamp" in table:
        whole = whole_numbers(table, "timestamp")
        checks.append((whole.bad | whole.blank, not_whole(table, "timestamp")))
        stamps = whole.values
    checks += [
        (no_voter, lambda _: "voter-id is empty"),
        (no_statement, lambda _: "comment-id is empty"),
    ]
    table.refuse(checks)
    return Votes.from_arrays(
        participant=voters, statement=statements, value=values, timestamp=stamps
    )


def read_comments(path: Path) -> tuple[PolisStatement, ...]:
    """The statements in file order; a repeated comment-id keeps its last row."""
    table = read_table(
        path,
        required=("comment-id", "author-id", "moderated", "comment-body"),
        optional=("timestamp",),
    )
    ids = _cells(table, "comment-id")
    moderated = whole_numbers(table, "moderated")
    table.refuse(
        [
            (_empty(ids), lambda _: "comment-id is empty"),
            (moderated.bad | moderated.blank, not_whole(table, "moderated")),
        ]
    )
    if "timestamp" in table:
        whole = whole_numbers(table, "timestamp")
        stamps = [
            None if unknown else value
            for value, unknown in zip(
                whole.values.tolist(), (whole.bad | whole.blank).tolist(), strict=True
            )
        ]
    else:
        stamps = [None] * len(ids)
    statements = {
        sid: PolisStatement(
            id=sid,
            text=cell_value(text),
            author=author or None,
            moderated=mod,
            timestamp=stamp,
        )
        for sid, author, mod, text, stamp in zip(
            ids,
            _cells(table, "author-id"),
            moderated.values.tolist(),
            table.columns["comment-body"].to_pylist(),
            stamps,
            strict=True,
        )
    }
    return tuple(statements.values())


def read_polis_groups(path: Path) -> dict[str, int | None]:
    """Polis's own group of each participant (None when Polis did not cluster them)."""
    table = read_table(path, required=("participant", "group-id"))
    people = _cells(table, "participant")
    group = whole_numbers(table, "group-id")
    table.refuse(
        [
            (_empty(people), lambda _: "participant is empty"),
            (group.bad, not_whole(table, "group-id")),
        ]
    )
    return {
        person: None if blank else value
        for person, value, blank in zip(
            people, group.values.tolist(), group.blank.tolist(), strict=True
        )
    }


def read_constituencies(path: Path) -> dict[str, str]:
    """participant -> constituency, from a two-column CSV with a header row."""
    table = read_table(path, required=("participant", "constituency"))
    people = _cells(table, "participant")
    names = _cells(table, "constituency")
    table.refuse(
        [
            (_empty(people), lambda _: "participant is empty"),
            (_empty(names), lambda _: "constituency is empty"),
        ]
    )
    return dict(zip(people, names, strict=True))


def read_export(directory: Path, *, constituencies: Path | None = None) -> PolisExport:
    """Read a whole export folder; constituencies.csv in it is used when present."""
    if not directory.is_dir():
        raise PolisImportError(directory, None, "not a directory")
    votes = read_votes(directory / VOTES)
    statements = read_comments(directory / COMMENTS)
    participants_votes = directory / PARTICIPANTS_VOTES
    polis_groups = read_polis_groups(participants_votes) if participants_votes.exists() else None
    default_constituencies = directory / CONSTITUENCIES
    if constituencies is None and default_constituencies.exists():
        constituencies = default_constituencies
    return PolisExport(
        votes=votes,
        statements=statements,
        polis_groups=polis_groups,
        constituencies=read_constituencies(constituencies) if constituencies else {},
    )
