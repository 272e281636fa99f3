"""Property tests: whatever is asked, in whatever order, no small group can be recovered.

Populations and query sequences are generated; everything the guard shows is then checked
by the independent exact oracle in ``_disclosure_oracle`` (rational arithmetic over attribute
combinations, brute force over every set of small combinations).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engines.disclosure._disclosure_oracle import (
    exact_counts_are_safe,
    members,
    nested_differences_are_safe,
    released_groups,
)
from village.engines.disclosure import (
    DisclosureGuard,
    Policy,
    Population,
    Query,
    Respondent,
    find_small_group,
)

VALUES = {
    "agency": ("police", "health", "school"),
    "role": ("staff", "manager"),
    "stage": ("new", "established", "retiring"),
    "team": ("north", "south", "west"),
}


@st.composite
def populations(draw: Any, *, max_attributes: int) -> Population:
    names = draw(
        st.lists(st.sampled_from(sorted(VALUES)), min_size=2, max_size=max_attributes, unique=True)
    )
    # A few common profiles plus stragglers, so there are both large and small groups.
    profiles = draw(
        st.lists(
            st.tuples(*(st.sampled_from(VALUES[name]) for name in names)), min_size=1, max_size=6
        )
    )
    rows = draw(st.lists(st.sampled_from(profiles), max_size=60))
    rows += draw(
        st.lists(st.tuples(*(st.sampled_from(VALUES[name]) for name in names)), max_size=6)
    )
    return Population.snapshot(
        respondents=[
            Respondent(attributes=dict(zip(names, row, strict=True)), scores={"s": float(i % 7)})
            for i, row in enumerate(rows)
        ],
        domains={name: VALUES[name] for name in names},
    )


@st.composite
def queries(draw: Any, population: Population) -> Query:
    breakdown, filters = [], {}
    for name, values in population.domains.items():
        use = draw(st.sampled_from(["ignore", "filter", "breakdown"]))
        if use == "filter":
            filters[name] = draw(st.sampled_from(values))
        elif use == "breakdown":
            breakdown.append(name)
    return Query.of(breakdown=breakdown, filters=filters, measures=["s"])


@st.composite
def scenarios(draw: Any, *, max_attributes: int) -> tuple[Population, list[Query], Policy]:
    population = draw(populations(max_attributes=max_attributes))
    asked = draw(st.lists(queries(population), min_size=1, max_size=8))
    policy = Policy(minimum=draw(st.sampled_from([5, 6])))
    return population, asked, policy


def run(population: Population, asked: list[Query], policy: Policy) -> DisclosureGuard:
    guard = DisclosureGuard(population=population, policy=policy)
    for query in asked:
        guard.table(query)
    return guard


def check_shown_cells(guard: DisclosureGuard, asked: list[Query]) -> None:
    for query in asked:
        table = guard.table(query)
        filters = dict(query.filters)
        for conditions, cell in [
            (filters, table.total),
            *(
                ({**filters, **dict(zip(query.breakdown, c.key, strict=True))}, c)
                for c in table.cells
            ),
        ]:
            size = len(members(guard.population, conditions))
            if cell.shown:
                assert size >= guard.policy.minimum
                assert cell.count is not None and abs(cell.count - size) <= 2
                assert cell.count % 5 == 0 and set(cell.means) == {"s"}
            else:
                assert cell.count is None and not cell.means
                assert cell.suppression is not None and cell.suppression.message


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_attributes=3))
def test_no_small_group_can_be_recovered_exactly(
    scenario: tuple[Population, list[Query], Policy],
) -> None:
    population, asked, policy = scenario
    guard = run(population, asked, policy)
    check_shown_cells(guard, asked)
    groups = released_groups(guard, [guard.table(q) for q in asked])
    assert nested_differences_are_safe(groups, policy.minimum)
    assert exact_counts_are_safe(population, groups, policy.minimum)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_attributes=4))
def test_four_attributes_nested_differences_and_audit_hold(
    scenario: tuple[Population, list[Query], Policy],
) -> None:
    population, asked, policy = scenario
    guard = run(population, asked, policy)
    check_shown_cells(guard, asked)
    groups = released_groups(guard, [guard.table(q) for q in asked])
    assert nested_differences_are_safe(groups, policy.minimum)
    masks = [np.isin(np.arange(len(population)), sorted(group)) for group in groups]
    assert find_small_group(masks, minimum=policy.minimum) is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_attributes=3))
def test_replaying_history_gives_the_same_tables(
    scenario: tuple[Population, list[Query], Policy],
) -> None:
    population, asked, policy = scenario
    guard = run(population, asked, policy)
    rebuilt = DisclosureGuard(population=population, policy=policy, history=guard.history)
    assert [rebuilt.table(q) for q in asked] == [guard.table(q) for q in asked]
