"""Typed results of an opinion analysis and their JSON and text forms.

Per-participant figures stay as arrays (a conversation can have 100,000 participants);
the JSON is built only when asked for.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from village.engines.opinions.consensus import Divide
from village.engines.opinions.repness import Representative

Status = Literal["ok", "not_enough_votes"]
NO_GROUP = -1


@dataclass(frozen=True)
class Settings:
    """Every threshold the analysis uses, so results can say what they were computed with.

    `common_ground_threshold` is the smoothed agreement that counts as a clear majority;
    `min_cell_votes` the votes a group or constituency needs on a statement before it can
    count towards common ground or a divide; `min_statement_votes` the votes below which a
    statement is flagged as having too few.
    """

    min_votes_to_cluster: int = 7
    confidence: float = 0.90
    pick_max: int = 5
    common_ground_threshold: float = 0.6
    min_cell_votes: int = 5
    min_statement_votes: int = 5
    divides_count: int = 5

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class CellCounts:
    """Votes of one group or constituency on one statement, and its smoothed agreement."""

    agree: int
    disagree: int
    passes: int

    @property
    def votes(self) -> int:
        return self.agree + self.disagree + self.passes

    @property
    def p_agree(self) -> float:
        return (self.agree + 1) / (self.votes + 2)

    def as_dict(self) -> dict[str, object]:
        return {
            "agree": self.agree,
            "disagree": self.disagree,
            "pass": self.passes,
            "p_agree": self.p_agree,
        }


@dataclass(frozen=True)
class StatementResult:
    """Everything computed about one statement, with the vote counts behind it."""

    id: str
    agree: int
    disagree: int
    passes: int
    too_few_votes: bool
    x: float | None = None
    y: float | None = None
    consensus: float | None = None
    consensus_disagree: float | None = None
    balanced_support: float | None = None
    bridging: float | None = None
    polarity: float | None = None
    common_ground: bool = False
    priority: float | None = None
    by_group: dict[int, CellCounts] = field(default_factory=dict)
    by_constituency: dict[str, CellCounts] = field(default_factory=dict)

    @property
    def votes(self) -> int:
        return self.agree + self.disagree + self.passes

    def as_dict(self) -> dict[str, object]:
        return {
            "agree": self.agree,
            "disagree": self.disagree,
            "pass": self.passes,
            "votes": self.votes,
            "too_few_votes": self.too_few_votes,
            "x": self.x,
            "y": self.y,
            "consensus": self.consensus,
            "consensus_disagree": self.consensus_disagree,
            "balanced_support": self.balanced_support,
            "bridging": self.bridging,
            "polarity": self.polarity,
            "common_ground": self.common_ground,
            "priority": self.priority,
            "by_group": {str(g): c.as_dict() for g, c in self.by_group.items()},
            "by_constituency": {k: c.as_dict() for k, c in self.by_constituency.items()},
        }


@dataclass(frozen=True)
class GroupResult:
    id: int
    size: int
    representative: tuple[Representative, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "size": self.size,
            "representative": [r.statement for r in self.representative],
            "repness": [r.as_dict() for r in self.representative],
        }


@dataclass(frozen=True)
class VoiceShare:
    """One constituency's share of participants beside its share of voice."""

    constituency: str
    participants: int
    participants_share: float
    statements_written: int
    statements_share: float
    votes_cast: int
    votes_share: float
    agreement_received: int
    agreement_share: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class ParticipantPoint:
    id: str
    group: int | None
    x: float
    y: float
    votes: int


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


@dataclass(frozen=True, eq=False)
class OpinionResult:
    """The analysis of one conversation. `status` says whether there were enough votes."""

    status: Status
    message: str
    seed: int
    settings: Settings
    participant_ids: tuple[str, ...]
    participant_xy: npt.NDArray[np.float64]
    participant_group: npt.NDArray[np.int64]
    participant_votes: npt.NDArray[np.int64]
    statements: tuple[StatementResult, ...]
    groups: tuple[GroupResult, ...] = ()
    divides: tuple[Divide, ...] = ()
    voice_balance: tuple[VoiceShare, ...] = ()
    constituencies: tuple[str, ...] = ()
    excluded_statements: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def participant(self, participant_id: str) -> ParticipantPoint:
        i = self.participant_ids.index(participant_id)
        group = int(self.participant_group[i])
        return ParticipantPoint(
            id=participant_id,
            group=None if group == NO_GROUP else group,
            x=float(self.participant_xy[i, 0]),
            y=float(self.participant_xy[i, 1]),
            votes=int(self.participant_votes[i]),
        )

    def statement(self, statement_id: str) -> StatementResult:
        for s in self.statements:
            if s.id == statement_id:
                return s
        raise KeyError(statement_id)

    def groups_by_participant(self) -> dict[str, int | None]:
        return {
            pid: (None if g == NO_GROUP else int(g))
            for pid, g in zip(self.participant_ids, self.participant_group.tolist(), strict=True)
        }

    @property
    def common_ground(self) -> tuple[str, ...]:
        """Common-ground statements, highest group-aware consensus first."""
        found = [s for s in self.statements if s.common_ground]
        found.sort(key=lambda s: -(s.consensus or 0.0))
        return tuple(s.id for s in found)

    def as_dict(self) -> dict[str, object]:
        xy = self.participant_xy.tolist()
        groups = self.participant_group.tolist()
        votes = self.participant_votes.tolist()
        participants = {
            pid: {
                "group": None if g == NO_GROUP else g,
                "x": point[0],
                "y": point[1],
                "votes": n,
            }
            for pid, g, point, n in zip(self.participant_ids, groups, xy, votes, strict=True)
        }
        statements = {}
        for s in self.statements:
            entry = s.as_dict()
            for key in ("consensus", "consensus_disagree", "balanced_support", "bridging"):
                entry[key] = _number(entry[key])  # type: ignore[arg-type]
            statements[s.id] = entry
        return {
            "status": self.status,
            "message": self.message,
            "seed": self.seed,
            "settings": self.settings.as_dict(),
            "participants": participants,
            "groups": [g.as_dict() for g in self.groups],
            "statements": statements,
            "common_ground": list(self.common_ground),
            "divides": [d.as_dict() for d in self.divides],
            "voice_balance": [v.as_dict() for v in self.voice_balance],
            "constituencies": list(self.constituencies),
            "excluded_statements": list(self.excluded_statements),
            "timings": dict(self.timings),
        }

    def to_json(self, *, indent: int | None = None) -> str:
        return json.dumps(self.as_dict(), indent=indent, ensure_ascii=False, allow_nan=False)
