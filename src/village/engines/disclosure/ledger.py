"""The people each released figure is about, across rounds, to stop subtraction between reports.

Two rounds are different populations (different answers), so the linear audit of one round
cannot see them together. What links them is the people: if "Health" in March covered 40
people and "Health" in April covers the same 40 plus one newcomer, subtracting the two
figures says a lot about the newcomer. So every released group is also recorded by its
*audience*, the set of people asked who match its conditions (a stable id per person), and
a group is refused when its audience differs from one released in an earlier report by
more than nobody but fewer than the minimum group size.

The audience of a group is who *could* be in it (everyone asked who matches), not who
answered, which no record links to anyone. Conditions on answers (whether someone took
part, score bands) are ignored, so the audience is a superset of the group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Audience:
    """Everyone a round asked: a stable id per person and their snapshotted attributes."""

    ids: Ids
    attributes: Mapping[str, npt.NDArray[np.str_]]

    @classmethod
    def of(cls, people: Iterable[tuple[int, Mapping[str, str]]]) -> Audience:
        rows = list(people)
        names = sorted({name for _, attributes in rows for name in attributes})
        return cls(
            ids=np.array([person for person, _ in rows], dtype=np.int64),
            attributes=MappingProxyType(
                {
                    name: np.array([attributes.get(name, "") for _, attributes in rows], dtype=str)
                    for name in names
                }
            ),
        )

    def covered(self, conditions: Mapping[str, str]) -> Ids:
        """Sorted ids of everyone matching the conditions this audience records."""
        mask = np.ones(self.ids.size, dtype=np.bool_)
        for name, value in conditions.items():
            if name in self.attributes:
                mask &= self.attributes[name] == value
        return np.sort(self.ids[mask])

    def mapped(self, attribute: str, reported_as: Mapping[str, str]) -> Audience:
        """The same people with one attribute relabelled (small teams rolled into parents)."""
        if attribute not in self.attributes:
            return self
        values = self.attributes[attribute]
        relabelled = np.array([reported_as.get(v, v) for v in values.tolist()], dtype=str)
        return Audience(
            ids=self.ids,
            attributes=MappingProxyType({**self.attributes, attribute: relabelled}),
        )


class Ledger:
    """Audiences already released in earlier reports of one partnership."""

    def __init__(self, *, minimum: int, audiences: Iterable[Ids] = ()) -> None:
        self.minimum = minimum
        unique = {a.tobytes(): a for a in audiences if a.size}
        self._audiences: list[Ids] = sorted(unique.values(), key=len)
        self._sizes = np.array([a.size for a in self._audiences], dtype=np.int64)

    def __len__(self) -> int:
        return len(self._audiences)

    def near(self, audience: Ids) -> Ids | None:
        """An earlier audience differing from this one by 1 to minimum - 1 people, if any."""
        if audience.size == 0:
            return None
        size = audience.size
        low = int(np.searchsorted(self._sizes, size - self.minimum + 1, side="left"))
        high = int(np.searchsorted(self._sizes, size + self.minimum - 1, side="right"))
        for earlier in self._audiences[low:high]:
            common = np.intersect1d(audience, earlier, assume_unique=True).size
            if 0 < size + earlier.size - 2 * common < self.minimum:
                return earlier
        return None

