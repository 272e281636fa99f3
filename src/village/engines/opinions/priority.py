"""Which statement a participant should see next: Polis's comment priority.

Importance favours statements people agree with, do not pass on, and that move a voter
across the map (extremity); newness gives a statement with few votes a head start that
halves every five votes. Meta statements get a fixed priority. Squaring sharpens the
preference when a statement is drawn at random with probability proportional to it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

META_PRIORITY = 7.0
NEWNESS_BOOST = 8.0
NEWNESS_HALF_LIFE_VOTES = 5.0


def statement_priorities(
    *,
    agree: IntArray,
    passes: IntArray,
    total: IntArray,
    extremity: FloatArray,
    meta: npt.NDArray[np.bool_],
) -> FloatArray:
    """Polis's priority of every statement (before removing those already voted on)."""
    p_agree = (agree + 1.0) / (total + 2.0)
    p_pass = (passes + 1.0) / (total + 2.0)
    importance = p_agree * (1.0 - p_pass) * (1.0 + extremity)
    newness = 1.0 + NEWNESS_BOOST * np.power(2.0, -total / NEWNESS_HALF_LIFE_VOTES)
    priority = np.where(meta, META_PRIORITY, importance * newness)
    return np.asarray(priority**2)


def pick_next(*, priorities: dict[str, float], rng: np.random.Generator) -> str | None:
    """Draw a statement with probability proportional to its priority (None when done)."""
    if not priorities:
        return None
    ids = sorted(priorities)
    weights = np.asarray([priorities[i] for i in ids])
    total = weights.sum()
    if total <= 0:
        return ids[int(rng.integers(len(ids)))]
    return ids[int(rng.choice(len(ids), p=weights / total))]
