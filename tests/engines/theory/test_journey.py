"""The journey's gates: each needs its own things and every earlier gate's, still true."""

from __future__ import annotations

import pytest

from village.engines.theory import GATE_MONTHS, Gap, Need, Progress, missing, needs

THEORY_DONE = dict(outcomes=1, activities_leading_to_outcomes=1, assumptions_in_pathway=1)


def test_the_gates_are_at_0_3_6_12_and_18_months() -> None:
    assert GATE_MONTHS == (0, 3, 6, 12, 18)


def test_a_gate_needs_what_every_earlier_gate_needed() -> None:
    assert needs(0) == (Need.THEORY,)
    assert needs(6) == (Need.THEORY, Need.EVALUATION_PLAN, Need.BASELINES, Need.STORIES)
    assert needs(18)[-1] == Need.OUTCOME_REPORT
    with pytest.raises(ValueError, match="no gate at 4 months"):
        needs(4)


@pytest.mark.parametrize(
    "short",
    [
        {"outcomes": 0},
        {"activities_leading_to_outcomes": 0},
        {"assumptions_in_pathway": 0},
    ],
)
def test_gate_0_needs_outcomes_activities_leading_to_them_and_assumptions(short: dict) -> None:
    assert missing(months=0, progress=Progress(**THEORY_DONE)) == []
    assert missing(months=0, progress=Progress(**{**THEORY_DONE, **short})) == [Gap(Need.THEORY)]


def test_gate_3_needs_a_plan_with_indicators_and_every_baseline_named() -> None:
    ready = Progress(**THEORY_DONE, indicators=2, documents=frozenset({"evaluation_plan"}))
    assert missing(months=3, progress=ready) == []
    no_indicators = Progress(**THEORY_DONE, documents=frozenset({"evaluation_plan"}))
    assert missing(months=3, progress=no_indicators) == [Gap(Need.EVALUATION_PLAN)]
    short = Progress(
        **THEORY_DONE, indicators=2, indicators_without_baseline=("Plans with families",)
    )
    assert missing(months=3, progress=short) == [
        Gap(Need.EVALUATION_PLAN),
        Gap(Need.BASELINES, ("Plans with families",)),
    ]


def test_a_baseline_missing_later_stops_the_6_month_gate() -> None:
    progress = Progress(
        **THEORY_DONE,
        indicators=2,
        indicators_without_baseline=("New indicator",),
        documents=frozenset({"evaluation_plan"}),
        stories=1,
    )
    assert missing(months=6, progress=progress) == [Gap(Need.BASELINES, ("New indicator",))]


def test_the_last_gates_need_their_documents_and_stories() -> None:
    everything = Progress(
        **THEORY_DONE,
        indicators=1,
        documents=frozenset({"evaluation_plan", "midpoint_review", "outcome_report"}),
        stories=2,
    )
    assert missing(months=18, progress=everything) == []
    without = Progress(**THEORY_DONE, indicators=1, documents=frozenset({"evaluation_plan"}))
    assert missing(months=18, progress=without) == [
        Gap(Need.STORIES),
        Gap(Need.MIDPOINT_REVIEW),
        Gap(Need.OUTCOME_REPORT),
    ]
