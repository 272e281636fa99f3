"""The k-anonymity coarsening used on stored pulse attributes (issue 8: "19 of 49 member
responses matched exactly one person")."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from village.engines.generalise import generalisation

ORDER = ("team", "career_stage", "role", "agency", "sector")
U = "unknown"


def _person(agency: str, team: str, stage: str, role: str = "staff") -> dict[str, str]:
    sector = {"a1": "social_work", "a2": "health", "a3": "education"}[agency]
    return {"agency": agency, "sector": sector, "team": team, "career_stage": stage, "role": role}


def _group_sizes(population: list[dict[str, str]], minimum: int) -> Counter[tuple[str, ...]]:
    rule = generalisation(population=population, order=ORDER, minimum=minimum, unknown=U)
    return Counter(tuple(sorted(rule.apply(person).items())) for person in population)


def test_a_large_group_keeps_every_detail() -> None:
    population = [_person("a1", "t1", "established")] * 6
    rule = generalisation(population=population, order=ORDER, minimum=5, unknown=U)
    assert rule.apply(population[0]) == {
        "team": "t1",
        "career_stage": "established",
        "role": "staff",
        "agency": "a1",
        "sector": "social_work",
    }


def test_a_lone_person_is_coarsened_in_order_until_hidden_in_a_group() -> None:
    # Five in team t1, one in team t2 of the same agency: the lone one loses the team first.
    population = [_person("a1", "t1", "established")] * 5 + [_person("a1", "t2", "established")]
    rule = generalisation(population=population, order=ORDER, minimum=5, unknown=U)
    lone = rule.apply(population[-1])
    assert lone["team"] == U
    # Stored as "a1, established, team unknown": but only the lone person is stored that way,
    # so the rule goes on until that group reaches five too (everyone loses the team here,
    # then the career stage, and so on: never a group of one).
    assert min(_group_sizes(population, 5).values()) >= 5


def test_a_tiny_snapshot_stores_nothing_but_unknown() -> None:
    population = [_person("a1", "t1", "new"), _person("a2", "t2", "established")]
    rule = generalisation(population=population, order=ORDER, minimum=5, unknown=U)
    assert set(rule.apply(population[0]).values()) == {U}
    assert set(rule.apply(population[1]).values()) == {U}


def test_one_outlier_costs_only_the_smallest_group_its_details() -> None:
    big = [_person("a1", "t1", "established")] * 7
    small = [_person("a2", "t2", "new")] * 5
    outlier = [_person("a3", "t3", "new", role="partner_lead")]
    rule = generalisation(population=big + small + outlier, order=ORDER, minimum=5, unknown=U)
    assert rule.apply(big[0]) == big[0]
    assert set(rule.apply(small[0]).values()) == {U}
    assert set(rule.apply(outlier[0]).values()) == {U}


def test_a_combination_not_in_the_snapshot_is_stored_as_unknown() -> None:
    rule = generalisation(
        population=[_person("a1", "t1", "new")] * 5, order=ORDER, minimum=5, unknown=U
    )
    assert set(rule.apply(_person("a2", "t9", "new")).values()) == {U}


people = st.builds(
    _person,
    st.sampled_from(["a1", "a2", "a3"]),
    st.sampled_from(["t1", "t2", "t3", "none"]),
    st.sampled_from(["new", "established", "nearing_retirement", U]),
    st.sampled_from(["staff", "family", "partner_lead"]),
)


@given(st.lists(people, min_size=1, max_size=80), st.integers(min_value=2, max_value=10))
def test_every_stored_combination_is_shared_by_at_least_the_minimum(
    population: list[dict[str, str]], minimum: int
) -> None:
    sizes = _group_sizes(population, minimum)
    if len(population) >= minimum:
        assert min(sizes.values()) >= minimum
    else:
        assert len(sizes) == 1


@given(st.lists(people, min_size=1, max_size=60))
def test_coarsening_follows_the_documented_order(population: list[dict[str, str]]) -> None:
    """A field is only dropped once every field before it in the order is dropped."""
    rule = generalisation(population=population, order=ORDER, minimum=5, unknown=U)
    for person in population:
        level = rule.level(person)
        stored = rule.apply(person)
        assert all(stored[name] == U for name in ORDER[:level])
        assert all(stored[name] == person[name] for name in ORDER[level:])
