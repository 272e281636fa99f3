"""Writing a Polis export: read, write, read again loses no statement, vote or group.

Data: Polis open data, CC BY 4.0, attribution to The Computational Democracy Project
(see tests/data/polis/ATTRIBUTION.md).
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from village.engines.opinions.engine import analyse
from village.engines.opinions.matrix import Votes
from village.engines.opinions.polis_io import PolisExport, PolisStatement, read_export
from village.engines.opinions.polis_write import write_export

from .conftest import CONVERSATIONS


def _same(first: PolisExport, second: PolisExport) -> None:
    assert second.statements == first.statements
    assert second.votes.records() == first.votes.records()
    if first.votes.timestamp is None:
        assert second.votes.timestamp is None
    else:
        assert second.votes.timestamp is not None
        assert second.votes.timestamp.tolist() == first.votes.timestamp.tolist()
    if first.polis_groups is None:  # participants-votes.csv is always written
        assert second.polis_groups is not None
        assert set(second.polis_groups.values()) <= {None}
    else:
        assert second.polis_groups == first.polis_groups
    assert second.constituencies == first.constituencies


def _by_participant(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return {row["participant"]: row for row in csv.DictReader(file)}


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_real_exports_round_trip(polis_data: Path, tmp_path: Path, name: str) -> None:
    original = read_export(polis_data / name)
    write_export(original, tmp_path)
    again = read_export(tmp_path)
    _same(original, again)
    assert len(again.votes) > 5000 and again.moderated == original.moderated
    # participants-votes.csv is rebuilt from the votes and matches Polis's own, cell by cell.
    assert _by_participant(tmp_path / "participants-votes.csv") == _by_participant(
        polis_data / name / "participants-votes.csv"
    )
    before = json.loads(
        analyse(votes=original.votes, moderated=original.moderated).result.to_json()
    )
    after = json.loads(analyse(votes=again.votes, moderated=again.moderated).result.to_json())
    before.pop("timings"), after.pop("timings")
    assert after == before


HOSTILE = (
    '=HYPERLINK("http://evil", "click")',
    "'=already marked",
    "+44 7700 900000",
    "-minus",
    "@SUM(A1:A9)",
    "\tTab first",
    "line one\nline two\r\nline three",
    'a "quote", and a comma',
    "<script>alert('x')</script>",
    "Robert'); DROP TABLE statements;--",
    "  leading and trailing spaces  ",
    "",
    "caf\u00e9 \u2603 \U0001f600",
)


def _hostile_export() -> PolisExport:
    statements = tuple(
        PolisStatement(
            id=sid,
            text=text,
            author=("-7" if i % 2 else None),
            moderated=(-1, 0, 1)[i % 3],
            timestamp=(None if i % 4 == 0 else 1_700_000_000_000 + i),
        )
        for i, (sid, text) in enumerate(
            zip(
                [f"s{i}" for i in range(len(HOSTILE) - 3)] + ["participant", "group-id", "=1+1"],
                HOSTILE,
                strict=True,
            )
        )
    )
    ids = [s.id for s in statements]
    people = ["-7", "@me", "3", "'=x", "p,q"]
    records = [(p, s, (i % 3) - 1) for i, (p, s) in enumerate((p, s) for p in people for s in ids)]
    records.append(("3", ids[0], 1))  # a changed vote stays in the history
    return PolisExport(
        votes=Votes.from_records(records),
        statements=statements,
        polis_groups={"-7": 0, "@me": 1, "3": None, "'=x": 0, "p,q": 1},
        constituencies={"-7": "family", "@me": "=manager", "3": "practitioner"},
    )


def test_hostile_text_and_ids_round_trip_and_cannot_run_as_formulas(tmp_path: Path) -> None:
    export = _hostile_export()
    write_export(export, tmp_path)
    _same(export, read_export(tmp_path))
    for name in ("comments.csv", "votes.csv", "participants-votes.csv", "constituencies.csv"):
        with (tmp_path / name).open(encoding="utf-8", newline="") as file:
            cells = [cell for row in csv.reader(file) for cell in row]
        risky = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
        assert not risky, (name, risky)
        assert not [c for c in cells if c.startswith("-") and c not in ("-1",)], name
    assert not list(tmp_path.glob("*.partial"))


def test_votes_without_timestamps(tmp_path: Path) -> None:
    votes = Votes.from_records([("1", "a", 1), ("2", "a", -1), ("1", "a", 0)])
    export = PolisExport(votes=votes, statements=(PolisStatement(id="a", text="A"),))
    write_export(export, tmp_path)
    header = (tmp_path / "votes.csv").read_text().splitlines()[0]
    assert header == "comment-id,voter-id,vote"
    _same(export, read_export(tmp_path))


def test_statements_nobody_voted_on(tmp_path: Path) -> None:
    statements = (PolisStatement(id="1", text="One"), PolisStatement(id="2", text="Two"))
    export = PolisExport(votes=Votes.from_records([]), statements=statements)
    write_export(export, tmp_path)
    _same(export, read_export(tmp_path))
    rows = (tmp_path / "comments.csv").read_text().splitlines()
    assert [row.split(",")[4:6] for row in rows[1:]] == [["0", "0"], ["0", "0"]]


def test_writing_replaces_an_older_export(polis_data: Path, tmp_path: Path) -> None:
    write_export(read_export(polis_data / "vtaiwan.uberx"), tmp_path)
    small = read_export(polis_data / "brexit-consensus")
    write_export(small, tmp_path)
    _same(small, read_export(tmp_path))


def test_a_failed_write_leaves_no_files_behind(
    polis_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from village.engines.opinions import polis_write

    written: list[Path] = []

    def full_disk(table: object, path: Path) -> None:
        if written:
            raise OSError(28, "No space left on device")
        path.write_text("part")
        written.append(path)

    monkeypatch.setattr(polis_write, "_write", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_export(read_export(polis_data / "brexit-consensus"), tmp_path)
    assert written and not list(tmp_path.iterdir())


def test_timestamps_written_with_polis_readable_times(tmp_path: Path) -> None:
    votes = Votes.from_arrays(
        participant=[1], statement=[2], value=[1], timestamp=np.array([1_500_232_652_930])
    )
    write_export(PolisExport(votes=votes, statements=()), tmp_path)
    lines = (tmp_path / "votes.csv").read_text().splitlines()
    assert lines == [
        "timestamp,datetime,comment-id,voter-id,vote",
        "1500232652930,Sun Jul 16 19:17:32 UTC 2017,2,1,1",
    ]


def test_readable_times_match_python_for_any_moment(tmp_path: Path) -> None:
    stamps = np.random.default_rng(4).integers(-(10**12), 4 * 10**12, size=2_000)
    votes = Votes.from_arrays(
        participant=np.arange(len(stamps)),
        statement=np.zeros(len(stamps)),
        value=np.ones(len(stamps), dtype=np.int8),
        timestamp=stamps,
    )
    write_export(PolisExport(votes=votes, statements=()), tmp_path)
    with (tmp_path / "votes.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    expected = [
        datetime.fromtimestamp(int(row["timestamp"]) // 1000, tz=UTC).strftime(
            "%a %b %d %H:%M:%S UTC %Y"
        )
        for row in rows
    ]
    assert [row["datetime"] for row in rows] == expected
