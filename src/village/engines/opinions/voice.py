"""Voice balance: is each constituency heard in proportion to its numbers?

Shares of statements written, votes cast and agreement received are set beside each
constituency's share of participants, so a group that is present but unheard shows up.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from village.engines.opinions.matrix import VoteMatrix
from village.engines.opinions.results import VoiceShare

UNSPECIFIED = "unspecified"


def _share(part: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    total = part.sum()
    return part / total if total > 0 else np.zeros_like(part)


def voice_balance(
    *,
    matrix: VoteMatrix,
    names: tuple[str, ...],
    participant_labels: npt.NDArray[np.int64],
    constituency_of: Mapping[str, str],
    authors: Mapping[str, str],
    agree_counts: npt.NDArray[np.int64],
) -> tuple[VoiceShare, ...]:
    """Shares per constituency; participants without one are reported as 'unspecified'.

    `participant_labels` index `names` (-1 for none); authors are looked up by id.
    """
    rows = (*names, UNSPECIFIED)
    index = {name: i for i, name in enumerate(names)}
    other = len(names)

    def label(participant: str) -> int:
        c = constituency_of.get(participant)
        return index[c] if c is not None and c in index else other

    people = np.where(participant_labels >= 0, participant_labels, other)
    participants = np.bincount(people, minlength=len(rows)).astype(float)
    votes = np.bincount(
        people, weights=np.diff(matrix.values.indptr).astype(float), minlength=len(rows)
    )
    written = np.zeros(len(rows))
    received = np.zeros(len(rows))
    for j, statement in enumerate(matrix.statement_ids):
        author = authors.get(statement)
        if author is None:
            continue
        written[label(author)] += 1
        received[label(author)] += agree_counts[j]

    shares = [_share(np.asarray(a, dtype=float)) for a in (participants, written, votes, received)]
    return tuple(
        VoiceShare(
            constituency=rows[c],
            participants=int(participants[c]),
            participants_share=float(shares[0][c]),
            statements_written=int(written[c]),
            statements_share=float(shares[1][c]),
            votes_cast=int(votes[c]),
            votes_share=float(shares[2][c]),
            agreement_received=int(received[c]),
            agreement_share=float(shares[3][c]),
        )
        for c in range(len(rows))
        if c < other or participants[c] + written[c] > 0
    )
