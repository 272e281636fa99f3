"""Audits that decide whether one more released group would expose a small group.

Counts and means (``LinearAudit``)
----------------------------------
Every released number is about a *group*: the respondents matching some conditions
(``agency=A``, ``agency=A and role=manager``...). Write each released group as its indicator
vector over respondents. Someone holding the released counts can compute the count of any
group ``S`` whose indicator is a linear combination of released indicators: differences of
nested groups (``A`` minus ``A and B``), a total minus the other cells, margins of two tables,
and any longer chain. With means the same combination gives the sum of scores over ``S``.
They learn nothing exact about a group outside that span ``V``. So the promise "no group of
fewer than ``minimum`` people can be recovered" is exactly:

    no 0/1 vector ``x`` with ``0 < |x| < minimum`` lies in ``V``.

How it is decided, exactly and without a search limit:

1. *Microcells.* Respondents with the same attributes (a microcell) are in every group
   together, so ``V`` lives on microcells. The audit keeps a reduced basis of ``V`` over
   microcells, updated by one row operation per released group, with the microcells that
   hold at least ``minimum`` people ("large") pivoted first. The rows whose pivot is on a
   small microcell then span ``V0``, the part of ``V`` that is zero on every large
   microcell. A group under the minimum can only use small microcells, so it lies in
   ``V0``; when ``V0`` is empty (the usual case) the check is over at once.
2. *Blocks.* Respondents in exactly the same released groups (a block) are
   indistinguishable, and a recoverable group is a union of blocks. Working per block also
   assumes the attacker knows which combinations are empty, the cautious assumption. A
   block weighing ``minimum`` or more can never be part of a small group, so ``V0`` is cut
   down to the vectors that are zero on those blocks too (a null space of a few rows).
3. *Pivots.* In reduced form, heaviest blocks first, a 0/1 ``x`` in ``V0`` is the sum of the
   rows whose pivot it contains, and weighs at least the blocks only those rows touch. Rows
   split into independent components (no shared block), and a smallest recoverable group
   lies in one component, so each component is enumerated on its own, in full: every set
   of rows light enough to be under the minimum is tried. Rows that can never add up to a
   0/1 vector are dropped first.

The answer is therefore always a decision: either a breach naming its members, or a proof
that there is none. Floating-point is used with tolerances that can only turn a near-miss
into a reported breach (more hiding), never hide a real one: released groups are 0/1
vectors, so a true recoverable group is an exact rational solution the tolerance accepts.

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

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Mask = npt.NDArray[np.bool_]
Matrix = npt.NDArray[np.float64]
Labels = npt.NDArray[np.intp]

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Breach:
    """A small group that could be recovered: the respondents in it."""

    members: frozenset[int]


@dataclass
class AuditStats:
    """How many checks were made, and how each was decided (there is no third outcome)."""

    checks: int = 0
    safe: int = 0
    breaches: int = 0

    @property
    def undecided(self) -> int:
        return self.checks - self.safe - self.breaches


@dataclass
class _Basis:
    """A reduced basis of the released span over microcells: every pivot column is a unit
    vector, and large microcells are pivoted before small ones."""

    rows: Matrix
    pivots: list[int] = field(default_factory=list)

    def residual(self, vector: Matrix) -> Matrix | None:
        """What ``vector`` adds to the span, zero at every pivot; None if it adds nothing."""
        count = len(self.pivots)
        if count:
            vector = vector - vector[self.pivots] @ self.rows[:count]
        vector[np.abs(vector) <= TOLERANCE] = 0.0
        return vector if np.any(vector) else None

    def insert(self, vector: Matrix, *, large: int) -> None:
        found = self.residual(vector)
        if found is None:
            return
        vector = found
        count = len(self.pivots)
        if large and np.any(vector[:large]):
            pivot = int(np.argmax(np.abs(vector[:large])))
        else:
            pivot = int(np.argmax(np.abs(vector)))
        vector /= vector[pivot]
        if count:
            factors = self.rows[:count, pivot].copy()
            nonzero = np.flatnonzero(factors)
            if nonzero.size:
                self.rows[nonzero] -= np.outer(factors[nonzero], vector)
                block = self.rows[nonzero]
                block[np.abs(block) <= TOLERANCE] = 0.0
                self.rows[nonzero] = block
        if count == self.rows.shape[0]:
            grown = np.zeros((max(8, 2 * count), self.rows.shape[1]))
            grown[:count] = self.rows[:count]
            self.rows = grown
        self.rows[count] = vector
        self.pivots.append(pivot)

    def small_rows(self, *, large: int) -> Matrix:
        """A basis of the released span that is zero on every large microcell."""
        chosen = [i for i, pivot in enumerate(self.pivots) if pivot >= large]
        return self.rows[chosen]


class LinearAudit:
    """The groups released so far for one population, and the check for the next ones.

    ``atoms`` gives each respondent's microcell: respondents sharing one are in every group
    together (the guard passes each respondent's combination of attributes).
    """

    def __init__(self, *, atoms: Labels, minimum: int) -> None:
        self.minimum = minimum
        codes, first, inverse, weights = np.unique(
            atoms, return_index=True, return_inverse=True, return_counts=True
        )
        # Columns: large microcells first, then small ones; the order only speeds things up.
        order = np.lexsort((codes, weights < minimum))
        position = np.empty(len(codes), dtype=np.intp)
        position[order] = np.arange(len(codes))
        self._column_of = position[inverse.ravel()]  # each respondent's column
        self._units = first[order]  # one respondent standing for each column
        self._weights = weights[order]
        self._large = int(np.sum(weights >= minimum))
        self._basis = _Basis(rows=np.zeros((8, len(codes))))
        self._labels = np.zeros(len(codes), dtype=np.intp)
        self._keys: set[bytes] = set()
        self._released: list[Mask] = []
        self.stats = AuditStats()

    @property
    def released(self) -> tuple[Mask, ...]:
        return tuple(self._released)

    def check(self, group: Mask) -> Breach | None:
        """Would releasing ``group`` as well let a group under the minimum be recovered?

        Nothing is copied: a new group either lies in the released span (nothing new is
        learnt) or adds one direction, which joins ``V0`` only if it is zero on every large
        microcell; its blocks are split by the group either way.
        """
        self.stats.checks += 1
        column = group[self._units]
        rows = self._basis.small_rows(large=self._large)
        found = None
        if group.tobytes() not in self._keys:
            residual = self._basis.residual(column.astype(np.float64))
            if residual is not None:
                if not np.any(residual[: self._large]):
                    rows = np.vstack([rows, residual])
                found = self._find(rows, _refine(self._labels, column))
        return self._decided(found)

    def breach(self) -> Breach | None:
        """A recoverable small group among everything committed, or None if there is none."""
        self.stats.checks += 1
        return self._decided(self._find(self._basis.small_rows(large=self._large), self._labels))

    def commit(self, group: Mask) -> None:
        key = group.tobytes()
        if key not in self._keys:
            self._keys.add(key)
            self._released.append(group.copy())
            column = group[self._units]
            self._basis.insert(column.astype(np.float64), large=self._large)
            self._labels = _refine(self._labels, column)

    def _decided(self, columns: npt.NDArray[np.intp] | None) -> Breach | None:
        if columns is None:
            self.stats.safe += 1
            return None
        self.stats.breaches += 1
        members = np.flatnonzero(np.isin(self._column_of, columns))
        return Breach(members=frozenset(int(i) for i in members))

    def _find(self, rows: Matrix, labels: Labels) -> npt.NDArray[np.intp] | None:
        """Columns (microcells) of a recoverable small group, or None if provably none.

        ``rows`` span ``V0`` over microcells; ``labels`` give each microcell's block.
        """
        if rows.shape[0] == 0:
            return None
        block_of = np.unique(labels, return_inverse=True)[1].ravel()
        block_weights = np.bincount(block_of, weights=self._weights).astype(np.int64)
        heavy = block_weights[block_of] >= self.minimum
        if np.any(rows[:, heavy]):
            rows = _null_space_of_columns(rows[:, heavy]).T @ rows
            if rows.shape[0] == 0:
                return None
        # One column per small block touched by the rows, heaviest first.
        touched = np.unique(block_of[np.any(np.abs(rows) > TOLERANCE, axis=0) & ~heavy])
        if touched.size == 0:
            return None
        representative = np.zeros(block_weights.size, dtype=np.intp)
        representative[block_of[::-1]] = np.arange(block_of.size)[::-1]
        touched = touched[np.argsort(-block_weights[touched], kind="stable")]
        reduced, pivots = _rref(rows[:, representative[touched]])
        chosen = _search(reduced, pivots, block_weights[touched], minimum=self.minimum)
        if chosen is None:
            return None
        return np.flatnonzero(np.isin(block_of, touched[chosen]))


def find_small_group(groups: list[Mask], *, minimum: int) -> Breach | None:
    """A recoverable group with 0 < size < minimum, or None if there is provably none."""
    if not groups:
        return None
    atoms = np.zeros(groups[0].shape[0], dtype=np.intp)
    for group in groups:
        atoms = _refine(atoms, group)
    audit = LinearAudit(atoms=atoms, minimum=minimum)
    for group in groups:
        audit.commit(group)
    return audit.breach()


def _refine(labels: Labels, group: Mask) -> Labels:
    """Split every block in two: those in ``group`` and those not."""
    _, inverse = np.unique(labels * 2 + group, return_inverse=True)
    return inverse.ravel().astype(np.intp)


def _null_space_of_columns(matrix: Matrix) -> Matrix:
    """Combinations ``y`` of the rows with ``y @ matrix == 0``, as orthonormal columns.

    Borderline singular values count as zero, which can only add directions (more hiding),
    never drop a real one.
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
        if abs(work[best, column]) <= 1e-7 * scale:
            continue
        work[[row, best]] = work[[best, row]]
        work[row] /= work[row, column]
        others = np.arange(row_count) != row
        work[others] -= np.outer(work[others, column], work[row])
        pivots.append(column)
        row += 1
    work[np.abs(work) <= 1e-7] = 0.0
    return work[:row], pivots


def _search(
    rows: Matrix, pivots: list[int], weights: npt.NDArray[np.int64], *, minimum: int
) -> npt.NDArray[np.intp] | None:
    """Columns of a set of rows summing to a 0/1 vector of total weight in (0, minimum).

    Exhaustive within each component of rows that share a column, so it always decides.
    """
    alive = _feasible_rows(rows)
    nonzero = np.abs(rows) > 1e-6
    for component in _components(nonzero, alive):
        # Each row's weight on columns no other live row touches is fixed once it is used.
        shared = nonzero[component].sum(axis=0) > 1
        fixed = [int(weights[nonzero[i] & ~shared].sum()) for i in component]
        order = [component[j] for j in np.argsort(fixed, kind="stable")]
        bound = {i: f for i, f in zip(component, fixed, strict=True)}
        found = _enumerate(rows, order, bound, weights, minimum=minimum)
        if found is not None:
            return found
    return None


def _feasible_rows(rows: Matrix) -> list[int]:
    """Rows that can be part of a 0/1 sum: a column only one live row touches must hold 1."""
    alive = list(range(rows.shape[0]))
    nonzero = np.abs(rows) > 1e-6
    while True:
        touching = nonzero[alive].sum(axis=0)
        keep = [
            i for i in alive if np.all(np.abs(rows[i, nonzero[i] & (touching == 1)] - 1.0) <= 1e-6)
        ]
        if len(keep) == len(alive):
            return alive
        alive = keep


def _components(nonzero: npt.NDArray[np.bool_], alive: list[int]) -> list[list[int]]:
    """Live rows grouped by shared columns (a union-find over rows)."""
    parent = {i: i for i in alive}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for column in range(nonzero.shape[1]):
        users = [i for i in alive if nonzero[i, column]]
        for other in users[1:]:
            parent[root(other)] = root(users[0])
    groups: dict[int, list[int]] = {}
    for i in alive:
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _enumerate(
    rows: Matrix,
    order: list[int],
    bound: dict[int, int],
    weights: npt.NDArray[np.int64],
    *,
    minimum: int,
) -> npt.NDArray[np.intp] | None:
    """Try every set of rows from ``order`` whose fixed weights stay under the minimum."""

    def extend(start: int, total: Matrix, weight: int) -> npt.NDArray[np.intp] | None:
        for position in range(start, len(order)):
            index = order[position]
            added = weight + bound[index]
            if added >= minimum:
                break
            candidate = total + rows[index]
            rounded = np.rint(candidate)
            if np.all(np.abs(candidate - rounded) <= 1e-6) and np.all(
                (rounded == 0) | (rounded == 1)
            ):
                size = int(weights @ rounded)
                if 0 < size < minimum:
                    return np.flatnonzero(rounded == 1)
            found = extend(position + 1, candidate, added)
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
