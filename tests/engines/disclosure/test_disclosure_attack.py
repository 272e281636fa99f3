"""Attack tests: every filter and breakdown, in every order we try, on realistic small teams.

Also checks the oracle itself catches what a naive "hide cells under 5" release leaks, so the
property tests are known to have teeth.
"""

from __future__ import annotations

import itertools

import numpy as np

from tests.engines.disclosure._disclosure_oracle import (
    exact_counts_are_safe,
    members,
    nested_differences_are_safe,
    released_groups,
    smallest_recoverable_atoms,
)
from village.engines.disclosure import (
    DisclosureGuard,
    Population,
    Query,
    Respondent,
    find_small_group,
)
from village.engines.disclosure.audit import LinearAudit

TEAMS = {  # team: (agency, size); teams of 2-6 people under two services
    "children-north": ("council", 6),
    "children-south": ("council", 4),
    "children-duty": ("council", 2),
    "school-nurses": ("health", 5),
    "health-visitors": ("health", 3),
    "camhs": ("health", 6),
    "police-pvp": ("police", 4),
    "police-schools": ("police", 2),
}
PARENTS: dict[str, str | None] = {
    "council": None,
    "health": None,
    "police": None,
    **{team: agency for team, (agency, _) in TEAMS.items()},
}


def demo_population() -> Population:
    respondents = []
    for index, (team, (agency, size)) in enumerate(TEAMS.items()):
        for person in range(size):
            respondents.append(
                Respondent(
                    attributes={
                        "agency": agency,
                        "team": team,
                        "role": "manager" if person == 0 else "staff",
                        "stage": "new" if (person + index) % 3 == 0 else "established",
                    },
                    scores={"burnout": float((person * 17 + index * 5) % 100)},
                )
            )
    domains = {
        "agency": ["council", "health", "police"],
        "team": list(PARENTS),
        "role": ["manager", "staff"],
        "stage": ["new", "established"],
    }
    return Population.snapshot(respondents=respondents, domains=domains)


def every_query(population: Population) -> list[Query]:
    names = sorted(population.domains)
    found = []
    for size in (0, 1, 2):
        for breakdown in itertools.combinations(names, size):
            others = [n for n in names if n not in breakdown]
            found.append(Query.of(breakdown=breakdown, measures=["burnout"]))
            for name in others:
                for value in population.domains[name]:
                    found.append(
                        Query.of(breakdown=breakdown, filters={name: value}, measures=["burnout"])
                    )
    return found


def attack(order: list[Query]) -> tuple[DisclosureGuard, list[frozenset[int]]]:
    guard = DisclosureGuard(population=demo_population(), hierarchies={"team": PARENTS})
    tables = [guard.table(query) for query in order]
    return guard, released_groups(guard, tables)


def test_every_filter_and_breakdown_in_several_orders_reveals_no_small_group() -> None:
    rolled = DisclosureGuard(population=demo_population(), hierarchies={"team": PARENTS})
    queries = every_query(rolled.population)
    rng = np.random.default_rng(5)
    orders = [queries, queries[::-1]] + [
        [queries[i] for i in rng.permutation(len(queries))] for _ in range(3)
    ]
    for order in orders:
        guard, groups = attack(order)
        assert groups, "the attack should see something"
        assert all(len(group) >= 5 for group in groups)
        assert nested_differences_are_safe(groups, 5)
        assert exact_counts_are_safe(guard.population, groups, 5)


def test_small_teams_are_reported_under_their_agency() -> None:
    guard = DisclosureGuard(population=demo_population(), hierarchies={"team": PARENTS})
    reported = guard.reported_as["team"]
    assert reported["children-duty"] == "council"
    assert reported["police-schools"] == "police"
    assert reported["children-north"] == "children-north"


def test_the_oracle_catches_a_naive_release() -> None:
    population = demo_population()
    naive = [
        members(population, {"agency": "council"}),
        members(population, {"agency": "council", "role": "staff"}),
    ]  # 12 and 9: subtracting gives the 3 council managers
    assert not nested_differences_are_safe(naive, 5)
    assert smallest_recoverable_atoms(population, naive, 5) is not None
    masks = [np.isin(np.arange(len(population)), sorted(group)) for group in naive]
    breach = find_small_group(masks, minimum=5)
    assert breach is not None and breach.members is not None and len(breach.members) == 3


def test_the_oracle_finds_chains_not_just_nested_pairs() -> None:
    # Margins of a 2x2 table plus one inner cell give the opposite corner.
    people = [
        Respondent(attributes={"a": a, "r": r})
        for a, r, n in [("A", "X", 6), ("A", "Y", 6), ("B", "X", 6), ("B", "Y", 2)]
        for _ in range(n)
    ]
    population = Population.snapshot(respondents=people)
    groups = [
        members(population, {"a": "A"}),
        members(population, {"a": "B"}),
        members(population, {"r": "X"}),
        members(population, {"r": "Y"}),
        members(population, {"a": "A", "r": "X"}),
    ]
    assert nested_differences_are_safe(groups, 5)  # the simple check misses it...
    assert not exact_counts_are_safe(population, groups, 5)  # ...the exact one does not


def _grid(size: int) -> tuple[list[np.ndarray], int]:
    """Every row and column of a size x size grid of single people: each person is a small
    block of their own and the rows span a large space, but every 0/1 combination is a union
    of whole rows or columns, so nothing under ``size`` people can be recovered."""
    units = size * size
    rows = [np.arange(units) // size == r for r in range(size)]
    columns = [np.arange(units) % size == c for c in range(size)]
    return rows + columns, units


def test_the_audit_decides_every_check_however_many_small_blocks() -> None:
    """Reproduces "71 of 497 checks gave up after 20,000 tries": a 20 x 20 grid released by
    rows and columns has 39 independent directions over 400 one-person blocks, far past the
    old search limit. The audit must prove it safe, and find the leak once one row is also
    released without three of its people."""
    groups, units = _grid(20)
    audit = LinearAudit(atoms=np.arange(units), minimum=5)
    for group in groups:
        audit.commit(group)
    assert audit.breach() is None
    assert find_small_group(groups, minimum=5) is None
    partial = groups[0] & (np.arange(units) % 20 >= 3)
    breach = audit.check(partial)
    assert breach is not None and breach.members == frozenset({0, 1, 2})
    assert audit.stats.checks == 2 and audit.stats.undecided == 0
