"""Vote counts per statement within sets of participants (groups or constituencies)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

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


def tallies(*, matrix: VoteMatrix, labelings: list[tuple[IntArray, int]]) -> list[Tally]:
    """One Tally per (labels, n_labels) pair, all from one pass over the votes.

    Labels run 0..n_labels-1; participants labelled -1 are left out of that tally.
    """
    values = matrix.values
    offsets = np.cumsum([0] + [n for _, n in labelings])
    onehot = np.zeros((values.shape[0], int(offsets[-1])))
    for (labels, _), offset in zip(labelings, offsets[:-1], strict=False):
        member = np.flatnonzero(labels >= 0)
        onehot[member, labels[member] + offset] = 1.0

    def count(selected: npt.NDArray[np.float64]) -> IntArray:
        # The transpose is a CSC view: one pass over the votes, no copy, no per-vote labels.
        pattern = sparse.csr_matrix((selected, values.indices, values.indptr), shape=values.shape)
        return np.rint(pattern.T @ onehot).T.astype(np.int64)

    data = values.data
    signed = count(data)  # agrees minus disagrees, as votes are -1, 0 or 1
    decided = count(data * data)  # agrees plus disagrees
    agree = (decided + signed) // 2
    disagree = (decided - signed) // 2
    total = count(np.ones(len(data)))
    return [
        Tally(agree=agree[start:end], disagree=disagree[start:end], total=total[start:end])
        for start, end in pairwise(offsets)
    ]


def tally(*, matrix: VoteMatrix, labels: IntArray, n_labels: int) -> Tally:
    """Counts for each label 0..n_labels-1; participants labelled -1 are left out."""
    return tallies(matrix=matrix, labelings=[(labels, n_labels)])[0]
