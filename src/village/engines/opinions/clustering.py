"""Opinion groups on the 2-D map, as Polis forms them, in time linear in participants.

For each k from 2 to 5, k-means (several seeded k-means++ starts, best inertia kept) runs
on a fixed sample of at most 5,000 clusterable participants, and k is chosen by the
silhouette of a fixed sample of at most 2,000; Lloyd iterations on everyone then finish
the chosen k from the sample's centres. Small conversations use everyone for both; large
ones never compute a silhouette over every pair of participants, which is what makes the
reference implementation slow.

Updates start from the previous centres, keep k unless another k wins several updates
running, and keep each group's id by matching members (Hungarian), so a few new votes do
not flip or renumber groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

FIT_SAMPLE = 5_000
SILHOUETTE_SAMPLE = 2_000
MIN_K = 2
MAX_K = 5
GROUP_INITS = 10
K_PATIENCE = 3
# More groups must beat fewer by this much silhouette: near-ties would otherwise make k
# (and so every group) flicker between updates, and a 2-D map rarely supports the finer
# split (on the Brexit export it matches Polis's own groups far better).
K_MARGIN = 0.02
NO_GROUP = -1


@dataclass(frozen=True, eq=False)
class Clustering:
    """Group of each participant (NO_GROUP when not clustered) and what produced it.

    `candidates` keeps the centres found for every k tried, to warm-start the next update;
    `pending_k` and `pending_streak` count how many updates running another k has won;
    it replaces the current k after K_PATIENCE updates.
    """

    labels: IntArray
    group_ids: tuple[int, ...]
    centres: FloatArray
    silhouettes: dict[int, float]
    candidates: dict[int, FloatArray]
    pending_k: int | None = None
    pending_streak: int = 0

    @property
    def k(self) -> int:
        return len(self.group_ids)


def _nearest(points: FloatArray, centres: FloatArray) -> tuple[IntArray, FloatArray]:
    """Nearest centre of each point; direct distances, as there are at most five centres."""
    squared = np.zeros((len(points), len(centres)))
    for axis in range(points.shape[1]):
        squared += (points[:, axis, None] - centres[None, :, axis]) ** 2
    labels = np.argmin(squared, axis=1)
    return labels.astype(np.int64), np.sqrt(squared[np.arange(len(points)), labels])


def _plus_plus(
    points: FloatArray, weights: FloatArray, k: int, rng: np.random.Generator
) -> FloatArray:
    """k-means++ seeding, weighted; falls back to uniform picks once every point is a centre."""
    first = rng.choice(len(points), p=weights / weights.sum())
    centres = [points[first]]
    closest = np.sum((points - points[first]) ** 2, axis=1)
    for _ in range(1, k):
        mass = closest * weights
        total = mass.sum()
        pick = rng.choice(len(points), p=mass / total) if total > 0 else rng.integers(len(points))
        centres.append(points[pick])
        closest = np.minimum(closest, np.sum((points - points[pick]) ** 2, axis=1))
    return np.asarray(centres)


def _lloyd(
    points: FloatArray, weights: FloatArray, centres: FloatArray, max_iterations: int
) -> tuple[FloatArray, IntArray, float]:
    """Weighted Lloyd iterations until no label changes; an empty cluster keeps its centre."""
    centres = centres.copy()
    labels, distances = _nearest(points, centres)
    for _ in range(max_iterations):
        mass = np.bincount(labels, weights=weights, minlength=len(centres))
        for axis in range(points.shape[1]):
            moved = np.bincount(labels, weights=weights * points[:, axis], minlength=len(centres))
            np.divide(moved, mass, out=centres[:, axis], where=mass > 0)
        new_labels, distances = _nearest(points, centres)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return centres, labels, float(np.sum(weights * distances**2))


def kmeans(
    *,
    points: FloatArray,
    weights: FloatArray,
    k: int,
    rng: np.random.Generator,
    n_init: int,
    start: FloatArray | None = None,
    max_iterations: int = 100,
) -> tuple[FloatArray, IntArray]:
    """Best of `n_init` seeded k-means++ runs (plus a warm start from `start` if given)."""
    best: tuple[FloatArray, IntArray, float] | None = None
    if start is not None and len(start) == k:
        best = _lloyd(points, weights, start, max_iterations)
    for _ in range(n_init):
        run = _lloyd(points, weights, _plus_plus(points, weights, k, rng), max_iterations)
        if best is None or run[2] < best[2] - 1e-12:
            best = run
    assert best is not None
    centres, labels, _ = best
    used = np.unique(labels)
    remap = np.full(len(centres), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    return centres[used], remap[labels]


def weighted_silhouette(points: FloatArray, weights: FloatArray, labels: IntArray) -> float:
    """Silhouette of weighted points (a weight of 1 each gives the usual silhouette)."""
    groups = np.unique(labels)
    if len(groups) < 2:
        return -1.0
    distances = cdist(points, points)
    member = labels[:, None] == groups[None, :]
    mass = member.T.astype(float) @ weights
    summed = distances @ (member * weights[:, None])
    own = np.searchsorted(groups, labels)
    own_mass = mass[own] - weights
    scores = np.zeros(len(points))
    others = summed / mass[None, :]
    others[np.arange(len(points)), own] = np.inf
    b = others.min(axis=1)
    has_company = own_mass > 0
    a = np.where(has_company, summed[np.arange(len(points)), own] / np.maximum(own_mass, 1e-300), 0)
    denominator = np.maximum(a, b)
    ok = has_company & (denominator > 0)
    scores[ok] = (b[ok] - a[ok]) / denominator[ok]
    return float(np.sum(weights * scores) / np.sum(weights))


def _k_range(n_distinct: int) -> range:
    """Polis's bound: more people allow more groups, never more than 5."""
    high = min(MAX_K, MIN_K + n_distinct // 12, n_distinct - 1)
    return range(MIN_K, max(high, MIN_K) + 1)


def _canonical_ids(centres: FloatArray, labels: IntArray) -> IntArray:
    """Number groups by size, largest first; ties by position on the map."""
    sizes = np.bincount(labels, minlength=len(centres))
    order = np.lexsort((centres[:, 1], centres[:, 0], -sizes))
    ids = np.empty(len(centres), dtype=np.int64)
    ids[order] = np.arange(len(centres))
    return ids


def _matched_ids(
    labels: IntArray, previous_labels: IntArray, k: int, previous_ids: tuple[int, ...]
) -> IntArray:
    """Give each new group the id of the previous group it shares most members with."""
    both = previous_labels >= 0
    previous_index = {g: i for i, g in enumerate(previous_ids)}
    overlap = np.zeros((k, len(previous_ids)))
    if both.any():
        rows = labels[both]
        cols = np.asarray([previous_index[g] for g in previous_labels[both]])
        np.add.at(overlap, (rows, cols), 1.0)
    new_rows, old_cols = linear_sum_assignment(-overlap)
    ids = np.full(k, -1, dtype=np.int64)
    ids[new_rows] = np.asarray(previous_ids, dtype=np.int64)[old_cols]
    spare = iter(i for i in range(k + len(previous_ids)) if i not in set(ids.tolist()))
    for g in range(k):
        if ids[g] < 0:
            ids[g] = next(spare)
    return ids


def cluster(
    *,
    points: FloatArray,
    clusterable: npt.NDArray[np.bool_],
    seed: int,
    previous: Clustering | None = None,
) -> Clustering | None:
    """Groups of the clusterable participants, or None when fewer than two distinct points.

    `previous` must describe the same participants in the same order (new ones appended).
    """
    chosen = np.flatnonzero(clusterable)
    # Cluster in map order, not input order, so renaming or reordering participants
    # gives the same random draws and therefore the same groups.
    rounded = np.round(points[chosen], 9)
    chosen = chosen[np.lexsort((rounded[:, 1], rounded[:, 0]))]
    xy = points[chosen]
    n_distinct = len(np.unique(xy, axis=0))
    if n_distinct < MIN_K:
        return None
    rng = np.random.default_rng(seed)
    ones = np.ones(len(xy))

    def sample(size: int) -> IntArray:
        if len(xy) <= size:
            return np.arange(len(xy))
        return np.sort(rng.choice(len(xy), size=size, replace=False))

    fit_sample, score_sample = sample(FIT_SAMPLE), sample(SILHOUETTE_SAMPLE)
    fits: dict[int, FloatArray] = {}
    silhouettes: dict[int, float] = {}
    fitted = xy[fit_sample]
    for k in _k_range(n_distinct):
        warm = previous.candidates.get(k) if previous is not None else None
        centres, _ = kmeans(
            points=fitted,
            weights=ones[fit_sample],
            k=k,
            rng=rng,
            n_init=0 if warm is not None else GROUP_INITS,
            start=warm,
        )
        if len(centres) < k:
            continue
        fits[k] = centres
        scored, _ = _nearest(xy[score_sample], centres)
        silhouettes[k] = weighted_silhouette(xy[score_sample], ones[score_sample], scored)
    if not fits:
        return None
    top = max(silhouettes.values())
    best_k = min(k for k, score in silhouettes.items() if score >= top - K_MARGIN)

    k, pending_k, streak = best_k, None, 0
    if previous is not None and previous.k in fits and best_k != previous.k:
        streak = previous.pending_streak + 1 if previous.pending_k == best_k else 1
        if streak < K_PATIENCE:
            k, pending_k = previous.k, best_k
        else:
            streak = 0
    # Only the chosen k is finished on every participant.
    centres, member_labels = kmeans(points=xy, weights=ones, k=k, rng=rng, n_init=0, start=fits[k])
    if len(centres) < k:
        centres, member_labels = fits[k], _nearest(xy, fits[k])[0]

    if previous is None:
        ids = _canonical_ids(centres, member_labels)
    else:
        old = np.full(len(points), NO_GROUP, dtype=np.int64)
        old[: len(previous.labels)] = previous.labels
        ids = _matched_ids(member_labels, old[chosen], k, previous.group_ids)
    labels = np.full(len(points), NO_GROUP, dtype=np.int64)
    labels[chosen] = ids[member_labels]
    order = np.argsort(ids)
    return Clustering(
        labels=labels,
        group_ids=tuple(int(i) for i in ids[order]),
        centres=centres[order],
        candidates={**fits, k: centres},
        silhouettes=silhouettes,
        pending_k=pending_k,
        pending_streak=streak,
    )
