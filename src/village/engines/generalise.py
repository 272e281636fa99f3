"""Coarsen stored attributes until every stored combination is shared by at least k people.

A pulse response keeps a few attributes of its author (agency, team, ...) so reports can break
results down. Joined to the round's audience snapshot, a rare combination would single its
author out. Before a response is stored, its attributes are coarsened, field by field in a
fixed order, replacing values with "unknown", until the combination stored is shared by at
least `minimum` people in the snapshot.

The level of coarsening is decided from the snapshot alone, for everyone at once, so an
attacker who knows this rule learns nothing from the level chosen: a stored combination
stands for exactly the group of snapshot people who would be stored the same way, and that
group has at least `minimum` people (unless the whole snapshot is smaller than that).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Key = tuple[str, ...]


@dataclass(frozen=True)
class Generalisation:
    """How far each attribute combination found in a snapshot is coarsened."""

    order: tuple[str, ...]
    unknown: str
    levels: Mapping[Key, int]

    def key(self, record: Mapping[str, str]) -> Key:
        return tuple(str(record.get(name, self.unknown)) for name in self.order)

    def level(self, record: Mapping[str, str]) -> int:
        """Unknown combinations (not in the snapshot) are coarsened completely."""
        return self.levels.get(self.key(record), len(self.order))

    def apply(self, record: Mapping[str, str]) -> dict[str, str]:
        """The record as it may be stored: the first `level` fields in order become unknown."""
        level = self.level(record)
        return {
            name: self.unknown if index < level else value
            for index, (name, value) in enumerate(zip(self.order, self.key(record), strict=True))
        }


def _shown(key: Key, level: int, unknown: str) -> Key:
    return tuple(unknown if index < level else value for index, value in enumerate(key))


def generalisation(
    *,
    population: Sequence[Mapping[str, str]],
    order: Sequence[str],
    minimum: int,
    unknown: str,
) -> Generalisation:
    """Find the least coarsening (fields dropped in `order`) that keeps every group >= minimum.

    Each group of people stored alike that is smaller than the minimum is coarsened one more
    step, until none is. People only leave groups that are too small, so a group that reached
    the minimum keeps it and the loop ends (at worst with everything unknown). If the fully
    unknown group ends up non-empty but smaller than the minimum, the smallest other group
    joins it, and so on until it reaches the minimum: otherwise the few stored as "unknown"
    could be told apart from the rest. One outlier so costs the smallest group its details,
    not everyone.
    """
    names = tuple(order)
    sizes = Counter(
        tuple(str(person.get(name, unknown)) for name in names) for person in population
    )
    levels = dict.fromkeys(sizes, 0)
    changed = True
    while changed:
        changed = False
        groups: Counter[Key] = Counter()
        for key, count in sizes.items():
            groups[_shown(key, levels[key], unknown)] += count
        for key in sizes:
            shown = _shown(key, levels[key], unknown)
            if groups[shown] < minimum and levels[key] < len(names):
                levels[key] += 1
                changed = True
    everything_unknown = tuple(unknown for _name in names)
    while True:
        groups = Counter()
        for key, count in sizes.items():
            groups[_shown(key, levels[key], unknown)] += count
        rest = groups.pop(everything_unknown, 0)
        if not 0 < rest < minimum or not groups:
            break
        smallest = min(groups, key=lambda shown: (groups[shown], shown))
        for key in sizes:
            if _shown(key, levels[key], unknown) == smallest:
                levels[key] = len(names)
    return Generalisation(order=names, unknown=unknown, levels=levels)
