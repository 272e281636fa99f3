"""Audits that decide whether one more released group would expose a small group.

Counts and means (``LinearAudit``)
----------------------------------
Every released number is about a *group*: the respondents matching some conditions
(``agency=A``, ``agency=A and role=manager``...). Write each released group as its indicator
vector over respondents. Someone holding the released counts can compute the count of any
group ``S`` whose indicator is a linear combination of released indicators: differences of
nested groups (``A`` minus ``A and B``), a total minus the other cells, margins of two tables,
and any longer chain. With means the same combination gives the sum of scores over ``S``.
They learn nothing exact about a group outside that span. So the promise "no group of fewer
than ``minimum`` people can be recovered" is exactly:

    no 0/1 vector ``x`` with ``0 < |x| < minimum`` lies in the span ``V`` of released groups.

How it is checked, exactly:

1. *Blocks.* Respondents who are in exactly the same released groups are indistinguishable
   to the attacker: every vector in ``V`` is constant on such a block. So ``x`` is a union
   of blocks (respondents in no released group can never be part of it). Working per block,
   not per attribute combination, also assumes the attacker knows which combinations are
   empty, which is the cautious assumption.
2. *Only small blocks matter.* A union weighing less than ``minimum`` uses only blocks that
   weigh less than ``minimum``. So we need ``V0``: the part of ``V`` that is zero on every
   large block, restricted to the small ones. With ``A`` the released-groups x blocks matrix,
   ``V0 = {A_small^T y : A_large^T y = 0}``, computed with a null space.
3. *Pivots.* Put a basis of ``V0`` in reduced row echelon form with pivot blocks
   ``p_1..p_d``. Any ``x`` in ``V0`` equals ``sum_i x[p_i] * row_i``, so a 0/1 ``x`` is the
   sum of the rows whose pivot it contains. Its weight is at least the weight of those pivot
   blocks, so only sets of pivots weighing less than ``minimum`` need trying.

Step 3 is a search; it stops after ``search_limit`` tries and then reports "unknown", which
the guard treats as unsafe. The audit therefore never passes a release it has not proven
safe. Floating-point is used with tolerances that can only turn a near-miss into a reported
breach (more hiding), never hide a real one: released groups are 0/1 vectors, so a true
recoverable group is an exact rational solution that the tolerance always accepts.

Not covered (documented limits): inference from inequalities (a count cannot be negative,
so some hidden cells have bounds), and knowledge from outside the reports. Rounding the
released counts makes both harder; the audit itself assumes exact counts are known.

Comments (``CommentAudit``)
---------------------------
Comment texts can be matched between lists, so an attacker can take intersections and
differences of released comment groups, not just sums of counts. The protected unit is then
every region of the Venn diagram of released comment groups: each non-empty region must hold
at least the comment minimum of commenters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Mask = npt.NDArray[np.bool_]
Matrix = npt.NDArray[np.float64]

TOLERANCE = 1e-7


@dataclass(frozen=True)
class Breach:
    """A small group that could be recovered; ``members`` is None if the search gave up."""

    members: frozenset[int] | None


class _SearchLimit(Exception):
    pass


class LinearAudit:
    """The groups released so far for one population, and the check for the next one.

    Keeps each person's block label up to date as groups are released, so checking a
    candidate only refines the labels by one more group instead of regrouping everyone.
    """

    def __init__(self, *, size: int, minimum: int, search_limit: int = 20_000) -> None:
        self.size = size
        self.minimum = minimum
        self.search_limit = search_limit
        self._released: list[Mask] = []
        self._keys: set[bytes] = set()
        self._labels = np.zeros(size, dtype=np.intp)
        self._covered = np.zeros(size, dtype=np.bool_)

    @property
    def released(self) -> tuple[Mask, ...]:
        return tuple(self._released)

    def check(self, group: Mask) -> Breach | None:
        """Would releasing ``group`` as well let a group under the minimum be recovered?"""
        if group.tobytes() in self._keys:
            return None
        return _find(
            [*self._released, group],
            labels=_refine(self._labels, group),
            covered=self._covered | group,
            minimum=self.minimum,
            limit=self.search_limit,
        )

    def commit(self, group: Mask) -> None:
        key = group.tobytes()
        if key not in self._keys:
            self._keys.add(key)
            self._released.append(group.copy())
            self._labels = _refine(self._labels, group)
            self._covered |= group


def find_small_group(groups: list[Mask], *, minimum: int, limit: int = 20_000) -> Breach | None:
    """A recoverable group with 0 < size < minimum, or None if there is provably none."""
    if not groups:
        return None
    labels = np.zeros(groups[0].shape[0], dtype=np.intp)
    covered = np.zeros(groups[0].shape[0], dtype=np.bool_)
    for group in groups:
        labels = _refine(labels, group)
        covered |= group
    return _find(groups, labels=labels, covered=covered, minimum=minimum, limit=limit)


def _refine(labels: npt.NDArray[np.intp], group: Mask) -> npt.NDArray[np.intp]:
    """Split every block in two: those in ``group`` and those not."""
    _, inverse = np.unique(labels * 2 + group, return_inverse=True)
    return inverse.ravel().astype(np.intp)


def _find(
    groups: list[Mask],
    *,
    labels: npt.NDArray[np.intp],
    covered: Mask,
    minimum: int,
    limit: int,
) -> Breach | None:
    people = np.flatnonzero(covered)
    if people.size == 0:
        return None
    _, first, inverse, weights = np.unique(
        labels[people], return_index=True, return_inverse=True, return_counts=True
    )
    small = weights < minimum
    if not small.any():
        return None
    representatives = people[first]
    blocks = np.vstack([group[representatives] for group in groups]).astype(np.float64)
    try:
        directions = _null_space_of_rows(blocks[:, ~small])
        if directions.shape[1] == 0:
            return None
        rows, pivots = _rref(directions.T @ blocks[:, small])
        found = _search(rows, pivots, weights[small], minimum=minimum, limit=limit)
    except (_SearchLimit, np.linalg.LinAlgError):
        return Breach(members=None)
    if found is None:
        return None
    small_ids = np.flatnonzero(small)[found]
    members = people[np.isin(inverse.ravel(), small_ids)]
    return Breach(members=frozenset(int(i) for i in members))


def _null_space_of_rows(matrix: Matrix) -> Matrix:
    """Combinations ``y`` of the rows with ``y @ matrix == 0``, as orthonormal columns.

    Uses the eigenvectors of the small Gram matrix: robust where an SVD of the tall matrix
    can fail to converge. Borderline eigenvalues count as zero, which can only add
    directions (more hiding), never drop a real one.
    """
    if matrix.shape[1] == 0:
        return np.eye(matrix.shape[0])
    values, vectors = np.linalg.eigh(matrix @ matrix.T)
    cutoff = max(1.0, float(values.max(initial=0.0))) * matrix.shape[0] * 1e-10
    return vectors[:, values <= cutoff]


def _rref(matrix: Matrix) -> tuple[Matrix, list[int]]:
    """Reduced row echelon form with partial pivoting; returns the non-zero rows and pivots."""
    work = matrix.astype(np.float64, copy=True)
    scale = max(1.0, float(np.abs(work).max(initial=0.0)))
    row_count, column_count = work.shape
    pivots: list[int] = []
    row = 0
    for column in range(column_count):
        if row == row_count:
            break
        best = row + int(np.argmax(np.abs(work[row:, column])))
        if abs(work[best, column]) <= TOLERANCE * scale:
            continue
        work[[row, best]] = work[[best, row]]
        work[row] /= work[row, column]
        others = np.arange(row_count) != row
        work[others] -= np.outer(work[others, column], work[row])
        pivots.append(column)
        row += 1
    work[np.abs(work) <= TOLERANCE] = 0.0
    return work[:row], pivots


def _search(
    rows: Matrix,
    pivots: list[int],
    weights: npt.NDArray[np.int64],
    *,
    minimum: int,
    limit: int,
) -> npt.NDArray[np.intp] | None:
    """Find a set of rows summing to a 0/1 vector of total weight in (0, minimum)."""
    order = sorted(range(len(pivots)), key=lambda i: int(weights[pivots[i]]))
    tries = 0

    def extend(start: int, total: Matrix, pivot_weight: int) -> npt.NDArray[np.intp] | None:
        nonlocal tries
        for position in range(start, len(order)):
            index = order[position]
            weight = pivot_weight + int(weights[pivots[index]])
            if weight >= minimum:
                break
            tries += 1
            if tries > limit:
                raise _SearchLimit
            candidate = total + rows[index]
            rounded = np.rint(candidate)
            if np.all(np.abs(candidate - rounded) <= 1e-6) and np.all(
                (rounded == 0) | (rounded == 1)
            ):
                size = int(weights @ rounded)
                if 0 < size < minimum:
                    return np.flatnonzero(rounded == 1)
            found = extend(position + 1, candidate, weight)
            if found is not None:
                return found
        return None

    return extend(0, np.zeros(rows.shape[1]), 0)


class CommentAudit:
    """Released comment groups for one question; every Venn region must stay large enough."""

    def __init__(self, *, minimum: int) -> None:
        self.minimum = minimum
        self._labels: npt.NDArray[np.intp] | None = None
        self._covered: Mask | None = None

    def check(self, commenters: Mask) -> bool:
        """True if releasing comments from ``commenters`` keeps every region large enough."""
        labels, covered = self._with(commenters)
        if not covered.any():
            return True
        _, counts = np.unique(labels[covered], return_counts=True)
        return bool(np.all(counts >= self.minimum))

    def commit(self, commenters: Mask) -> None:
        self._labels, self._covered = self._with(commenters)

    def _with(self, commenters: Mask) -> tuple[npt.NDArray[np.intp], Mask]:
        labels = self._labels if self._labels is not None else np.zeros(len(commenters), np.intp)
        covered = self._covered if self._covered is not None else np.zeros_like(commenters)
        return _refine(labels, commenters), covered | commenters
