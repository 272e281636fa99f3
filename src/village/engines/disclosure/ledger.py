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

import io
from collections.abc import Iterable, Mapping, Sequence
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
    """Audiences already released in earlier reports of one partnership.

    Each is kept as a bitmap over everyone who appears in any of them, sorted by size: only
    audiences within ``minimum`` of a new one's size can be near it, and those are compared
    with one XOR and a bit count each.
    """

    def __init__(self, *, minimum: int, audiences: Iterable[Ids] = ()) -> None:
        self.minimum = minimum
        unique = sorted({a.tobytes(): a for a in audiences if a.size}.values(), key=len)
        self._people = np.unique(np.concatenate(unique)) if unique else np.zeros(0, np.int64)
        self._sizes = np.array([a.size for a in unique], dtype=np.int64)
        self._bitmaps = np.vstack([self._bitmap(a)[0] for a in unique]) if unique else None

    def __len__(self) -> int:
        return int(self._sizes.size)

    def _bitmap(self, audience: Ids) -> tuple[npt.NDArray[np.uint64], int]:
        """The audience as bits over known people, and how many of it are not known."""
        known = np.isin(audience, self._people, assume_unique=True)
        bits = np.zeros(self._people.size, dtype=np.bool_)
        bits[np.searchsorted(self._people, audience[known])] = True
        packed = np.packbits(bits)
        padded = np.zeros(-(-packed.size // 8) * 8, dtype=np.uint8)
        padded[: packed.size] = packed
        return padded.view(np.uint64), int((~known).sum())

    def near(self, audience: Ids) -> bool:
        """Does an earlier audience differ from this one by 1 to minimum - 1 people?"""
        if audience.size == 0 or self._bitmaps is None:
            return False
        low = int(np.searchsorted(self._sizes, audience.size - self.minimum + 1, side="left"))
        high = int(np.searchsorted(self._sizes, audience.size + self.minimum - 1, side="right"))
        if low >= high:
            return False
        bits, unknown = self._bitmap(audience)
        differ = np.bitwise_count(self._bitmaps[low:high] ^ bits).sum(axis=1) + unknown
        return bool(np.any((differ > 0) & (differ < self.minimum)))


def pack_audiences(audiences: Sequence[Ids]) -> bytes:
    """Audiences as bytes to store beside a report, so the next round's ledger is read back
    rather than rebuilt: who is in each, as bits over everyone in any (compressed)."""
    people = np.unique(np.concatenate(audiences)) if audiences else np.zeros(0, np.int64)
    bits = np.zeros((len(audiences), people.size), dtype=np.bool_)
    for row, audience in enumerate(audiences):
        bits[row, np.searchsorted(people, audience)] = True
    buffer = io.BytesIO()
    np.savez_compressed(buffer, people=people, bits=np.packbits(bits, axis=1))
    return buffer.getvalue()


def unpack_audiences(packed: bytes) -> list[Ids]:
    """The sorted ids of each audience that pack_audiences stored, in the same order."""
    with np.load(io.BytesIO(packed), allow_pickle=False) as stored:
        people, bits = stored["people"], stored["bits"]
    members = np.unpackbits(bits, axis=1, count=people.size).astype(np.bool_)
    return [people[row] for row in members]
