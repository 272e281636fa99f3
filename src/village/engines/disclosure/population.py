"""The people a round's reports are about, as plain data snapshotted when the round opened.

A ``Respondent`` is one anonymous response: categorical attributes (agency, sector, role,
career stage, team...), numeric scores and free-text comments. Attributes are the ones
snapshotted at round open, so a later move between teams cannot be used to single anyone out.
``domains`` lists every value each attribute can take, so a breakdown shows (hidden) cells for
groups with nobody in them instead of silently dropping them, which would reveal a zero.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

Mask = npt.NDArray[np.bool_]


class PopulationError(ValueError):
    """The population or a query about it is inconsistent."""


def _frozen(mapping: Mapping[str, object] | None) -> Mapping[str, object]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Respondent:
    """One anonymous response; nothing here links it to a person."""

    attributes: Mapping[str, str]
    scores: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    comments: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", _frozen(self.attributes))
        object.__setattr__(self, "scores", _frozen(self.scores))
        object.__setattr__(self, "comments", _frozen(self.comments))


@dataclass(frozen=True)
class Population:
    """All respondents of one round, with the full list of values for each attribute."""

    respondents: tuple[Respondent, ...]
    domains: Mapping[str, tuple[str, ...]]

    @classmethod
    def snapshot(
        cls,
        *,
        respondents: Iterable[Respondent],
        domains: Mapping[str, Sequence[str]] | None = None,
    ) -> Population:
        """Build and check a population; domains default to the values that occur."""
        people = tuple(respondents)
        if domains is None:
            values: dict[str, set[str]] = defaultdict(set)
            for person in people:
                for name, value in person.attributes.items():
                    values[name].add(value)
            domains = {name: sorted(found) for name, found in values.items()}
        frozen = MappingProxyType({name: tuple(values) for name, values in domains.items()})
        population = cls(respondents=people, domains=frozen)
        population.validate()
        return population

    def validate(self) -> None:
        names = set(self.domains)
        score_names = set(self.score_names)
        for index, person in enumerate(self.respondents):
            if set(person.attributes) != names:
                raise PopulationError(f"respondent {index} does not have attributes {names}")
            for name, value in person.attributes.items():
                if value not in self.domains[name]:
                    raise PopulationError(f"{name}={value!r} is not in the snapshot's values")
            if person.scores and set(person.scores) != score_names:
                raise PopulationError("every respondent must have the same scores, or none")

    def __len__(self) -> int:
        return len(self.respondents)

    @functools.cached_property
    def score_names(self) -> frozenset[str]:
        return next((frozenset(p.scores) for p in self.respondents if p.scores), frozenset())

    @functools.cached_property
    def scored(self) -> Mask:
        """Who has scores; someone asked who did not answer is counted, never averaged."""
        return np.fromiter(
            (bool(p.scores) for p in self.respondents), dtype=np.bool_, count=len(self)
        )

    def atoms(self) -> npt.NDArray[np.intp]:
        """Each respondent's combination of attribute values, as a label."""
        if not self.domains or not self.respondents:
            return np.zeros(len(self), dtype=np.intp)
        columns = np.vstack([self._columns[name] for name in sorted(self.domains)]).T
        _, labels = np.unique(columns, axis=0, return_inverse=True)
        return labels.ravel().astype(np.intp)

    def mask(self, conditions: Mapping[str, str]) -> Mask:
        """Who matches every ``attribute == value`` condition."""
        for name, value in conditions.items():
            if name not in self.domains:
                raise PopulationError(f"unknown attribute {name!r}")
            if value not in self.domains[name]:
                raise PopulationError(f"{name}={value!r} is not in the snapshot's values")
        mask = np.ones(len(self.respondents), dtype=np.bool_)
        for name, value in conditions.items():
            mask &= self._columns[name] == self.domains[name].index(value)
        return mask

    @functools.cached_property
    def _columns(self) -> Mapping[str, npt.NDArray[np.int64]]:
        """Each attribute as an array of value positions, so masks are vectorised."""
        positions = {
            name: {value: i for i, value in enumerate(values)}
            for name, values in self.domains.items()
        }
        return {
            name: np.array(
                [positions[name][person.attributes[name]] for person in self.respondents],
                dtype=np.int64,
            )
            for name in self.domains
        }

    def commented(self, question: str) -> Mask:
        return np.fromiter(
            (bool(person.comments.get(question, "").strip()) for person in self.respondents),
            dtype=np.bool_,
            count=len(self.respondents),
        )

    def scores(self, name: str) -> npt.NDArray[np.float64]:
        if name not in self.score_names:
            raise PopulationError(f"unknown score {name!r}")
        return self._score_columns[name]

    @functools.cached_property
    def _score_columns(self) -> Mapping[str, npt.NDArray[np.float64]]:
        return {
            name: np.array(
                [person.scores.get(name, np.nan) for person in self.respondents], dtype=np.float64
            )
            for name in self.score_names
        }


@dataclass(frozen=True)
class RollUp:
    """A population with small teams merged into their parents, and who went where."""

    population: Population
    reported_as: Mapping[str, str]


def roll_up(
    *,
    population: Population,
    attribute: str,
    parents: Mapping[str, str | None],
    minimum: int,
) -> RollUp:
    """Merge every team with fewer than ``minimum`` respondents into its parent.

    Works from the leaves up: a team is reported on its own if its own respondents plus those
    of any small sub-teams merged into it reach the minimum; otherwise it merges upwards.
    A top-level team is always reported (it has nowhere to go); the report rules then hide
    it if it is still small.
    """
    if attribute not in population.domains:
        raise PopulationError(f"unknown attribute {attribute!r}")
    teams = population.domains[attribute]
    for team, parent in parents.items():
        if team not in teams or (parent is not None and parent not in teams):
            raise PopulationError(f"{attribute} {team!r} or its parent is not in the snapshot")
    children: dict[str | None, list[str]] = defaultdict(list)
    for team in teams:
        children[parents.get(team)].append(team)
    order = _top_down(children)
    if len(order) != len(teams):
        raise PopulationError(f"the {attribute} hierarchy has a cycle")
    counts = Counter(person.attributes[attribute] for person in population.respondents)
    size: dict[str, int] = {}
    reported: set[str] = set()
    for team in reversed(order):
        size[team] = counts[team] + sum(size[c] for c in children[team] if c not in reported)
        if size[team] >= minimum or parents.get(team) is None:
            reported.add(team)
    reported_as: dict[str, str] = {}
    for team in order:
        parent = parents.get(team)
        reported_as[team] = team if team in reported or parent is None else reported_as[parent]
    respondents = tuple(
        Respondent(
            attributes={
                **person.attributes,
                attribute: reported_as[person.attributes[attribute]],
            },
            scores=person.scores,
            comments=person.comments,
        )
        for person in population.respondents
    )
    domains = {
        **population.domains,
        attribute: tuple(team for team in teams if team in reported),
    }
    return RollUp(
        population=Population.snapshot(respondents=respondents, domains=domains),
        reported_as=MappingProxyType(reported_as),
    )


def _top_down(children: Mapping[str | None, list[str]]) -> list[str]:
    """Teams with every parent before its children (roots first)."""
    order: list[str] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        team = stack.pop()
        order.append(team)
        stack.extend(reversed(children.get(team, [])))
    return order
