"""Held-out votes: do the groups predict how their members vote?

A tenth of the votes is hidden; each hidden agree or disagree is predicted from the
smoothed agreement of the voter's group on that statement, counted on the visible votes
only. Any grouping can be scored the same way, so ours and red-dwarf's are comparable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from village.engines.opinions.matrix import Votes, build_matrix


@dataclass(frozen=True, eq=False)
class HeldOut:
    visible: Votes
    hidden: tuple[tuple[str, str, int], ...]


def hold_out(*, votes: Votes, fraction: float, seed: int) -> HeldOut:
    """Hide `fraction` of the latest votes at random (seeded)."""
    matrix = build_matrix(votes=votes)
    coo = matrix.values.tocoo()
    records = [
        (matrix.participant_ids[p], matrix.statement_ids[s], int(v))
        for p, s, v in zip(coo.row, coo.col, coo.data, strict=True)
    ]
    hide = np.random.default_rng(seed).random(len(records)) < fraction
    visible = [r for r, h in zip(records, hide, strict=True) if not h]
    hidden = tuple(r for r, h in zip(records, hide, strict=True) if h)
    return HeldOut(visible=Votes.from_records(visible), hidden=hidden)


def group_prediction_accuracy(
    *, held_out: HeldOut, groups: Mapping[str, int | None]
) -> tuple[float, int]:
    """Share of hidden agree/disagree votes whose direction the voter's group predicts.

    Only voters with a group and hidden votes that are not passes count; returns the
    accuracy and how many votes it was measured on.
    """
    counts: dict[tuple[int, str], list[int]] = {}
    for participant, statement, value in held_out.visible.records():
        group = groups.get(participant)
        if group is None or value == 0:
            continue
        cell = counts.setdefault((group, statement), [0, 0])
        cell[0 if value > 0 else 1] += 1
    right = total = 0
    for participant, statement, value in held_out.hidden:
        group = groups.get(participant)
        if group is None or value == 0:
            continue
        agree, disagree = counts.get((group, statement), (0, 0))
        predicted = 1 if (agree + 1) / (agree + disagree + 2) >= 0.5 else -1
        right += predicted == value
        total += 1
    return (right / total if total else float("nan")), total
