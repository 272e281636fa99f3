"""Votes.from_arrays: the columns of one database query straight into the engine."""

from __future__ import annotations

import json

import numpy as np
import pytest

from village.engines.opinions.engine import analyse
from village.engines.opinions.matrix import Votes, build_matrix
from village.engines.opinions.synthetic import generate


def test_same_analysis_as_from_records() -> None:
    conversation = generate(n_participants=300, n_statements=40, density=0.4, seed=5)
    records = conversation.votes.records()
    from_rows = Votes.from_records(records)
    from_columns = Votes.from_arrays(
        participant=np.asarray([int(p) for p, _, _ in records], dtype=np.int64),
        statement=np.asarray([s for _, s, _ in records]),
        value=np.asarray([v for _, _, v in records], dtype=np.int16),
    )
    assert from_columns.records() == records
    ours = json.loads(analyse(votes=from_columns, seed=0).result.to_json())
    theirs = json.loads(analyse(votes=from_rows, seed=0).result.to_json())
    assert ours["groups"] and ours.pop("timings") and theirs.pop("timings")
    assert ours == theirs


def test_timestamps_put_votes_in_the_order_cast() -> None:
    votes = Votes.from_arrays(
        participant=np.array(["a", "a", "b", "a"]),
        statement=np.array([1, 1, 1, 1]),
        value=np.array([1, -1, 0, 0]),
        timestamp=np.array([30, 10, 20, 10]),
    )
    # Ties keep the given order, so of the two votes at 10 the later row counts as later.
    assert votes.records() == [("a", "1", -1), ("a", "1", 0), ("b", "1", 0), ("a", "1", 1)]
    assert votes.timestamp is not None and votes.timestamp.tolist() == [10, 10, 20, 30]
    matrix = build_matrix(votes=votes)
    assert matrix.values.toarray().tolist() == [[1.0], [0.0]]


def test_latest_keeps_each_last_vote_in_the_order_cast() -> None:
    votes = Votes.from_arrays(
        participant=np.array(["a", "b", "a", "a", "b"]),
        statement=np.array([1, 1, 2, 1, 1]),
        value=np.array([1, 0, -1, -1, 1]),
        timestamp=np.array([10, 20, 30, 40, 50]),
    )
    latest = votes.latest()
    assert latest.records() == [("a", "2", -1), ("a", "1", -1), ("b", "1", 1)]
    assert latest.timestamp is not None and latest.timestamp.tolist() == [30, 40, 50]
    assert build_matrix(votes=latest).values.toarray().tolist() == (
        build_matrix(votes=votes).values.toarray().tolist()
    )
    assert len(Votes.from_records([]).latest()) == 0


def test_days_as_numpy_dates() -> None:
    days = np.array(["2026-03-02", "2026-03-01"], dtype="datetime64[D]")
    votes = Votes.from_arrays(participant=[7, 8], statement=[1, 1], value=[1, -1], timestamp=days)
    assert votes.records() == [("8", "1", -1), ("7", "1", 1)]
    assert votes.timestamp is not None
    assert votes.timestamp.tolist() == [1_772_323_200_000, 1_772_409_600_000]


def test_empty_columns() -> None:
    votes = Votes.from_arrays(participant=[], statement=[], value=np.array([], dtype=np.int8))
    assert len(votes) == 0
    assert analyse(votes=votes).result.status == "not_enough_votes"


@pytest.mark.parametrize(
    ("columns", "words"),
    [
        ({"participant": [1, 2], "statement": [1, 1], "value": [1, 2]}, "-1, 0 or 1"),
        ({"participant": [1, 2], "statement": [1, 1], "value": [1.0, 0.5]}, "whole numbers"),
        ({"participant": [1, 2], "statement": [1], "value": [1, 1]}, "same length"),
        ({"participant": ["a", None], "statement": [1, 1], "value": [1, 1]}, "missing"),
        (
            {"participant": [1, 2], "statement": [1, 1], "value": [1, 1], "timestamp": [1]},
            "one entry per vote",
        ),
    ],
)
def test_bad_columns_are_refused(columns: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        Votes.from_arrays(**columns)  # type: ignore[arg-type]
