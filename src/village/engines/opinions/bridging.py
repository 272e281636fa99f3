"""Bridging: support that does not come from one side only, as Community Notes scores notes.

Each agree (1) or disagree (0) vote is modelled as
    mu + participant intercept + statement intercept + participant factor * statement factor.
The single factor soaks up the divide between sides; what is left in a statement's
intercept is agreement from people who usually disagree with each other. Intercepts are
regularised five times more than factors (Community Notes's 0.15 and 0.03), so a statement
only earns a high intercept when the factor cannot explain its support. Passes carry no
direction and are left out.

The loss is Community Notes's mean-normalised one, so each regularisation weight is
scaled by the average number of votes per participant or per statement. Fitting is
alternating least squares: with one factor, each participant's (intercept, factor) pair
given the statements is a 2 x 2 linear solve, and all of them together are a handful of
sparse matrix products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from village.engines.opinions.matrix import VoteMatrix

FloatArray = npt.NDArray[np.float64]

INTERCEPT_LAMBDA = 0.15
FACTOR_LAMBDA = 0.03
MAX_ITERATIONS = 40


@dataclass(frozen=True, eq=False)
class Bridging:
    """Fitted model; `statement_intercept` is the bridging score (NaN with too few votes)."""

    mu: float
    participant_intercept: FloatArray
    participant_factor: FloatArray
    statement_intercept: FloatArray
    statement_factor: FloatArray
    score: FloatArray
    iterations: int


def _solve_pairs(
    *,
    n: FloatArray,
    sum_other: FloatArray,
    sum_other_sq: FloatArray,
    sum_y: FloatArray,
    sum_y_other: FloatArray,
    lambda_intercept: float,
    lambda_factor: float,
) -> tuple[FloatArray, FloatArray]:
    """Solve every 2 x 2 normal equation for (intercept, factor) at once (Cramer's rule)."""
    a = n + lambda_intercept
    b = sum_other
    d = sum_other_sq + lambda_factor
    det = a * d - b * b
    intercept = (d * sum_y - b * sum_y_other) / det
    factor = (a * sum_y_other - b * sum_y) / det
    return intercept, factor


def fit(
    *,
    matrix: VoteMatrix,
    start_factor: FloatArray,
    min_votes: int,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = 1e-4,
    previous: Bridging | None = None,
) -> Bridging:
    """Fit the model by alternating least squares.

    `start_factor` seeds the statement factors (the first principal component does: it is
    independent of input order, so results are too). `previous` warm-starts an update.
    """
    values = matrix.values
    n_participants, n_statements = values.shape
    # Same sparsity as the votes; a pass is an entry of 0 in both, so it adds nothing.
    m = sparse.csr_matrix(
        ((values.data != 0).astype(np.float64), values.indices, values.indptr), shape=values.shape
    )
    r = sparse.csr_matrix(
        ((values.data > 0).astype(np.float64), values.indices, values.indptr), shape=values.shape
    )
    mt, rt = m.T, r.T  # CSC views, no copies
    n_user = np.asarray(m.sum(axis=1)).ravel()
    n_item = np.asarray(m.sum(axis=0)).ravel()
    agree_user = np.asarray(r.sum(axis=1)).ravel()
    agree_item = np.asarray(r.sum(axis=0)).ravel()
    n_ratings = float(n_user.sum())
    n_total = max(n_ratings, 1.0)
    user_scale = n_total / max(n_participants, 1)
    item_scale = n_total / max(n_statements, 1)

    mu = float(agree_user.sum()) / n_total
    b_user = np.zeros(n_participants)
    f_user = np.zeros(n_participants)
    b_item = np.zeros(n_statements)
    f_item = np.asarray(start_factor, dtype=np.float64).copy()
    if previous is not None:
        known_users = min(len(previous.participant_intercept), n_participants)
        known_items = min(len(previous.statement_intercept), n_statements)
        mu = previous.mu
        b_user[:known_users] = previous.participant_intercept[:known_users]
        f_user[:known_users] = previous.participant_factor[:known_users]
        b_item[:known_items] = np.nan_to_num(previous.statement_intercept[:known_items])
        f_item[:known_items] = previous.statement_factor[:known_items]

    iterations = 0
    change = np.inf
    while iterations < max_iterations and change > tolerance:
        old_items = b_item.copy()
        side = m @ np.column_stack([f_item, f_item**2, b_item, b_item * f_item])
        rated = r @ f_item
        b_user, f_user = _solve_pairs(
            n=n_user,
            sum_other=side[:, 0],
            sum_other_sq=side[:, 1],
            sum_y=agree_user - mu * n_user - side[:, 2],
            sum_y_other=rated - mu * side[:, 0] - side[:, 3],
            lambda_intercept=INTERCEPT_LAMBDA * user_scale,
            lambda_factor=FACTOR_LAMBDA * user_scale,
        )
        side = mt @ np.column_stack([f_user, f_user**2, b_user, b_user * f_user])
        rated = rt @ f_user
        b_item, f_item = _solve_pairs(
            n=n_item,
            sum_other=side[:, 0],
            sum_other_sq=side[:, 1],
            sum_y=agree_item - mu * n_item - side[:, 2],
            sum_y_other=rated - mu * side[:, 0] - side[:, 3],
            lambda_intercept=INTERCEPT_LAMBDA * item_scale,
            lambda_factor=FACTOR_LAMBDA * item_scale,
        )
        explained = n_user @ b_user + n_item @ b_item + f_item @ side[:, 0]
        mu = float(agree_user.sum() - explained) / n_total
        change = float(np.max(np.abs(b_item - old_items), initial=0.0))
        iterations += 1

    score = np.where(n_item >= min_votes, b_item, np.nan)
    return Bridging(
        mu=mu,
        participant_intercept=b_user,
        participant_factor=f_user,
        statement_intercept=b_item,
        statement_factor=f_item,
        score=score,
        iterations=iterations,
    )
