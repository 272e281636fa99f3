"""What each group stands for: Polis's representativeness, with its two z-tests.

A statement represents a group when the group agrees (or disagrees) more than chance
(one-proportion test) and more than everyone else (two-proportion test), both at the
chosen confidence. Polis also puts the group's strongest agreement first so every group
shows at least one thing it agrees on.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt

from village.engines.opinions.counts import Tally

FloatArray = npt.NDArray[np.float64]
Direction = Literal["agree", "disagree"]


@dataclass(frozen=True)
class Representative:
    """One representative statement of a group, with the figures behind the choice."""

    statement: str
    direction: Direction
    votes_for: int
    votes: int
    probability: float
    probability_test: float
    repness: float
    repness_test: float

    def as_dict(self) -> dict[str, object]:
        return {
            "statement": self.statement,
            "direction": self.direction,
            "votes_for": self.votes_for,
            "votes": self.votes,
            "probability": self.probability,
            "probability_test": self.probability_test,
            "repness": self.repness,
            "repness_test": self.repness_test,
        }


def one_proportion_z(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """Polis's smoothed one-proportion test against one half."""
    return np.asarray(2 * np.sqrt(trials + 1) * ((successes + 1) / (trials + 1) - 0.5))


def two_proportion_z(
    succ_in: FloatArray, succ_out: FloatArray, n_in: FloatArray, n_out: FloatArray
) -> FloatArray:
    """Polis's smoothed two-proportion test (group against everyone else)."""
    s1, s2, n1, n2 = succ_in + 1, succ_out + 1, n_in + 1, n_out + 1
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / spread
    return np.asarray(np.where(spread > 0, z, 0.0))


def _choose(
    *,
    stats: dict[str, FloatArray],
    statement_ids: tuple[str, ...],
    allowed: npt.NDArray[np.bool_],
    critical: float,
    pick_max: int,
) -> list[Representative]:
    pa, pd_, pat, pdt = stats["pa"], stats["pd"], stats["pat"], stats["pdt"]
    ra, rd, rat, rdt = stats["ra"], stats["rd"], stats["rat"], stats["rdt"]
    na, nd, ns = stats["na"], stats["nd"], stats["ns"]

    def make(j: int, direction: Direction) -> Representative:
        agree = direction == "agree"
        return Representative(
            statement=statement_ids[j],
            direction=direction,
            votes_for=int(na[j] if agree else nd[j]),
            votes=int(ns[j]),
            probability=float(pa[j] if agree else pd_[j]),
            probability_test=float(pat[j] if agree else pdt[j]),
            repness=float(ra[j] if agree else rd[j]),
            repness_test=float(rat[j] if agree else rdt[j]),
        )

    # Polis's "best agree": a statement the group clearly agrees with, preferring one
    # that also sets the group apart (ra > 1), so every group shows something it agrees on.
    voted = allowed & (na + nd > 0)
    acceptable = voted & ((pat > critical) | ((ra > 1.0) & (pa > 0.5)))
    best_agree: int | None = None
    if acceptable.any():
        distinctive = acceptable & (ra > 1.0)
        pool = distinctive if distinctive.any() else acceptable
        score = ra * rat * pa * pat if distinctive.any() else pa * pat
        best_agree = int(np.flatnonzero(pool)[np.argmax(score[pool])])

    agree_side = rat > rdt
    significant = allowed & (
        ((pat > critical) & (rat > critical)) | ((pdt > critical) & (rdt > critical))
    )
    metric = np.where(agree_side, ra * rat * pa * pat, rd * rdt * pd_ * pdt)
    sufficient = [int(j) for j in np.flatnonzero(significant)]
    sufficient.sort(key=lambda j: -metric[j])

    head: list[Representative] = []
    if best_agree is not None:
        head = [make(best_agree, "agree")]
    elif not sufficient and allowed.any():
        candidates = np.flatnonzero(allowed)
        top = int(candidates[np.argmax(np.maximum(rat, rdt)[candidates])])
        head = [make(top, "agree" if agree_side[top] else "disagree")]
    chosen = head + [
        make(j, "agree" if agree_side[j] else "disagree")
        for j in sufficient
        if not head or statement_ids[j] != head[0].statement
    ]
    chosen = chosen[:pick_max]
    return sorted(chosen, key=lambda r: r.direction)


def representative_statements(
    *,
    groups: Tally,
    statement_ids: tuple[str, ...],
    confidence: float = 0.90,
    pick_max: int = 5,
) -> list[list[Representative]]:
    """Up to `pick_max` representative statements for each group (row of the tally)."""
    critical = NormalDist().inv_cdf(confidence)
    agree_all = groups.agree.sum(axis=0)
    disagree_all = groups.disagree.sum(axis=0)
    total_all = groups.total.sum(axis=0)
    chosen: list[list[Representative]] = []
    for g in range(groups.total.shape[0]):
        na = groups.agree[g].astype(float)
        nd = groups.disagree[g].astype(float)
        ns = groups.total[g].astype(float)
        na_out, nd_out, ns_out = agree_all - na, disagree_all - nd, total_all - ns
        pa, pd_ = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
        stats = {
            "na": na,
            "nd": nd,
            "ns": ns,
            "pa": pa,
            "pd": pd_,
            "pat": one_proportion_z(na, ns),
            "pdt": one_proportion_z(nd, ns),
            "ra": pa / ((na_out + 1) / (ns_out + 2)),
            "rd": pd_ / ((nd_out + 1) / (ns_out + 2)),
            "rat": two_proportion_z(na, na_out, ns, ns_out),
            "rdt": two_proportion_z(nd, nd_out, ns, ns_out),
        }
        chosen.append(
            _choose(
                stats=stats,
                statement_ids=statement_ids,
                allowed=ns > 0,
                critical=critical,
                pick_max=pick_max,
            )
        )
    return chosen
