"""Vote counts per statement within sets of participants (groups or constituencies)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from village.engines.opinions.matrix import VoteMatrix

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Tally:
    """Agree, disagree and total votes; rows are sets of participants, columns statements."""

    agree: IntArray
    disagree: IntArray
    total: IntArray

    @property
    def passes(self) -> IntArray:
        return self.total - self.agree - self.disagree

    def p_agree(self) -> FloatArray:
        """Agreement smoothed as Polis does: (agrees + 1) / (votes + 2)."""
        return (self.agree + 1.0) / (self.total + 2.0)

    def p_disagree(self) -> FloatArray:
        return (self.disagree + 1.0) / (self.total + 2.0)


def tally(*, matrix: VoteMatrix, labels: IntArray, n_labels: int) -> Tally:
    """Counts for each label 0..n_labels-1; participants labelled -1 are left out."""
    values = matrix.values
    n_statements = values.shape[1]
    entry_label = np.repeat(labels, np.diff(values.indptr))
    member = entry_label >= 0
    keys = entry_label[member] * n_statements + values.indices[member]
    data = values.data[member]
    size = n_labels * n_statements

    def count(selected: npt.NDArray[np.int64]) -> IntArray:
        return np.bincount(selected, minlength=size).astype(np.int64).reshape(n_labels, -1)

    return Tally(
        agree=count(keys[data == 1]),
        disagree=count(keys[data == -1]),
        total=count(keys),
    )
