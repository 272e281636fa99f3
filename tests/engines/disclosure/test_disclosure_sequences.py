"""Property tests over sequences of rounds: people join and leave between rounds, answer or
not, and every round's report is released through a guard holding the ledger of the rounds
before it.

Checked with the independent oracle: within each round, no group under the minimum follows
from the round's released counts, people who did not answer included (so response rates and
scores are checked together); across rounds, no two released groups cover people who differ
by 1 to minimum - 1, so no figure can be subtracted from an earlier one to single anyone out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engines.disclosure._disclosure_oracle import (
    exact_counts_are_safe,
    released_groups,
    smallest_recoverable_atoms,
)
from village.engines.disclosure import (
    Audience,
    DisclosureGuard,
    Ids,
    Ledger,
    Policy,
    Population,
    Query,
    Respondent,
)

VALUES = {"agency": ("police", "health", "school"), "role": ("staff", "manager")}
TOOK_PART = "took_part"
PEOPLE = 36


@st.composite
def people(draw: Any) -> list[dict[str, str]]:
    profiles = draw(
        st.lists(st.tuples(*(st.sampled_from(v) for v in VALUES.values())), min_size=1, max_size=4)
    )
    return [dict(zip(VALUES, draw(st.sampled_from(profiles)), strict=True)) for _ in range(PEOPLE)]


@st.composite
def queries(draw: Any) -> Query:
    breakdown, filters = [], {}
    for name, values in VALUES.items():
        use = draw(st.sampled_from(["ignore", "filter", "breakdown"]))
        if use == "filter":
            filters[name] = draw(st.sampled_from(values))
        elif use == "breakdown":
            breakdown.append(name)
    if draw(st.booleans()):  # how many answered, with their average score...
        return Query.of(breakdown=breakdown, filters={**filters, TOOK_PART: "yes"}, measures=["s"])
    return Query.of(breakdown=breakdown, filters=filters)  # ...or how many were asked


@st.composite
def sequences(draw: Any) -> tuple[list[dict[str, str]], list[dict[str, Any]], Policy]:
    everyone = draw(people())
    audience = set(draw(st.sets(st.integers(0, PEOPLE - 1), min_size=8, max_size=PEOPLE)))
    rounds = []
    for _ in range(draw(st.integers(2, 4))):
        answered = draw(st.sets(st.sampled_from(sorted(audience)))) if audience else set()
        rounds.append(
            {
                "audience": sorted(audience),
                "answered": answered,
                "queries": draw(st.lists(queries(), min_size=1, max_size=5)),
            }
        )
        leaving = (
            draw(st.sets(st.sampled_from(sorted(audience)), max_size=6)) if audience else set()
        )
        others = sorted(set(range(PEOPLE)) - audience)
        joining = draw(st.sets(st.sampled_from(others), max_size=6)) if others else set()
        audience = (audience - leaving) | joining
    return everyone, rounds, Policy(minimum=draw(st.sampled_from([5, 6])))


def _round_population(everyone: list[dict[str, str]], round_: dict[str, Any]) -> Population:
    respondents = [
        Respondent(attributes={**everyone[i], TOOK_PART: "yes"}, scores={"s": float((i * 7) % 11)})
        if i in round_["answered"]
        else Respondent(attributes={**everyone[i], TOOK_PART: "no"})
        for i in round_["audience"]
    ]
    return Population.snapshot(
        respondents=respondents, domains={**VALUES, TOOK_PART: ("yes", "no")}
    )


def _person_level(first: Ids, second: Ids) -> tuple[Population, list[frozenset[int]]]:
    """The people of two audiences, described by which of the two they are in."""
    population = Population.snapshot(
        respondents=[
            Respondent(attributes={"first": str(i in first), "second": str(i in second)})
            for i in range(PEOPLE)
        ]
    )
    return population, [frozenset(int(i) for i in a) for a in (first, second)]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequences())
def test_nothing_released_across_a_sequence_of_rounds_singles_anyone_out(
    scenario: tuple[list[dict[str, str]], list[dict[str, Any]], Policy],
) -> None:
    everyone, rounds, policy = scenario
    earlier: list[Ids] = []
    released: list[list[Ids]] = []
    for round_ in rounds:
        population = _round_population(everyone, round_)
        guard = DisclosureGuard(
            population=population,
            policy=policy,
            structural={TOOK_PART},
            audience=Audience.of((i, everyone[i]) for i in round_["audience"]),
            ledger=Ledger(minimum=policy.minimum, audiences=earlier),
        )
        tables = [guard.table(q) for q in round_["queries"]]
        groups = released_groups(guard, tables)
        assert all(len(group) >= policy.minimum for group in groups)
        assert exact_counts_are_safe(population, groups, policy.minimum)
        released.append(list(guard.released_audiences))
        earlier += guard.released_audiences

    for i, first in enumerate(released):
        for second in released[i + 1 :]:
            for a in first:
                for b in second:
                    assert not 0 < np.setxor1d(a, b).size < policy.minimum
                    population, pair = _person_level(a, b)
                    assert smallest_recoverable_atoms(population, pair, policy.minimum) is None


def test_a_newcomer_between_two_rounds_is_protected() -> None:
    """The sequence the issue found: the same ten people, then the same ten and one more."""
    everyone = [{"agency": "police", "role": "staff"} for _ in range(PEOPLE)]
    policy = Policy()
    ledger = Ledger(minimum=5)
    shown = []
    for audience in (list(range(10)), list(range(11))):
        round_ = {"audience": audience, "answered": set(audience), "queries": []}
        guard = DisclosureGuard(
            population=_round_population(everyone, round_),
            policy=policy,
            structural={TOOK_PART},
            audience=Audience.of((i, everyone[i]) for i in audience),
            ledger=ledger,
        )
        shown.append(guard.table(Query.of(filters={TOOK_PART: "yes"}, measures=["s"])).total)
        ledger = Ledger(minimum=5, audiences=guard.released_audiences)
    assert shown[0].shown
    assert not shown[1].shown and shown[1].suppression is not None
    assert shown[1].suppression.code == "across_rounds"
