"""Vote counts per statement within sets of participants (groups or constituencies)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

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
    member = labels >= 0
    onehot = np.zeros((values.shape[0], n_labels))
    onehot[np.flatnonzero(member), labels[member]] = 1.0

    def count(selected: npt.NDArray[np.float64]) -> IntArray:
        # The transpose is a CSC view: one pass over the votes, no copy, no per-vote labels.
        pattern = sparse.csr_matrix((selected, values.indices, values.indptr), shape=values.shape)
        return np.rint(pattern.T @ onehot).T.astype(np.int64)

    data = values.data
    return Tally(
        agree=count((data == 1).astype(np.float64)),
        disagree=count((data == -1).astype(np.float64)),
        total=count(np.ones(len(data))),
    )
