"""The opinion map: Polis's PCA of a vote matrix with missing votes, without densifying it.

Polis fills a missing vote with the statement's mean, so after centring each statement on
its mean a missing vote is exactly zero: the centred matrix has the sparsity of the votes.
Its top right singular vectors come from block subspace iteration on sparse products (or
a dense SVD when the matrix is small), started from the previous components on updates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from village.engines.opinions.matrix import VoteMatrix

N_COMPONENTS = 2
DENSE_LIMIT = 100_000_000  # n_participants * n_statements * the smaller of the two
BLOCK = 8
WARM_BLOCK = 4
MAX_ITERATIONS = 60
TOLERANCE = 1e-6

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Projection:
    """Components (2 x statements), statement means and 2-D coordinates of everyone."""

    components: FloatArray
    means: FloatArray
    participants: FloatArray
    statements: FloatArray
    iterations: int

    @property
    def extremity(self) -> FloatArray:
        """How far a participant agreeing with only this statement lands from the centre."""
        return np.asarray(np.hypot(self.statements[:, 0], self.statements[:, 1]))


def centred(matrix: VoteMatrix) -> tuple[sparse.csr_matrix, FloatArray]:
    """The vote matrix with each statement centred on its mean over observed votes."""
    values = matrix.values
    n_statements = values.shape[1]
    sums = np.bincount(values.indices, weights=values.data, minlength=n_statements)
    counts = np.bincount(values.indices, minlength=n_statements)
    means = np.divide(sums, counts, out=np.zeros(n_statements), where=counts > 0)
    data = values.data - means[values.indices]
    return sparse.csr_matrix((data, values.indices, values.indptr), shape=values.shape), means


def _orient(components: FloatArray, previous: FloatArray | None) -> FloatArray:
    """Fix each component's sign: follow the previous map, else make loadings sum positive.

    The sum and the largest loading do not depend on the order of statements, so
    reordering the input never mirrors the map.
    """
    oriented = components.copy()
    for i, row in enumerate(oriented):
        if previous is not None and previous.shape[1] >= 1:
            width = min(previous.shape[1], row.shape[0])
            reference = float(row[:width] @ previous[i, :width])
        else:
            reference = float(row.sum())
            if abs(reference) < 1e-9:
                reference = float(row[np.argmax(np.abs(row))])
        if reference < 0:
            oriented[i] = -row
    return oriented


def _dense_components(c: sparse.csr_matrix) -> FloatArray:
    _, _, vt = np.linalg.svd(c.toarray(), full_matrices=False)
    components = np.zeros((N_COMPONENTS, c.shape[1]))
    rows = min(N_COMPONENTS, vt.shape[0])
    components[:rows] = vt[:rows]
    return components


def _iterated_components(
    c: sparse.csr_matrix, *, start: FloatArray | None, seed: int, max_iterations: int
) -> tuple[FloatArray, int]:
    """Block subspace iteration on C^T C, then Rayleigh-Ritz on the block."""
    n_statements = c.shape[1]
    width = min(BLOCK if start is None else WARM_BLOCK, n_statements)
    rng = np.random.default_rng(seed)
    block = rng.standard_normal((n_statements, width))
    if start is not None:
        rows = min(start.shape[0], width)
        known = min(start.shape[1], n_statements)
        block[:, :rows] = 0.0
        block[:known, :rows] = start[:rows, :known].T
    q, _ = np.linalg.qr(block)
    ct = c.T  # a CSC view: no copy, and CSC times a dense block is as fast
    previous_values = np.zeros(N_COMPONENTS)
    iterations = 0
    change = np.inf
    while iterations < max_iterations and change >= TOLERANCE:
        q, r = np.linalg.qr(ct @ (c @ q))
        values = np.sort(np.abs(np.diag(r)))[::-1][:N_COMPONENTS]
        change = float(np.max(np.abs(values - previous_values) / np.maximum(values, 1e-12)))
        previous_values = values
        iterations += 1
    _, _, wt = np.linalg.svd(c @ q, full_matrices=False)
    return (q @ wt.T[:, :N_COMPONENTS]).T, iterations


def project(
    *,
    matrix: VoteMatrix,
    seed: int,
    previous_components: FloatArray | None = None,
    max_iterations: int = MAX_ITERATIONS,
) -> Projection:
    """Principal components and Polis's sparsity-aware projection of every participant.

    A participant is projected over the statements they voted on only, then scaled by
    sqrt(statements / their votes) so people who voted little are not bunched at the
    centre. Polis zeroes moderated-out statements rather than dropping them, so they
    count in both numbers; doing the same keeps light voters where Polis puts them (it
    is what makes our groups match Polis's on the vTaiwan export).
    """
    c, means = centred(matrix)
    n_participants, n_statements = c.shape
    if n_participants * n_statements * min(n_participants, n_statements) <= DENSE_LIMIT:
        components, iterations = _dense_components(c), 0
    else:
        components, iterations = _iterated_components(
            c, start=previous_components, seed=seed, max_iterations=max_iterations
        )
    components = _orient(components, previous_components)
    zeroed = len(matrix.excluded)
    votes_each = np.diff(c.indptr) + zeroed
    scale = np.sqrt((n_statements + zeroed) / np.maximum(votes_each, 1))
    participants = np.asarray(c @ components.T) * scale[:, None]
    statements = ((1.0 - means)[:, None] * components.T) * np.sqrt(n_statements + zeroed)
    return Projection(
        components=components,
        means=means,
        participants=participants,
        statements=statements,
        iterations=iterations,
    )
