"""Agreement that holds across groups and constituencies, and where it breaks.

Every figure uses Polis's smoothed agreement (agrees + 1) / (votes + 2), so a set of five
participants cannot produce a certainty that two hundred could not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from village.engines.opinions.counts import Tally

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Divide:
    """A statement on which constituencies' smoothed agreement differs by `spread`."""

    statement: str
    spread: float
    agreement: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        return {
            "statement": self.statement,
            "spread": self.spread,
            "agreement": self.agreement,
        }


def group_aware_consensus(groups: Tally) -> FloatArray:
    """Product over groups of smoothed agreement: high only if every group agrees."""
    return np.asarray(np.prod(groups.p_agree(), axis=0))


def common_ground(*, tallies: list[Tally], threshold: float, min_votes: int) -> BoolArray:
    """A clear majority (smoothed) in every row of every tally, each with enough votes.

    Rows are opinion groups and constituencies; a row with fewer than `min_votes` votes on
    a statement means the statement cannot yet be called common ground.
    """
    n_statements = tallies[0].total.shape[1]
    holds = np.ones(n_statements, dtype=bool)
    for t in tallies:
        if t.total.shape[0] == 0:
            continue
        holds &= np.all((t.total >= min_votes) & (t.p_agree() >= threshold), axis=0)
    return holds


def balanced_support(constituencies: Tally) -> FloatArray:
    """Mean smoothed agreement over the constituencies that voted; NaN when none did."""
    voted = constituencies.total > 0
    summed = np.where(voted, constituencies.p_agree(), 0.0).sum(axis=0)
    counted = voted.sum(axis=0)
    return np.divide(summed, counted, out=np.full(summed.shape, np.nan), where=counted > 0)


def divides(
    *,
    constituencies: Tally,
    names: tuple[str, ...],
    statement_ids: tuple[str, ...],
    min_votes: int,
    count: int,
) -> list[Divide]:
    """The `count` statements with the widest spread of agreement between constituencies."""
    if len(names) < 2:
        return []
    enough = constituencies.total >= min_votes
    p = constituencies.p_agree()
    top = np.where(enough, p, -np.inf).max(axis=0)
    bottom = np.where(enough, p, np.inf).min(axis=0)
    comparable = enough.sum(axis=0) >= 2
    spread = np.where(comparable, top - bottom, -1.0)
    ranked = [int(j) for j in np.argsort(-spread, kind="stable") if comparable[j]][:count]
    return [
        Divide(
            statement=statement_ids[j],
            spread=float(spread[j]),
            agreement={names[c]: float(p[c, j]) for c in range(len(names)) if enough[c, j]},
        )
        for j in ranked
    ]
