"""Synthetic conversations with planted opinion groups, for tests and the benchmark.

Each planted group takes a side on every statement: on divisive statements the groups'
sides are drawn independently, on consensus statements every group shares one side. A
participant votes with their group's side with probability `loyalty`, against it
otherwise, and passes with probability `pass_rate`. Who votes on what is uniform at the
given density, so a 100,000 x 2,000 conversation at 5% is ten million votes, generated
in a couple of seconds without building a dense matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from village.engines.opinions.matrix import Votes

CONSTITUENCIES = ("family", "practitioner", "manager", "other")


@dataclass(frozen=True, eq=False)
class SyntheticConversation:
    votes: Votes
    planted: npt.NDArray[np.int64]
    constituencies: dict[str, str]

    def planted_by_id(self) -> dict[str, int]:
        return {
            pid: int(g) for pid, g in zip(self.votes.participant_ids, self.planted, strict=True)
        }


def generate(
    *,
    n_participants: int,
    n_statements: int,
    density: float,
    seed: int,
    group_shares: Sequence[float] = (0.5, 0.3, 0.2),
    consensus_share: float = 0.2,
    loyalty: float = 0.85,
    pass_rate: float = 0.1,
) -> SyntheticConversation:
    """A conversation whose participants belong to `len(group_shares)` planted groups."""
    rng = np.random.default_rng(seed)
    shares = np.asarray(group_shares, dtype=float)
    planted = rng.choice(len(shares), size=n_participants, p=shares / shares.sum())
    sides = rng.choice([-1, 1], size=(len(shares), n_statements))
    consensus = rng.random(n_statements) < consensus_share
    sides[:, consensus] = sides[0, consensus]

    cells = n_participants * n_statements
    wanted = min(round(density * cells), cells)
    drawn = rng.integers(0, cells, size=int(wanted * 1.1) + 16)
    unique = np.flatnonzero(np.bincount(drawn, minlength=cells)) if cells < 2**24 else None
    if unique is None:
        drawn.sort()
        keep = np.ones(len(drawn), dtype=bool)
        keep[1:] = drawn[1:] != drawn[:-1]
        unique = drawn[keep]
    chosen = rng.permutation(unique)[:wanted]
    participant = (chosen // n_statements).astype(np.int32)
    statement = (chosen % n_statements).astype(np.int32)

    side = sides[planted[participant], statement]
    loyal = rng.random(len(chosen)) < loyalty
    value = np.where(loyal, side, -side).astype(np.int8)
    value[rng.random(len(chosen)) < pass_rate] = 0

    constituency_of = {
        str(p): CONSTITUENCIES[(int(g) + (p % 3 == 0)) % len(CONSTITUENCIES)]
        for p, g in enumerate(planted)
    }
    votes = Votes(
        participant_ids=tuple(str(i) for i in range(n_participants)),
        statement_ids=tuple(str(j) for j in range(n_statements)),
        participant=participant,
        statement=statement,
        value=value,
    )
    return SyntheticConversation(
        votes=votes, planted=planted.astype(np.int64), constituencies=constituency_of
    )
