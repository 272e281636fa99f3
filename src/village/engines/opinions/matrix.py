"""Votes in, one sparse participant x statement matrix out.

Votes arrive as parallel arrays (a 10-million-vote conversation would need gigabytes as
Python tuples). Ids are kept as strings in a canonical order (numeric when every id is an
integer, otherwise lexical) so the input order of participants and statements never
affects a result.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse


def _id_sort_key(ids: Sequence[str]) -> list[tuple[int, str]]:
    try:
        return [(int(i), "") for i in ids]
    except ValueError:
        return [(0, i) for i in ids]


def canonical_order(ids: Iterable[str]) -> list[str]:
    """Unique ids sorted numerically when all are integers, else as strings."""
    unique = list(dict.fromkeys(ids))
    keys = _id_sort_key(unique)
    return [i for _, i in sorted(zip(keys, unique, strict=True))]


MS_PER_UNIT = {"W": 604_800_000, "D": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1_000, "ms": 1}


def _factorise(ids: npt.ArrayLike | pa.Array) -> tuple[npt.NDArray[np.int32], tuple[str, ...]]:
    """Integer codes and the distinct ids as strings, by hashing (no sort, no loop per id).

    A dictionary array is taken as already coded; its dictionary must not repeat an id.
    """
    column = ids if isinstance(ids, pa.Array) else pa.array(np.asarray(ids))
    if column.null_count:
        raise ValueError("ids must not be missing")
    encoded = column if isinstance(column, pa.DictionaryArray) else pc.dictionary_encode(column)
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    return codes, tuple(str(i) for i in encoded.dictionary.to_pylist())


def _milliseconds(timestamp: npt.ArrayLike) -> npt.NDArray[np.int64]:
    stamps = np.asarray(timestamp)
    if stamps.dtype.kind == "M":
        unit, count = np.datetime_data(stamps.dtype)
        if unit in MS_PER_UNIT:  # a multiplication, much quicker than numpy's unit change
            return stamps.view(np.int64) * (MS_PER_UNIT[unit] * count)
        return stamps.astype("datetime64[ms]").astype(np.int64)
    return stamps.astype(np.int64, casting="same_kind", copy=False)


@dataclass(frozen=True, eq=False)
class Votes:
    """A sequence of votes; a later vote by the same participant on a statement wins.

    `participant` and `statement` are integer codes into `participant_ids` and
    `statement_ids`; `value` is +1 agree, -1 disagree, 0 pass; `timestamp`, when known, is
    when each vote was cast, in milliseconds since 1970 (Polis's unit).
    """

    participant_ids: tuple[str, ...]
    statement_ids: tuple[str, ...]
    participant: npt.NDArray[np.int32]
    statement: npt.NDArray[np.int32]
    value: npt.NDArray[np.int8]
    timestamp: npt.NDArray[np.int64] | None = None

    def __post_init__(self) -> None:
        n = len(self.value)
        if len(self.participant) != n or len(self.statement) != n:
            raise ValueError("participant, statement and value must have the same length")
        if self.timestamp is not None and len(self.timestamp) != n:
            raise ValueError("timestamp must have one entry per vote")
        if n and not ((self.value >= -1) & (self.value <= 1)).all():
            raise ValueError("votes must be -1, 0 or 1")

    def __len__(self) -> int:
        return len(self.value)

    @classmethod
    def from_records(cls, records: Iterable[tuple[object, object, int]]) -> Votes:
        """Build from (participant id, statement id, vote) tuples, in the order cast."""
        p_codes: dict[str, int] = {}
        s_codes: dict[str, int] = {}
        ps: list[int] = []
        ss: list[int] = []
        vs: list[int] = []
        for participant, statement, value in records:
            ps.append(p_codes.setdefault(str(participant), len(p_codes)))
            ss.append(s_codes.setdefault(str(statement), len(s_codes)))
            vs.append(int(value))
        return cls(
            participant_ids=tuple(p_codes),
            statement_ids=tuple(s_codes),
            participant=np.asarray(ps, dtype=np.int32),
            statement=np.asarray(ss, dtype=np.int32),
            value=np.asarray(vs, dtype=np.int8),
        )

    @classmethod
    def from_arrays(
        cls,
        *,
        participant: npt.ArrayLike | pa.Array,
        statement: npt.ArrayLike | pa.Array,
        value: npt.ArrayLike,
        timestamp: npt.ArrayLike | None = None,
    ) -> Votes:
        """Votes from parallel columns, such as one database query returns.

        Ids may be integers or strings; integers (a pseudonym's row id, say) keep a large
        conversation small, as a string id costs its length in every vote. Without
        timestamps the given order is the order cast; with them (milliseconds since 1970,
        or numpy datetimes) the votes are put in time order, votes cast at the same time
        keeping their given order.
        """
        values = np.asarray(value)
        if values.ndim != 1 or (len(values) and values.dtype.kind not in "iu"):
            raise ValueError("votes must be a column of whole numbers")
        if len(values) and not ((values >= -1) & (values <= 1)).all():
            raise ValueError("votes must be -1, 0 or 1")
        p_codes, p_ids = _factorise(participant)
        s_codes, s_ids = _factorise(statement)
        stamps = None if timestamp is None else _milliseconds(timestamp)
        if stamps is not None and len(stamps) == len(values) and (stamps[1:] < stamps[:-1]).any():
            order = np.argsort(stamps, kind="stable")
            p_codes, s_codes, values, stamps = (
                p_codes[order],
                s_codes[order],
                values[order],
                stamps[order],
            )
        return cls(
            participant_ids=p_ids,
            statement_ids=s_ids,
            participant=p_codes,
            statement=s_codes,
            value=values.astype(np.int8, copy=False),
            timestamp=stamps,
        )

    def latest(self) -> Votes:
        """Each participant's last vote on each statement (a changed vote replaces the
        earlier one), in the order cast, with the same ids and their timestamps."""
        keys = self.participant.astype(np.int64) * max(len(self.statement_ids), 1)
        keep = _latest_only(keys + self.statement)
        return Votes(
            participant_ids=self.participant_ids,
            statement_ids=self.statement_ids,
            participant=self.participant[keep],
            statement=self.statement[keep],
            value=self.value[keep],
            timestamp=None if self.timestamp is None else self.timestamp[keep],
        )

    def records(self) -> list[tuple[str, str, int]]:
        """The votes as (participant id, statement id, vote) tuples, in order."""
        return [
            (self.participant_ids[p], self.statement_ids[s], int(v))
            for p, s, v in zip(self.participant, self.statement, self.value, strict=True)
        ]


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Latest vote of each participant on each active statement, in canonical id order.

    `values` holds the votes as stored entries (a pass is an explicit 0.0, so `values.nnz`
    counts every vote cast); `excluded` lists moderated-out statements that had votes.
    """

    participant_ids: tuple[str, ...]
    statement_ids: tuple[str, ...]
    values: sparse.csr_matrix
    excluded: frozenset[str]

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.participant_ids), len(self.statement_ids))

    def statement_counts(self) -> tuple[npt.NDArray[np.int64], ...]:
        """Agree, disagree and pass counts per statement."""
        data = self.values.data
        cols = self.values.indices
        n = len(self.statement_ids)
        total = np.bincount(cols, minlength=n)
        # Votes are -1, 0 or 1: their sum is agrees minus disagrees, their squares' sum
        # agrees plus disagrees (two passes, no per-value masks).
        signed = np.bincount(cols, weights=data, minlength=n)
        decided = np.bincount(cols, weights=data * data, minlength=n)
        agree = np.rint((decided + signed) / 2).astype(np.int64)
        disagree = np.rint((decided - signed) / 2).astype(np.int64)
        return agree, disagree, total - agree - disagree

    def participant_vote_counts(self) -> npt.NDArray[np.int64]:
        return np.diff(self.values.indptr).astype(np.int64)


def _latest_only(keys: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Positions of the last occurrence of each key (stable sort keeps arrival order)."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    last = np.ones(len(keys), dtype=bool)
    last[:-1] = sorted_keys[1:] != sorted_keys[:-1]
    return np.sort(order[last])


def _to_csr(
    rows: npt.NDArray[np.int32],
    cols: npt.NDArray[np.int32],
    data: npt.NDArray[np.float64],
    shape: tuple[int, int],
) -> sparse.csr_matrix:
    """CSR with the given entries; passes stay as explicit zeros so nnz counts every vote.

    Returns a matrix with fewer entries than given when (row, col) pairs repeat.
    """
    return sparse.csr_matrix((data, (rows, cols)), shape=shape)


def build_matrix(*, votes: Votes, moderated: Collection[str] = ()) -> VoteMatrix:
    """Keep each participant's latest vote per statement and drop moderated statements."""
    moderated_set = {str(m) for m in moderated}
    p_order = canonical_order(votes.participant_ids)
    s_order = [s for s in canonical_order(votes.statement_ids) if s not in moderated_set]
    p_rank = {pid: i for i, pid in enumerate(p_order)}
    s_rank = {sid: i for i, sid in enumerate(s_order)}
    # int32 positions are what scipy stores, so it need not convert ten million of them.
    p_map = np.asarray([p_rank[p] for p in votes.participant_ids], dtype=np.int32)
    s_map = np.asarray([s_rank.get(s, -1) for s in votes.statement_ids], dtype=np.int32)

    rows = p_map[votes.participant] if len(votes) else np.zeros(0, dtype=np.int32)
    cols = s_map[votes.statement] if len(votes) else np.zeros(0, dtype=np.int32)
    data = votes.value.astype(np.float64)
    active = cols >= 0
    if not active.all():
        rows, cols, data = rows[active], cols[active], data[active]
    shape = (len(p_order), len(s_order))
    values = _to_csr(rows, cols, data, shape)
    if values.nnz < len(data):
        keep = _latest_only(rows.astype(np.int64) * max(len(s_order), 1) + cols)
        rows, cols, data = rows[keep], cols[keep], data[keep]
        values = _to_csr(rows, cols, data, shape)

    voted = np.diff(values.indptr) > 0
    if not voted.all():
        # Participants whose only votes were on moderated statements are not in the results.
        values = values[voted]
        p_order = [p for p, v in zip(p_order, voted, strict=True) if v]

    return VoteMatrix(
        participant_ids=tuple(p_order),
        statement_ids=tuple(s_order),
        values=values,
        excluded=frozenset(moderated_set & set(votes.statement_ids)),
    )


def merge_votes(*, matrix: VoteMatrix, new_votes: Votes) -> VoteMatrix:
    """The matrix after `new_votes` arrive: later votes replace, new ids are appended.

    New participants and statements go after the existing ones, which keeps every row
    and column of the previous matrix where it was, so warm starts line up.
    """
    p_index = {p: i for i, p in enumerate(matrix.participant_ids)}
    s_index = {s: i for i, s in enumerate(matrix.statement_ids)}
    p_ids = list(matrix.participant_ids)
    s_ids = list(matrix.statement_ids)
    for p in canonical_order(p for p in new_votes.participant_ids if p not in p_index):
        p_index[p] = len(p_ids)
        p_ids.append(p)
    for s in canonical_order(
        s for s in new_votes.statement_ids if s not in s_index and s not in matrix.excluded
    ):
        s_index[s] = len(s_ids)
        s_ids.append(s)
    p_map = np.asarray([p_index[p] for p in new_votes.participant_ids], dtype=np.int64)
    s_map = np.asarray([s_index.get(s, -1) for s in new_votes.statement_ids], dtype=np.int64)
    new_rows = p_map[new_votes.participant] if len(new_votes) else np.zeros(0, np.int64)
    new_cols = s_map[new_votes.statement] if len(new_votes) else np.zeros(0, np.int64)
    new_data = new_votes.value.astype(np.float64)
    active = new_cols >= 0
    new_rows, new_cols, new_data = new_rows[active], new_cols[active], new_data[active]

    n_s = len(s_ids)
    new_keys = new_rows * n_s + new_cols
    keep_new = _latest_only(new_keys)
    new_rows, new_cols, new_data = new_rows[keep_new], new_cols[keep_new], new_data[keep_new]
    new_keys = new_keys[keep_new]

    order = np.argsort(new_keys, kind="stable")
    new_rows, new_cols, new_data = new_rows[order], new_cols[order], new_data[order]
    new_keys = new_keys[order]

    # Rows keep their order and each row's columns stay sorted, so the stored entries
    # are sorted by (row, column) key: replacing is a lookup, inserting one memmove.
    old = matrix.values
    old.sort_indices()
    key_type = np.int32 if old.shape[0] * n_s < 2**31 else np.int64
    row_keys = np.arange(old.shape[0], dtype=key_type) * key_type(n_s)
    old_keys = np.repeat(row_keys, np.diff(old.indptr)) + old.indices
    at = np.searchsorted(old_keys, new_keys)
    found = at < len(old_keys)
    found[found] = old_keys[at[found]] == new_keys[found]
    insert = ~found
    data = np.insert(old.data, at[insert], new_data[insert])
    # Each replaced entry has moved right by the number of entries inserted at or before it.
    moved = at[found] + np.searchsorted(at[insert], at[found], side="right")
    data[moved] = new_data[found]
    indices = np.insert(old.indices, at[insert], new_cols[insert].astype(old.indices.dtype))
    per_row = np.bincount(new_rows[insert], minlength=len(p_ids))
    indptr = np.zeros(len(p_ids) + 1, dtype=np.int64)
    indptr[: old.shape[0] + 1] = old.indptr
    indptr[old.shape[0] + 1 :] = old.indptr[-1]
    indptr[1:] += np.cumsum(per_row)
    merged = sparse.csr_matrix(
        (data, indices, indptr.astype(old.indptr.dtype)), shape=(len(p_ids), n_s)
    )
    return VoteMatrix(
        participant_ids=tuple(p_ids),
        statement_ids=tuple(s_ids),
        values=merged,
        excluded=matrix.excluded,
    )
