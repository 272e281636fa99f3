"""An independent, exact check that no small group can be recovered from released groups.

It shares no code with the engine's audit: it works per attribute combination ("atom")
rather than per block, in exact rational arithmetic rather than floating point, and by
brute force over every set of small atoms rather than a pivot search.
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from itertools import combinations

from village.engines.disclosure import DisclosureGuard, Population, Table


def released_groups(guard: DisclosureGuard, tables: list[Table]) -> list[frozenset[int]]:
    """Every group shown in the given tables, as sets of respondent positions."""
    population = guard.population
    groups = []
    for table in tables:
        filters = dict(table.query.filters)
        if table.total.shown:
            groups.append(members(population, filters))
        for cell in table.cells:
            if cell.shown:
                breakdown = dict(zip(table.query.breakdown, cell.key, strict=True))
                groups.append(members(population, {**filters, **breakdown}))
    return groups


def members(population: Population, conditions: dict[str, str]) -> frozenset[int]:
    return frozenset(
        i
        for i, person in enumerate(population.respondents)
        if all(person.attributes[k] == v for k, v in conditions.items())
    )


def nested_differences_are_safe(groups: list[frozenset[int]], minimum: int) -> bool:
    """The simple check: every group and every nested difference is 0 or >= minimum."""
    if any(len(group) < minimum for group in groups):
        return False
    return all(
        not (0 < len(outer) - len(inner) < minimum)
        for inner in groups
        for outer in groups
        if inner < outer
    )


def smallest_recoverable_atoms(
    population: Population, groups: list[frozenset[int]], minimum: int
) -> list[tuple[str, ...]] | None:
    """Atoms whose union (0 < size < minimum) lies in the span of the groups, if any."""
    if not groups:
        return None
    atom_of = [tuple(sorted(p.attributes.items())) for p in population.respondents]
    weights = Counter(atom_of)
    atoms = sorted(weights)
    index = {atom: i for i, atom in enumerate(atoms)}
    rows = []
    for group in groups:
        row = [Fraction(0)] * len(atoms)
        for atom in {atom_of[i] for i in group}:
            row[index[atom]] = Fraction(1)
        rows.append(row)
    basis, pivots = _rref(rows)
    residuals = {}
    for atom in atoms:
        vector = [Fraction(0)] * len(atoms)
        vector[index[atom]] = Fraction(1)
        for row, pivot in zip(basis, pivots, strict=True):
            factor = vector[pivot]
            if factor:
                vector = [v - factor * r for v, r in zip(vector, row, strict=True)]
        residuals[atom] = vector
    scale = math.lcm(*(v.denominator for vector in residuals.values() for v in vector))
    exact = {a: tuple(int(v * scale) for v in vector) for a, vector in residuals.items()}
    small = [atom for atom in atoms if weights[atom] < minimum]
    for size in range(1, minimum):
        for chosen in combinations(small, size):
            if sum(weights[a] for a in chosen) >= minimum:
                continue
            total = [sum(column) for column in zip(*(exact[a] for a in chosen), strict=True)]
            if not any(total):
                return [tuple(value for _, value in atom) for atom in chosen]
    return None


def _rref(rows: list[list[Fraction]]) -> tuple[list[list[Fraction]], list[int]]:
    work = [row[:] for row in rows]
    pivots: list[int] = []
    rank = 0
    columns = len(work[0]) if work else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(work)) if work[r][column] != 0), None)
        if pivot is None:
            continue
        work[rank], work[pivot] = work[pivot], work[rank]
        lead = work[rank][column]
        work[rank] = [value / lead for value in work[rank]]
        for r in range(len(work)):
            if r != rank and work[r][column] != 0:
                factor = work[r][column]
                work[r] = [a - factor * b for a, b in zip(work[r], work[rank], strict=True)]
        pivots.append(column)
        rank += 1
    return work[:rank], pivots


def exact_counts_are_safe(
    population: Population, groups: list[frozenset[int]], minimum: int
) -> bool:
    return smallest_recoverable_atoms(population, groups, minimum) is None
