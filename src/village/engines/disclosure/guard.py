"""The guard every report and export of a round goes through.

A ``DisclosureGuard`` holds one round's snapshotted population and everything already
released from it. Each table is released cell by cell, largest first, and a cell is shown
only if it passes, in order:

1. the minimum group size (``SMALL_GROUP``);
2. the remainder rule: dropping any one of the cell's conditions gives a wider group, and
   what is left of that wider group without the cell must be empty or at least the minimum
   (``REMAINDER``) - so this cell and its wider group can never be subtracted. Conditions
   on ``structural`` attributes (members or guests; who answered or not) are never dropped:
   those parts are reported apart, and the audit still sees every combination;
3. across rounds, with a ``ledger`` of earlier reports' audiences: the people the cell
   covers must not differ from those of a group already released by 1 to minimum - 1
   people (``ACROSS_ROUNDS``, see ``ledger``);
4. the exact audit over everything released so far in the round, this table included
   (``DIFFERENCING``): no group under the minimum can be recovered by any combination of
   released counts. This also does secondary suppression: when a hidden cell could be
   worked out from the total, the next cell in line is hidden too.

If the filtered group itself fails these rules the whole table is refused. Because results
depend on what was released before, the app should store ``history`` and pass it back when
it rebuilds the guard, and should release its standard report tables in a fixed order when
the round closes, so that what a manager sees does not depend on who looked first.
Releasing a round's standard tables takes seconds for 20,000 respondents
(``bench/pulse_release.py``), so build them once and keep them.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from village.engines.disclosure.audit import AuditStats, CommentAudit, LinearAudit, Mask
from village.engines.disclosure.ledger import Audience, Ids, Ledger
from village.engines.disclosure.policy import Policy
from village.engines.disclosure.population import Population, PopulationError, roll_up
from village.engines.disclosure.reasons import ReasonCode, Suppression


@dataclass(frozen=True)
class Query:
    """A table: optional equality filters, then a breakdown by zero or more attributes.

    ``measures`` names the scores whose means are wanted in each shown cell.
    """

    breakdown: tuple[str, ...] = ()
    filters: tuple[tuple[str, str], ...] = ()
    measures: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        *,
        breakdown: Sequence[str] = (),
        filters: Mapping[str, str] | None = None,
        measures: Sequence[str] = (),
    ) -> Query:
        query = cls(
            breakdown=tuple(breakdown),
            filters=tuple(sorted((filters or {}).items())),
            measures=tuple(measures),
        )
        overlap = set(query.breakdown) & {name for name, _ in query.filters}
        if overlap or len(set(query.breakdown)) != len(query.breakdown):
            raise PopulationError("an attribute can be filtered or broken down, not both")
        return query

    def to_dict(self) -> dict[str, Any]:
        return {
            "breakdown": list(self.breakdown),
            "filters": dict(self.filters),
            "measures": list(self.measures),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Query:
        return cls.of(
            breakdown=data.get("breakdown", ()),
            filters=data.get("filters"),
            measures=data.get("measures", ()),
        )


@dataclass(frozen=True)
class Cell:
    """One group of a table: the breakdown values, and its rounded count and means if shown."""

    key: tuple[str, ...]
    count: int | None
    means: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    suppression: Suppression | None = None

    @property
    def shown(self) -> bool:
        return self.suppression is None


@dataclass(frozen=True)
class Table:
    """A released table; when ``refused`` is set, nothing in it is shown."""

    query: Query
    total: Cell
    cells: tuple[Cell, ...]
    note: str

    @property
    def refused(self) -> Suppression | None:
        return self.total.suppression


@dataclass(frozen=True)
class CommentCell:
    """Comments from one group, in content order (never time order), or why they are hidden."""

    key: tuple[str, ...]
    comments: tuple[str, ...]
    suppression: Suppression | None = None


@dataclass(frozen=True)
class CommentTable:
    query: Query
    question: str
    cells: tuple[CommentCell, ...]


@dataclass(frozen=True)
class LogEntry:
    """One request, enough to replay the guard's state: a table, or comments for a question."""

    query: Query
    question: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query.to_dict(), "question": self.question}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LogEntry:
        return cls(query=Query.from_dict(data["query"]), question=data.get("question"))


class DisclosureGuard:
    """Releases tables and comments for one round, never exposing a group under the minimum."""

    def __init__(
        self,
        *,
        population: Population,
        policy: Policy | None = None,
        hierarchies: Mapping[str, Mapping[str, str | None]] | None = None,
        history: Sequence[LogEntry] = (),
        structural: Collection[str] = (),
        audience: Audience | None = None,
        ledger: Ledger | None = None,
    ) -> None:
        self.policy = policy or Policy()
        self.structural = frozenset(structural)
        self.reported_as: dict[str, Mapping[str, str]] = {}
        for attribute, parents in (hierarchies or {}).items():
            rolled = roll_up(
                population=population,
                attribute=attribute,
                parents=parents,
                minimum=self.policy.minimum,
            )
            population, self.reported_as[attribute] = rolled.population, rolled.reported_as
            if audience is not None:
                audience = audience.mapped(attribute, rolled.reported_as)
        self.population = population
        self.audience = audience
        self.ledger = ledger
        self._released_audiences: dict[bytes, Ids] = {}
        self._audit = LinearAudit(atoms=population.atoms(), minimum=self.policy.minimum)
        self._comment_audits: dict[str, CommentAudit] = {}
        self._tables: dict[Query, Table] = {}
        self._comments: dict[tuple[str, Query], CommentTable] = {}
        self._history: list[LogEntry] = []
        for entry in history:
            if entry.question is None:
                self.table(entry.query)
            else:
                self.comments(question=entry.question, query=entry.query)

    @property
    def audit_stats(self) -> AuditStats:
        """How many audit checks were made and how each was decided."""
        return self._audit.stats

    @property
    def released_audiences(self) -> tuple[Ids, ...]:
        """The audience of every group shown so far: what the next round's ledger holds."""
        return tuple(self._released_audiences.values())

    @property
    def history(self) -> tuple[LogEntry, ...]:
        """Every request so far, in order; store it to rebuild the guard later."""
        return tuple(self._history)

    def table(self, query: Query) -> Table:
        """Counts and means for each cell of ``query``, with hidden cells explained."""
        if query in self._tables:
            return self._tables[query]
        self._check_measures(query)
        self._history.append(LogEntry(query=query))
        filters = dict(query.filters)
        group = self.population.mask(filters)
        total = self._release(key=(), conditions=filters, mask=group, measures=query.measures)
        if not query.breakdown:
            cells: tuple[Cell, ...] = ()
        elif total.suppression is not None:
            cells = tuple(
                Cell(key=key, count=None, suppression=total.suppression)
                for key in self._keys(query)
            )
        else:
            cells = self._release_cells(query, filters)
        table = Table(query=query, total=total, cells=cells, note=self.policy.note)
        self._tables[query] = table
        return table

    def comments(self, *, question: str, query: Query) -> CommentTable:
        """Comments on ``question`` per cell, only where enough people commented."""
        cache_key = (question, query)
        if cache_key in self._comments:
            return self._comments[cache_key]
        self._history.append(LogEntry(query=query, question=question))
        audit = self._comment_audits.setdefault(
            question, CommentAudit(minimum=self.policy.comment_minimum)
        )
        commented = self.population.commented(question)
        filters = dict(query.filters)
        cells = []
        for key in self._keys(query):
            conditions = {**filters, **dict(zip(query.breakdown, key, strict=True))}
            commenters = self.population.mask(conditions) & commented
            reason = self._comment_reason(conditions, commenters, commented, audit)
            if reason is None:
                audit.commit(commenters)
                texts = tuple(
                    sorted(
                        self.population.respondents[i].comments[question].strip()
                        for i in np.flatnonzero(commenters)
                    )
                )
                cells.append(CommentCell(key=key, comments=texts))
            else:
                cells.append(CommentCell(key=key, comments=(), suppression=reason))
        table = CommentTable(query=query, question=question, cells=tuple(cells))
        self._comments[cache_key] = table
        return table

    def _keys(self, query: Query) -> list[tuple[str, ...]]:
        for name in query.breakdown:
            if name not in self.population.domains:
                raise PopulationError(f"unknown attribute {name!r}")
        return list(itertools.product(*(self.population.domains[n] for n in query.breakdown)))

    def _check_measures(self, query: Query) -> None:
        unknown = set(query.measures) - self.population.score_names
        if unknown and self.population.scored.any():
            raise PopulationError(f"unknown scores {sorted(unknown)}")
        if query.measures:
            group = self.population.mask(dict(query.filters))
            if not self.population.scored[group].all():
                raise PopulationError("averages need a filter to people who answered")

    def _release_cells(self, query: Query, filters: Mapping[str, str]) -> tuple[Cell, ...]:
        keys = self._keys(query)
        conditions = [{**filters, **dict(zip(query.breakdown, k, strict=True))} for k in keys]
        masks = [self.population.mask(c) for c in conditions]
        # Largest first: secondary suppression then hides the smallest cells still in line.
        order = sorted(range(len(keys)), key=lambda i: (-int(masks[i].sum()), keys[i]))
        released: dict[int, Cell] = {}
        for i in order:
            released[i] = self._release(
                key=keys[i], conditions=conditions[i], mask=masks[i], measures=query.measures
            )
        return tuple(released[i] for i in range(len(keys)))

    def _release(
        self,
        *,
        key: tuple[str, ...],
        conditions: Mapping[str, str],
        mask: Mask,
        measures: Sequence[str],
    ) -> Cell:
        reason = self._reason(conditions, mask)
        if reason is not None:
            return Cell(
                key=key,
                count=None,
                suppression=Suppression.because(reason, minimum=self.policy.minimum),
            )
        self._audit.commit(mask)
        if self.audience is not None:
            covered = self.audience.covered(conditions)
            if covered.size:
                self._released_audiences.setdefault(covered.tobytes(), covered)
        means = {
            name: self.policy.round_mean(float(self.population.scores(name)[mask].mean()))
            for name in measures
        }
        return Cell(
            key=key,
            count=self.policy.round_count(int(mask.sum())),
            means=MappingProxyType(means),
        )

    def _reason(self, conditions: Mapping[str, str], mask: Mask) -> ReasonCode | None:
        minimum = self.policy.minimum
        count = int(mask.sum())
        if count < minimum:
            return ReasonCode.SMALL_GROUP
        for dropped in set(conditions) - self.structural:
            wider = self.population.mask({k: v for k, v in conditions.items() if k != dropped})
            if 0 < int(wider.sum()) - count < minimum:
                return ReasonCode.REMAINDER
        if (
            self.audience is not None
            and self.ledger is not None
            and self.ledger.near(self.audience.covered(conditions))
        ):
            return ReasonCode.ACROSS_ROUNDS
        if self._audit.check(mask) is not None:
            return ReasonCode.DIFFERENCING
        return None

    def _comment_reason(
        self,
        conditions: Mapping[str, str],
        commenters: Mask,
        commented: Mask,
        audit: CommentAudit,
    ) -> Suppression | None:
        minimum = self.policy.comment_minimum
        count = int(commenters.sum())
        if count < minimum:
            return Suppression.because(ReasonCode.FEW_COMMENTS, minimum=minimum)
        for dropped in set(conditions) - self.structural:
            wider = self.population.mask({k: v for k, v in conditions.items() if k != dropped})
            if 0 < int((wider & commented).sum()) - count < minimum:
                return Suppression.because(ReasonCode.REMAINDER, minimum=minimum)
        if not audit.check(commenters):
            return Suppression.because(ReasonCode.COMMENT_OVERLAP, minimum=minimum)
        return None
