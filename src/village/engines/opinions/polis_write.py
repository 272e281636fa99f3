"""Write a Polis export folder: comments.csv, votes.csv and participants-votes.csv.

The files have Polis's own columns, so Polis tools read what we write, and `read_export`
reads back every statement, vote, timestamp and group unchanged (constituencies.csv, our
addition, too). Ids and text pass through the project's spreadsheet-safety rule
(village.exports.safe_cell), applied once per distinct id, never per vote; numbers stay
numbers. Columns are built as whole arrays and written with pyarrow's CSV writer (see
polis_csv for why pyarrow). Files are written beside their final names and renamed at the
end (a failure removes them), so a failure never leaves a half-written export.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from village.engines.opinions.matrix import VoteMatrix, build_matrix, canonical_order
from village.engines.opinions.polis_io import (
    COMMENTS,
    CONSTITUENCIES,
    PARTICIPANTS_VOTES,
    VOTES,
    PolisExport,
)
from village.exports import safe_cell

NO_VOTE = np.int8(2)
EPOCH = datetime(1970, 1, 1)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TWO_DIGITS = pa.array([f"{n:02d}" for n in range(60)])
PARTIAL = ".partial"


def _texts(values: Iterable[str | None]) -> pa.StringArray:
    return pa.array([None if v is None else safe_cell(v) for v in values], pa.string())


def _datetimes(milliseconds: pa.Int64Array) -> pa.StringArray:
    """Polis's readable time beside each timestamp, in UTC: "Sun Jul 16 19:17:32 UTC 2017".

    Put together from small tables of days, hours, minutes and seconds: Arrow's strftime
    takes seconds per million times, this a fraction of one.
    """
    known = pc.is_valid(milliseconds).to_numpy(zero_copy_only=False)
    stamps = np.asarray(milliseconds.fill_null(0).to_numpy(), dtype=np.int64)
    days, in_day = np.divmod(stamps // 1000, 86_400)
    coded = pc.dictionary_encode(pa.array(days))
    dates = [EPOCH + timedelta(days=int(day)) for day in coded.dictionary.to_pylist()]
    day_part = pa.array(
        [f"{WEEKDAYS[d.weekday()]} {MONTHS[d.month - 1]} {d.day:02d} " for d in dates],
        pa.string(),
    )
    year_part = pa.array([f" UTC {d.year}" for d in dates], pa.string())
    hours, rest = np.divmod(in_day, 3_600)
    minutes, seconds = np.divmod(rest, 60)
    time_part = pc.binary_join_element_wise(
        TWO_DIGITS.take(hours), TWO_DIGITS.take(minutes), TWO_DIGITS.take(seconds), ":"
    )
    joined = pc.binary_join_element_wise(
        day_part.take(coded.indices), time_part, year_part.take(coded.indices), ""
    )
    return pc.if_else(pa.array(known), joined, pa.scalar(None, pa.string()))


def _votes_table(export: PolisExport) -> pa.Table:
    votes = export.votes
    columns: dict[str, pa.Array] = {}
    if votes.timestamp is not None:
        stamps = pa.array(votes.timestamp, pa.int64())
        columns["timestamp"] = stamps
        columns["datetime"] = _datetimes(stamps)
    columns["comment-id"] = _texts(votes.statement_ids).take(pa.array(votes.statement))
    columns["voter-id"] = _texts(votes.participant_ids).take(pa.array(votes.participant))
    columns["vote"] = pa.array(votes.value, pa.int8())
    return pa.table(columns)


def _comments_table(export: PolisExport, latest: VoteMatrix) -> pa.Table:
    agree, disagree, _ = latest.statement_counts()
    column = {sid: j for j, sid in enumerate(latest.statement_ids)}
    where = np.asarray([column.get(s.id, -1) for s in export.statements], dtype=np.int64)
    voted = where >= 0
    agrees, disagrees = np.zeros(len(where), np.int64), np.zeros(len(where), np.int64)
    agrees[voted], disagrees[voted] = agree[where[voted]], disagree[where[voted]]
    stamps = pa.array([s.timestamp for s in export.statements], pa.int64())
    return pa.table(
        {
            "timestamp": stamps,
            "datetime": _datetimes(stamps),
            "comment-id": _texts(s.id for s in export.statements),
            "author-id": _texts(s.author or "" for s in export.statements),
            "agrees": pa.array(agrees, pa.int64()),
            "disagrees": pa.array(disagrees, pa.int64()),
            "moderated": pa.array([s.moderated for s in export.statements], pa.int64()),
            "comment-body": _texts(s.text for s in export.statements),
        }
    )


def _positions(ids: Sequence[str], order: Sequence[str]) -> npt.NDArray[np.int64]:
    index = {i: n for n, i in enumerate(order)}
    return np.asarray([index[i] for i in ids], dtype=np.int64)


def _participants_table(export: PolisExport, latest: VoteMatrix) -> pa.Table:
    """One row per participant: Polis's group, counts, then the latest vote per statement."""
    groups = export.polis_groups or {}
    authors = export.authors
    people = canonical_order([*latest.participant_ids, *authors.values(), *groups])
    statements = canonical_order([*(s.id for s in export.statements), *latest.statement_ids])
    grid = np.full((len(people), len(statements)), NO_VOTE, dtype=np.int8, order="F")
    values = latest.values.tocoo()
    rows = _positions(latest.participant_ids, people)
    cols = _positions(latest.statement_ids, statements)
    grid[rows[values.row], cols[values.col]] = values.data.astype(np.int8)
    written = np.bincount(_positions(list(authors.values()), people), minlength=len(people))
    names = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
    columns = [
        _texts(people),
        pa.array([groups.get(p) for p in people], pa.int64()),
        pa.array(written, pa.int64()),
        pa.array((grid != NO_VOTE).sum(axis=1), pa.int64()),
        pa.array((grid == 1).sum(axis=1), pa.int64()),
        pa.array((grid == -1).sum(axis=1), pa.int64()),
    ]
    # A statement column is named by its id, whatever the id (so built as a list, not a dict).
    for j, name in enumerate(_texts(statements).to_pylist()):
        names.append(name)
        columns.append(pa.array(grid[:, j], pa.int8(), mask=grid[:, j] == NO_VOTE))
    return pa.Table.from_arrays(columns, names=names)


def _constituencies_table(export: PolisExport) -> pa.Table:
    people = canonical_order(export.constituencies)
    return pa.table(
        {
            "participant": _texts(people),
            "constituency": _texts(export.constituencies[p] for p in people),
        }
    )


def _write(table: pa.Table, path: Path) -> None:
    """Unquoted like Polis's files, unless a cell holds a comma, quote or line break."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(table.column_names)
    with path.open("wb") as file:
        start = file.write(header.getvalue().encode("utf-8"))
        try:
            pa_csv.write_csv(
                table, file, pa_csv.WriteOptions(include_header=False, quoting_style="none")
            )
        except pa.ArrowInvalid:  # some cell needs quotes
            file.seek(start)
            file.truncate()
            pa_csv.write_csv(
                table, file, pa_csv.WriteOptions(include_header=False, quoting_style="needed")
            )


def write_export(export: PolisExport, directory: Path) -> None:
    """Write the export into `directory` (created if needed), replacing those files."""
    directory.mkdir(parents=True, exist_ok=True)
    latest = build_matrix(votes=export.votes)
    tables = {
        COMMENTS: _comments_table(export, latest),
        VOTES: _votes_table(export),
        PARTICIPANTS_VOTES: _participants_table(export, latest),
    }
    if export.constituencies:
        tables[CONSTITUENCIES] = _constituencies_table(export)
    try:
        for name, table in tables.items():
            _write(table, directory / (name + PARTIAL))
    except BaseException:
        for name in tables:
            (directory / (name + PARTIAL)).unlink(missing_ok=True)
        raise
    for name in tables:
        os.replace(directory / (name + PARTIAL), directory / name)
