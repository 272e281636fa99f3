"""Agreement between two groupings, for checking groups against planted or Polis groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def _pairs(counts: np.ndarray) -> float:
    return float(np.sum(counts * (counts - 1) / 2.0))


def adjusted_rand_index(first: Sequence[object], second: Sequence[object]) -> float:
    """Adjusted Rand index: 1 for identical partitions, about 0 for chance agreement."""
    if len(first) != len(second):
        raise ValueError("groupings must have the same length")
    _, a = np.unique(np.asarray([str(x) for x in first]), return_inverse=True)
    _, b = np.unique(np.asarray([str(x) for x in second]), return_inverse=True)
    table = np.zeros((a.max(initial=-1) + 1, b.max(initial=-1) + 1))
    np.add.at(table, (a, b), 1.0)
    both = _pairs(table)
    rows, cols = _pairs(table.sum(axis=1)), _pairs(table.sum(axis=0))
    total = len(first) * (len(first) - 1) / 2.0
    if total == 0:
        return 1.0
    expected = rows * cols / total
    best = (rows + cols) / 2.0
    if best == expected:
        return 1.0
    return (both - expected) / (best - expected)


def ari_on_common(
    groups: Mapping[str, int | None], reference: Mapping[str, int | None]
) -> tuple[float, int]:
    """ARI over participants placed in a group by both, and how many there were."""
    shared = sorted(p for p, g in groups.items() if g is not None and reference.get(p) is not None)
    return (
        adjusted_rand_index([groups[p] for p in shared], [reference[p] for p in shared]),
        len(shared),
    )
