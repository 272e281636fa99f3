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
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from village.engines.opinions.matrix import Votes
from village.engines.opinions.polis_csv import (
    PolisImportError,
    Table,
    empty_cells,
    integers,
    integers_or_none,
    non_integers,
    read_table,
)
from village.exports import cell_value

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS_VOTES = "participants-votes.csv"
CONSTITUENCIES = "constituencies.csv"
MODERATED_OUT = -1
VOTE_TEXTS = pa.array(["-1", "0", "1"])


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

    @property
    def moderated(self) -> frozenset[str]:
        return frozenset(s.id for s in self.statements if s.moderated == MODERATED_OUT)

    @property
    def authors(self) -> dict[str, str]:
        return {s.id: s.author for s in self.statements if s.author}

    @property
    def texts(self) -> dict[str, str]:
        return {s.id: s.text for s in self.statements}


def _ids(column: pa.StringArray) -> pa.StringArray:
    """Stripped ids with any spreadsheet-safety apostrophe removed (work per distinct id)."""
    if not pc.any(pc.starts_with(column, "'")).as_py():
        return column
    encoded = pc.dictionary_encode(column)
    plain = pa.array([cell_value(i) for i in encoded.dictionary.to_pylist()], pa.string())
    return plain.take(encoded.indices)


def read_votes(path: Path) -> Votes:
    """Votes in the order cast (by timestamp when exported, else file order)."""
    table = read_table(path, required=("comment-id", "voter-id", "vote"), optional=("timestamp",))
    vote = table.stripped("vote")
    checks = [
        (
            pc.invert(pc.is_in(vote, value_set=VOTE_TEXTS)),
            lambda row: f"unknown vote value {table.cell('vote', row)!r}",
        )
    ]
    if "timestamp" in table:
        checks.append(non_integers(table, "timestamp"))
    checks += [empty_cells(table, "voter-id"), empty_cells(table, "comment-id")]
    table.refuse(checks)
    return Votes.from_arrays(
        participant=_ids(table.stripped("voter-id")),
        statement=_ids(table.stripped("comment-id")),
        value=np.asarray(pc.cast(vote, pa.int8()).to_numpy(), dtype=np.int8),
        timestamp=integers(table, "timestamp") if "timestamp" in table else None,
    )


def _cells(table: Table, name: str) -> list[str]:
    return [cell_value(c) for c in table.stripped(name).to_pylist()]


def read_comments(path: Path) -> tuple[PolisStatement, ...]:
    """The statements in file order; a repeated comment-id keeps its last row."""
    table = read_table(
        path,
        required=("comment-id", "author-id", "moderated", "comment-body"),
        optional=("timestamp",),
    )
    table.refuse([empty_cells(table, "comment-id"), non_integers(table, "moderated")])
    statements = {
        sid: PolisStatement(
            id=sid,
            text=cell_value(text),
            author=author or None,
            moderated=int(moderated),
            timestamp=stamp,
        )
        for sid, author, moderated, text, stamp in zip(
            _cells(table, "comment-id"),
            _cells(table, "author-id"),
            integers(table, "moderated").tolist(),
            table.columns["comment-body"].to_pylist(),
            integers_or_none(table, "timestamp"),
            strict=True,
        )
    }
    return tuple(statements.values())


def read_polis_groups(path: Path) -> dict[str, int | None]:
    """Polis's own group of each participant (None when Polis did not cluster them)."""
    table = read_table(path, required=("participant", "group-id"))
    table.refuse(
        [empty_cells(table, "participant"), non_integers(table, "group-id", blank_ok=True)]
    )
    return {
        participant: int(group) if group else None
        for participant, group in zip(
            _cells(table, "participant"), table.stripped("group-id").to_pylist(), strict=True
        )
    }


def read_constituencies(path: Path) -> dict[str, str]:
    """participant -> constituency, from a two-column CSV with a header row."""
    table = read_table(path, required=("participant", "constituency"))
    table.refuse([empty_cells(table, "participant"), empty_cells(table, "constituency")])
    return dict(zip(_cells(table, "participant"), _cells(table, "constituency"), strict=True))


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
