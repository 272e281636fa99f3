"""The 18-month journey: gates at 0, 3, 6, 12 and 18 months, and what each needs.

The needs are data (``GATES``); each is checked against a plain snapshot of the project
(``Progress``) that the hub app reads from whatever it holds, so a later source of stories
or evidence changes the snapshot, not these rules. A gate needs what its own row asks and
everything the earlier gates asked, still true now: an indicator added after the 3-month
gate needs its baseline before the 6-month gate can be passed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Need(StrEnum):
    THEORY = "theory"
    EVALUATION_PLAN = "evaluation_plan"
    BASELINES = "baselines"
    STORIES = "stories"
    MIDPOINT_REVIEW = "midpoint_review"
    OUTCOME_REPORT = "outcome_report"


GATES: dict[int, tuple[Need, ...]] = {
    0: (Need.THEORY,),
    3: (Need.EVALUATION_PLAN, Need.BASELINES),
    6: (Need.STORIES,),
    12: (Need.MIDPOINT_REVIEW,),
    18: (Need.OUTCOME_REPORT,),
}
GATE_MONTHS = tuple(sorted(GATES))


@dataclass(frozen=True)
class Progress:
    """What a project has now, as counts and names: all the gate rules read."""

    outcomes: int = 0
    activities_leading_to_outcomes: int = 0
    assumptions_in_pathway: int = 0
    indicators: int = 0
    indicators_without_baseline: tuple[str, ...] = ()
    documents: frozenset[str] = field(default_factory=frozenset)
    stories: int = 0


@dataclass(frozen=True)
class Gap:
    """One need not met; ``names`` lists the things short of it (indicators with no
    baseline), when there are some to name."""

    need: Need
    names: tuple[str, ...] = ()


def _theory(p: Progress) -> Gap | None:
    complete = p.outcomes and p.activities_leading_to_outcomes and p.assumptions_in_pathway
    return None if complete else Gap(Need.THEORY)


def _evaluation_plan(p: Progress) -> Gap | None:
    return (
        None if Need.EVALUATION_PLAN in p.documents and p.indicators else Gap(Need.EVALUATION_PLAN)
    )


def _baselines(p: Progress) -> Gap | None:
    return (
        Gap(Need.BASELINES, p.indicators_without_baseline)
        if (p.indicators_without_baseline)
        else None
    )


def _stories(p: Progress) -> Gap | None:
    return None if p.stories else Gap(Need.STORIES)


def _document(need: Need) -> Callable[[Progress], Gap | None]:
    return lambda p: None if need in p.documents else Gap(need)


CHECKS: dict[Need, Callable[[Progress], Gap | None]] = {
    Need.THEORY: _theory,
    Need.EVALUATION_PLAN: _evaluation_plan,
    Need.BASELINES: _baselines,
    Need.STORIES: _stories,
    Need.MIDPOINT_REVIEW: _document(Need.MIDPOINT_REVIEW),
    Need.OUTCOME_REPORT: _document(Need.OUTCOME_REPORT),
}


def needs(months: int) -> tuple[Need, ...]:
    """Everything the gate at ``months`` needs: its own needs and every earlier gate's."""
    if months not in GATES:
        raise ValueError(f"There is no gate at {months} months.")
    return tuple(need for gate in GATE_MONTHS if gate <= months for need in GATES[gate])


def missing(*, months: int, progress: Progress) -> list[Gap]:
    """What the gate at ``months`` still needs; empty when it can be passed."""
    return [gap for need in needs(months) if (gap := CHECKS[need](progress)) is not None]
