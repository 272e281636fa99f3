"""The opinion analysis pipeline: votes in, groups, common ground and bridging out.

`analyse` runs everything from scratch; `update` starts from a previous `Analysis` (its
principal components, base clusters, group centres and bridging model) so that a few
more votes cost a fraction of a full run and do not reshuffle the groups.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from village.engines.opinions import bridging as bridging_model
from village.engines.opinions import pca
from village.engines.opinions.clustering import NO_GROUP, Clustering, cluster
from village.engines.opinions.consensus import (
    balanced_support,
    common_ground,
    divides,
    group_aware_consensus,
)
from village.engines.opinions.counts import Tally, tallies, tally
from village.engines.opinions.matrix import VoteMatrix, Votes, build_matrix, merge_votes
from village.engines.opinions.priority import statement_priorities
from village.engines.opinions.repness import representative_statements
from village.engines.opinions.results import (
    CellCounts,
    GroupResult,
    OpinionResult,
    Settings,
    StatementResult,
)
from village.engines.opinions.voice import voice_balance

UPDATE_PCA_ITERATIONS = 2
UPDATE_BRIDGING_ITERATIONS = 3


@dataclass(frozen=True, eq=False)
class Analysis:
    """A result plus what an update needs to start from it."""

    result: OpinionResult
    matrix: VoteMatrix
    projection: pca.Projection | None
    clustering: Clustering | None
    bridging: bridging_model.Bridging | None
    priorities: npt.NDArray[np.float64]
    constituency_of: dict[str, str] = field(default_factory=dict)
    authors: dict[str, str] = field(default_factory=dict)
    meta: frozenset[str] = frozenset()


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._start = self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self._last, 6)
        self._last = now

    def done(self) -> dict[str, float]:
        self.timings["total"] = round(time.perf_counter() - self._start, 6)
        return self.timings


def analyse(
    *,
    votes: Votes,
    constituencies: Mapping[str, str] | None = None,
    moderated: Collection[str] = (),
    authors: Mapping[str, str] | None = None,
    meta: Collection[str] = (),
    seed: int = 0,
    settings: Settings | None = None,
) -> Analysis:
    """Analyse a conversation from scratch.

    `constituencies` maps participant id to constituency, `authors` statement id to the
    participant who wrote it, `moderated` lists statements removed by moderators (they
    leave every result) and `meta` statements about the conversation itself (priority).
    """
    clock = _Clock()
    matrix = build_matrix(votes=votes, moderated=moderated)
    clock.lap("matrix")
    return _run(
        matrix=matrix,
        clock=clock,
        constituency_of={str(k): str(v) for k, v in (constituencies or {}).items()},
        authors={str(k): str(v) for k, v in (authors or {}).items()},
        meta=frozenset(str(m) for m in meta),
        seed=seed,
        settings=settings or Settings(),
        previous=None,
    )


def update(
    *,
    previous: Analysis,
    new_votes: Votes,
    constituencies: Mapping[str, str] | None = None,
    authors: Mapping[str, str] | None = None,
) -> Analysis:
    """Fold new votes (and any newly declared constituencies or authors) into `previous`."""
    clock = _Clock()
    matrix = merge_votes(matrix=previous.matrix, new_votes=new_votes)
    clock.lap("matrix")
    return _run(
        matrix=matrix,
        clock=clock,
        constituency_of={
            **previous.constituency_of,
            **{str(k): str(v) for k, v in (constituencies or {}).items()},
        },
        authors={**previous.authors, **{str(k): str(v) for k, v in (authors or {}).items()}},
        meta=previous.meta,
        seed=previous.result.seed,
        settings=previous.result.settings,
        previous=previous,
    )


def next_statement_priorities(*, analysis: Analysis, participant_id: str) -> dict[str, float]:
    """Priority of each statement the participant has not voted on yet (Polis's formula)."""
    matrix = analysis.matrix
    unvoted = np.ones(len(matrix.statement_ids), dtype=bool)
    try:
        row = matrix.participant_ids.index(participant_id)
    except ValueError:
        row = -1
    if row >= 0:
        values = matrix.values
        unvoted[values.indices[values.indptr[row] : values.indptr[row + 1]]] = False
    return {matrix.statement_ids[j]: float(analysis.priorities[j]) for j in np.flatnonzero(unvoted)}


def _shortage(matrix: VoteMatrix) -> str | None:
    """Why there are not enough votes to analyse, or None when there are."""
    values = matrix.values
    if values.nnz == 0:
        return "Not enough votes yet: nobody has voted."
    if values.shape[0] < 2:
        return "Not enough votes yet: only one participant has voted."
    if values.shape[1] < 2:
        return "Not enough votes yet: votes on at least two statements are needed."
    if not np.any(values.data):
        return "Not enough votes yet: every vote so far is a pass."
    return None


def _cells(t: Tally) -> list[list[CellCounts]]:
    """Each statement's counts per set of participants (read out of numpy once, not per cell)."""
    return [
        [CellCounts(agree=a, disagree=d, passes=p) for a, d, p in zip(*row, strict=True)]
        for row in zip(t.agree.T.tolist(), t.disagree.T.tolist(), t.passes.T.tolist(), strict=True)
    ]


def _constituency_labels(
    matrix: VoteMatrix, constituency_of: Mapping[str, str]
) -> tuple[tuple[str, ...], npt.NDArray[np.int64]]:
    names = tuple(
        sorted({constituency_of[p] for p in matrix.participant_ids if p in constituency_of})
    )
    index = {n: i for i, n in enumerate(names)}
    labels = np.asarray(
        [index.get(constituency_of.get(p, ""), -1) for p in matrix.participant_ids],
        dtype=np.int64,
    )
    return names, labels


def _run(
    *,
    matrix: VoteMatrix,
    clock: _Clock,
    constituency_of: dict[str, str],
    authors: dict[str, str],
    meta: frozenset[str],
    seed: int,
    settings: Settings,
    previous: Analysis | None,
) -> Analysis:
    n_participants, n_statements = matrix.shape
    agree, disagree, passes = matrix.statement_counts()
    total = agree + disagree + passes
    votes_each = matrix.participant_vote_counts()
    names, c_labels = _constituency_labels(matrix, constituency_of)
    voice = voice_balance(
        matrix=matrix,
        names=names,
        participant_labels=c_labels,
        constituency_of=constituency_of,
        authors=authors,
        agree_counts=agree,
    )
    clock.lap("constituencies")

    def not_enough(message: str, projection: pca.Projection | None) -> Analysis:
        c_cells = _cells(tally(matrix=matrix, labels=c_labels, n_labels=len(names)))
        xy = projection.participants if projection is not None else np.zeros((n_participants, 2))
        statements = tuple(
            StatementResult(
                id=sid,
                agree=int(agree[j]),
                disagree=int(disagree[j]),
                passes=int(passes[j]),
                too_few_votes=bool(total[j] < settings.min_statement_votes),
                by_constituency=dict(zip(names, c_cells[j], strict=True)),
            )
            for j, sid in enumerate(matrix.statement_ids)
        )
        result = OpinionResult(
            status="not_enough_votes",
            message=message,
            seed=seed,
            settings=settings,
            participant_ids=matrix.participant_ids,
            participant_xy=xy,
            participant_group=np.full(n_participants, NO_GROUP, dtype=np.int64),
            participant_votes=votes_each,
            statements=statements,
            voice_balance=voice,
            constituencies=names,
            excluded_statements=tuple(sorted(matrix.excluded)),
            timings=clock.done(),
        )
        return Analysis(
            result=result,
            matrix=matrix,
            projection=projection,
            clustering=None,
            bridging=None,
            priorities=np.zeros(n_statements),
            constituency_of=constituency_of,
            authors=authors,
            meta=meta,
        )

    shortage = _shortage(matrix)
    if shortage is not None:
        return not_enough(shortage, None)

    previous_projection = previous.projection if previous is not None else None
    projection = pca.project(
        matrix=matrix,
        seed=seed,
        previous_components=(
            previous_projection.components if previous_projection is not None else None
        ),
        max_iterations=UPDATE_PCA_ITERATIONS if previous_projection else pca.MAX_ITERATIONS,
    )
    clock.lap("pca")

    threshold = min(settings.min_votes_to_cluster, n_statements)
    clustering = cluster(
        points=projection.participants,
        clusterable=votes_each >= threshold,
        seed=seed,
        previous=previous.clustering if previous is not None else None,
    )
    clock.lap("clustering")
    if clustering is None:
        return not_enough(
            f"Not enough votes yet: opinion groups need at least two participants with "
            f"{threshold} or more votes who do not all vote alike.",
            projection,
        )

    group_index = np.full(n_participants, -1, dtype=np.int64)
    grouped = clustering.labels != NO_GROUP
    group_index[grouped] = np.searchsorted(clustering.group_ids, clustering.labels[grouped])
    g_tally, c_tally = tallies(
        matrix=matrix, labelings=[(group_index, clustering.k), (c_labels, len(names))]
    )
    representatives = representative_statements(
        groups=g_tally,
        statement_ids=matrix.statement_ids,
        confidence=settings.confidence,
        pick_max=settings.pick_max,
    )
    clock.lap("repness")

    consensus = group_aware_consensus(g_tally)
    consensus_disagree = np.prod(g_tally.p_disagree(), axis=0)
    common = common_ground(
        tallies=[g_tally, c_tally],
        threshold=settings.common_ground_threshold,
        min_votes=settings.min_cell_votes,
    )
    balanced = balanced_support(c_tally) if names else np.full(n_statements, np.nan)
    found_divides = divides(
        constituencies=c_tally,
        names=names,
        statement_ids=matrix.statement_ids,
        min_votes=settings.min_cell_votes,
        count=settings.divides_count,
    )
    clock.lap("consensus")

    warm_bridging = previous.bridging if previous is not None else None
    bridge = bridging_model.fit(
        matrix=matrix,
        start_factor=projection.components[0] * np.sqrt(n_statements),
        min_votes=settings.min_statement_votes,
        previous=warm_bridging,
        max_iterations=(
            UPDATE_BRIDGING_ITERATIONS if warm_bridging else bridging_model.MAX_ITERATIONS
        ),
    )
    clock.lap("bridging")

    priorities = statement_priorities(
        agree=agree,
        passes=passes,
        total=total,
        extremity=projection.extremity,
        meta=np.asarray([s in meta for s in matrix.statement_ids], dtype=bool),
    )
    g_cells, c_cells = _cells(g_tally), _cells(c_tally)
    statements = tuple(
        StatementResult(
            id=sid,
            agree=int(agree[j]),
            disagree=int(disagree[j]),
            passes=int(passes[j]),
            too_few_votes=bool(total[j] < settings.min_statement_votes),
            x=float(projection.statements[j, 0]),
            y=float(projection.statements[j, 1]),
            consensus=float(consensus[j]),
            consensus_disagree=float(consensus_disagree[j]),
            balanced_support=None if np.isnan(balanced[j]) else float(balanced[j]),
            bridging=None if np.isnan(bridge.score[j]) else float(bridge.score[j]),
            polarity=float(bridge.statement_factor[j]),
            common_ground=bool(common[j]),
            priority=float(priorities[j]),
            by_group=dict(zip(clustering.group_ids, g_cells[j], strict=True)),
            by_constituency=dict(zip(names, c_cells[j], strict=True)),
        )
        for j, sid in enumerate(matrix.statement_ids)
    )
    sizes = np.bincount(group_index[grouped], minlength=clustering.k)
    groups = tuple(
        GroupResult(id=gid, size=int(sizes[g]), representative=tuple(representatives[g]))
        for g, gid in enumerate(clustering.group_ids)
    )
    clock.lap("results")
    result = OpinionResult(
        status="ok",
        message=(
            f"{n_participants} participants, {n_statements} statements, "
            f"{matrix.values.nnz} votes, {clustering.k} opinion groups."
        ),
        seed=seed,
        settings=settings,
        participant_ids=matrix.participant_ids,
        participant_xy=projection.participants,
        participant_group=clustering.labels,
        participant_votes=votes_each,
        statements=statements,
        groups=groups,
        divides=tuple(found_divides),
        voice_balance=voice,
        constituencies=names,
        excluded_statements=tuple(sorted(matrix.excluded)),
        timings=clock.done(),
    )
    return Analysis(
        result=result,
        matrix=matrix,
        projection=projection,
        clustering=clustering,
        bridging=bridge,
        priorities=priorities,
        constituency_of=constituency_of,
        authors=authors,
        meta=meta,
    )
