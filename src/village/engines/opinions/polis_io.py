"""Read a Polis export folder (comments.csv, votes.csv, participants-votes.csv).

Every problem in a file (bad encoding, broken CSV, a missing column, a vote that is not
-1, 0 or 1) raises one exception type naming the file and line, so a caller can report
it in one line and write nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from village.engines.opinions.matrix import Votes

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS_VOTES = "participants-votes.csv"
CONSTITUENCIES = "constituencies.csv"
MODERATED_OUT = -1


class PolisImportError(ValueError):
    """A Polis export file could not be read; says which file and which line."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}, line {line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True, eq=False)
class PolisExport:
    """What the engine needs from an export, plus Polis's own groups when exported."""

    votes: Votes
    moderated: frozenset[str]
    authors: dict[str, str]
    texts: dict[str, str]
    polis_groups: dict[str, int | None] | None = None
    constituencies: dict[str, str] = field(default_factory=dict)


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PolisImportError(path, None, f"cannot read file ({error.strerror})") from error
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise PolisImportError(path, line, "not valid UTF-8 text") from error


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; checks the header and that every row has every column."""
    reader = csv.reader(io.StringIO(_decode(path), newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise PolisImportError(path, 1, "file is empty (no header row)")
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            raise PolisImportError(path, 1, f"missing column(s): {', '.join(missing)}")
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                raise PolisImportError(
                    path,
                    reader.line_num,
                    f"expected {len(header)} fields, found {len(row)}",
                )
            yield reader.line_num, dict(zip(header, row, strict=True))
    except csv.Error as error:
        raise PolisImportError(path, reader.line_num, f"malformed CSV ({error})") from error


def _integer(path: Path, line: int, column: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise PolisImportError(path, line, f"{column} {text!r} is not an integer") from None


def _identifier(path: Path, line: int, column: str, text: str) -> str:
    value = text.strip()
    if not value:
        raise PolisImportError(path, line, f"{column} is empty")
    return value


def read_votes(path: Path) -> Votes:
    """Votes in the order cast (by timestamp when exported, else file order)."""
    stamped: list[tuple[int, int, str, str, int]] = []
    for line, row in _rows(path, ("comment-id", "voter-id", "vote")):
        text = row["vote"].strip()
        if text not in {"-1", "0", "1"}:
            raise PolisImportError(path, line, f"unknown vote value {row['vote']!r}")
        stamp = row.get("timestamp")
        stamped.append(
            (
                _integer(path, line, "timestamp", stamp) if stamp is not None else 0,
                line,
                _identifier(path, line, "voter-id", row["voter-id"]),
                _identifier(path, line, "comment-id", row["comment-id"]),
                int(text),
            )
        )
    stamped.sort(key=lambda v: (v[0], v[1]))
    return Votes.from_records((p, s, v) for _, _, p, s, v in stamped)


def read_comments(path: Path) -> tuple[frozenset[str], dict[str, str], dict[str, str]]:
    """Moderated-out statement ids, statement authors and statement texts."""
    moderated: set[str] = set()
    authors: dict[str, str] = {}
    texts: dict[str, str] = {}
    for line, row in _rows(path, ("comment-id", "author-id", "moderated", "comment-body")):
        statement = _identifier(path, line, "comment-id", row["comment-id"])
        if _integer(path, line, "moderated", row["moderated"]) == MODERATED_OUT:
            moderated.add(statement)
        author = row["author-id"].strip()
        if author:
            authors[statement] = author
        texts[statement] = row["comment-body"]
    return frozenset(moderated), authors, texts


def read_polis_groups(path: Path) -> dict[str, int | None]:
    """Polis's own group of each participant (None when Polis did not cluster them)."""
    groups: dict[str, int | None] = {}
    for line, row in _rows(path, ("participant", "group-id")):
        participant = _identifier(path, line, "participant", row["participant"])
        text = row["group-id"].strip()
        groups[participant] = _integer(path, line, "group-id", text) if text else None
    return groups


def read_constituencies(path: Path) -> dict[str, str]:
    """participant -> constituency, from a two-column CSV with a header row."""
    found: dict[str, str] = {}
    for line, row in _rows(path, ("participant", "constituency")):
        participant = _identifier(path, line, "participant", row["participant"])
        found[participant] = _identifier(path, line, "constituency", row["constituency"])
    return found


def read_export(directory: Path, *, constituencies: Path | None = None) -> PolisExport:
    """Read a whole export folder; constituencies.csv in it is used when present."""
    if not directory.is_dir():
        raise PolisImportError(directory, None, "not a directory")
    votes = read_votes(directory / VOTES)
    moderated, authors, texts = read_comments(directory / COMMENTS)
    participants_votes = directory / PARTICIPANTS_VOTES
    polis_groups = read_polis_groups(participants_votes) if participants_votes.exists() else None
    default_constituencies = directory / CONSTITUENCIES
    if constituencies is None and default_constituencies.exists():
        constituencies = default_constituencies
    return PolisExport(
        votes=votes,
        moderated=moderated,
        authors=authors,
        texts=texts,
        polis_groups=polis_groups,
        constituencies=read_constituencies(constituencies) if constituencies else {},
    )
