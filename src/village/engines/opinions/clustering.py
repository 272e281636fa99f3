"""Opinion groups on the 2-D map, as Polis forms them, in time linear in participants.

Participants are first gathered into up to 100 base clusters (k-means on the map); groups
are then k-means on the base-cluster centres weighted by their sizes, with k from 2 to 5
chosen by a weighted silhouette. The silhouette is over at most 100 weighted points, not
over every pair of participants, which is what keeps 100,000 participants fast.

Updates start from the previous base centres and group centres, keep k unless another k
wins several updates running, and keep each group's id by matching members (Hungarian),
so a few new votes do not flip or renumber groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

BASE_CLUSTERS = 100
MIN_K = 2
MAX_K = 5
GROUP_INITS = 10
K_PATIENCE = 3
NO_GROUP = -1


@dataclass(frozen=True, eq=False)
class Clustering:
    """Group of each participant (NO_GROUP when not clustered) and what produced it.

    `pending_k` and `pending_streak` count how many updates running another k has won;
    it replaces the current k after K_PATIENCE updates.
    """

    labels: IntArray
    group_ids: tuple[int, ...]
    centres: FloatArray
    base_centres: FloatArray
    silhouettes: dict[int, float]
    pending_k: int | None = None
    pending_streak: int = 0

    @property
    def k(self) -> int:
        return len(self.group_ids)


def _nearest(points: FloatArray, centres: FloatArray) -> tuple[IntArray, FloatArray]:
    distances, labels = cKDTree(centres).query(points)
    return np.asarray(labels, dtype=np.int64), np.asarray(distances)


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
    labels, _ = _nearest(points, centres)
    for _ in range(max_iterations):
        mass = np.bincount(labels, weights=weights, minlength=len(centres))
        for axis in range(points.shape[1]):
            moved = np.bincount(labels, weights=weights * points[:, axis], minlength=len(centres))
            np.divide(moved, mass, out=centres[:, axis], where=mass > 0)
        new_labels, _ = _nearest(points, centres)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    _, distances = _nearest(points, centres)
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
    """Silhouette of weighted points (each base cluster stands for its members)."""
    groups = np.unique(labels)
    if len(groups) < 2:
        return -1.0
    distances = np.sqrt(np.sum((points[:, None, :] - points[None, :, :]) ** 2, axis=2))
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


def _base_clusters(
    points: FloatArray,
    rng: np.random.Generator,
    previous: FloatArray | None,
) -> tuple[FloatArray, IntArray, FloatArray]:
    distinct = len(np.unique(points, axis=0))
    m = min(BASE_CLUSTERS, distinct)
    ones = np.ones(len(points))
    if previous is not None and len(previous) == m:
        centres, labels = kmeans(
            points=points, weights=ones, k=m, rng=rng, n_init=0, start=previous, max_iterations=8
        )
    else:
        centres, labels = kmeans(points=points, weights=ones, k=m, rng=rng, n_init=1)
    sizes = np.bincount(labels, minlength=len(centres)).astype(float)
    return centres, labels, sizes


def _k_range(n_base: int) -> range:
    """Polis's bound: more base clusters allow more groups, never more than 5."""
    high = min(MAX_K, MIN_K + n_base // 12, n_base - 1)
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
    xy = points[chosen]
    if len(np.unique(xy, axis=0)) < MIN_K:
        return None
    rng = np.random.default_rng(seed)
    previous_base = previous.base_centres if previous is not None else None
    base_centres, base_labels, sizes = _base_clusters(xy, rng, previous_base)

    fits: dict[int, tuple[FloatArray, IntArray]] = {}
    silhouettes: dict[int, float] = {}
    for k in _k_range(len(base_centres)):
        start = previous.centres if previous is not None and previous.k == k else None
        centres, labels = kmeans(
            points=base_centres, weights=sizes, k=k, rng=rng, n_init=GROUP_INITS, start=start
        )
        if len(centres) < k:
            continue
        fits[k] = (centres, labels)
        silhouettes[k] = weighted_silhouette(base_centres, sizes, labels)
    best_k = max(silhouettes, key=lambda k: (silhouettes[k], -k))

    k, pending_k, streak = best_k, None, 0
    if previous is not None and previous.k in fits and best_k != previous.k:
        streak = previous.pending_streak + 1 if previous.pending_k == best_k else 1
        if streak < K_PATIENCE:
            k, pending_k = previous.k, best_k
        else:
            streak = 0
    centres, group_of_base = fits[k]
    member_labels = group_of_base[base_labels]

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
        base_centres=base_centres,
        silhouettes=silhouettes,
        pending_k=pending_k,
        pending_streak=streak,
    )
