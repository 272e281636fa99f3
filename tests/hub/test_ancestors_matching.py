"""The matching rules (village.hub.matching) tried exhaustively over every small world and
by property: nobody is ever matched within their own team or past their own limit, and
every pairing the rules allow joins the right sides."""

from __future__ import annotations

from itertools import combinations, permutations, product

from hypothesis import given, settings
from hypothesis import strategies as st

from village.hub.matching import Candidate, Problem, Side, problem, suggestions

TEAMS = (None, 1, 2)
LIMITS = ((1, 0), (1, 1), (2, 1), (2, 2))


def _everyone() -> list[Candidate]:
    """One candidate for every side, team and room combination."""
    return [
        Candidate(id=n, side=side, team=team, limit=limit, carrying=carrying)
        for n, (side, team, (limit, carrying)) in enumerate(product(Side, TEAMS, LIMITS))
    ]


def _allowed_by_hand(people: tuple[Candidate, ...]) -> bool:
    sides = sorted(p.side for p in people)
    pair = sorted([Side.NEW, Side.EXPERIENCED])
    triad = sorted([Side.NEW, Side.EXPERIENCED, Side.LIVED])
    teams = [p.team for p in people if p.team is not None]
    return (
        sides == (pair if len(people) == 2 else triad)
        and len(set(teams)) == len(teams)
        and all(p.carrying < p.limit for p in people)
    )


def test_every_pair_and_triad_of_a_small_world_is_judged_as_the_rules_say() -> None:
    everyone = _everyone()
    allowed = 0
    for size in (2, 3):
        for people in combinations(everyone, size):
            found = problem(people)
            assert (found is None) == _allowed_by_hand(people), people
            if found is None:
                allowed += 1
                teams = [p.team for p in people if p.team is not None]
                assert len(set(teams)) == len(teams)
                assert all(p.carrying < p.limit for p in people)
    assert allowed > 0


def test_order_does_not_matter() -> None:
    everyone = _everyone()
    for people in combinations(everyone[::5], 3):
        results = {problem(list(order)) for order in permutations(people)}
        assert len(results) == 1


def test_each_problem_is_named() -> None:
    new = Candidate(1, Side.NEW, 1, 1, 0)
    old = Candidate(2, Side.EXPERIENCED, 2, 1, 0)
    assert problem([new]) == Problem.SIZE
    assert problem([new, old, Candidate(3, Side.LIVED, None, 1, 0), new]) == Problem.SIZE
    assert problem([new, new]) == Problem.SAME_PERSON
    assert problem([new, Candidate(3, Side.NEW, 2, 1, 0)]) == Problem.SIDES
    assert problem([new, old, Candidate(3, Side.EXPERIENCED, None, 1, 0)]) == Problem.SIDES
    assert problem([new, Candidate(2, Side.EXPERIENCED, 1, 1, 0)]) == Problem.SAME_TEAM
    assert problem([new, Candidate(2, Side.EXPERIENCED, 2, 1, 1)]) == Problem.FULL
    assert problem([new, old]) is None
    assert problem([new, old, Candidate(3, Side.LIVED, None, 1, 0)]) is None


def test_people_without_a_team_can_be_paired_with_each_other() -> None:
    assert (
        problem([Candidate(1, Side.NEW, None, 1, 0), Candidate(2, Side.EXPERIENCED, None, 1, 0)])
        is None
    )


def test_suggestions_never_include_the_same_team_a_full_person_or_the_seeker() -> None:
    everyone = _everyone()
    for seeker in everyone:
        found = suggestions(seeker, everyone)
        if not seeker.has_room:
            assert found == []
        for other in found:
            assert other.id != seeker.id
            assert other.side != seeker.side
            assert other.has_room
            assert other.team is None or other.team != seeker.team
        rooms = [other.limit - other.carrying for other in found]
        assert rooms == sorted(rooms, reverse=True)


candidates = st.builds(
    Candidate,
    id=st.integers(0, 1000),
    side=st.sampled_from(Side),
    team=st.one_of(st.none(), st.integers(0, 3)),
    limit=st.integers(0, 3),
    carrying=st.just(0),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(candidates, min_size=2, max_size=12, unique_by=lambda c: c.id),
    st.lists(st.lists(st.integers(0, 11), min_size=1, max_size=4), max_size=40),
)
def test_any_run_of_proposals_keeps_everyone_within_team_and_limit_rules(
    world: list[Candidate], proposals: list[list[int]]
) -> None:
    """Proposals come in any order; each one the rules allow is made (and raises what each
    person carries). At the end nobody carries more than their limit and no pairing made
    holds two people of one team."""
    people = {c.id: c for c in world}
    ids = list(people)
    made: list[list[int]] = []
    for proposal in proposals:
        chosen = [people[ids[i % len(ids)]] for i in proposal]
        if problem(chosen) is None:
            made.append([c.id for c in chosen])
            for c in chosen:
                people[c.id] = Candidate(c.id, c.side, c.team, c.limit, c.carrying + 1)
    for person in people.values():
        assert person.carrying <= person.limit
        assert person.carrying == sum(person.id in pairing for pairing in made)
    for pairing in made:
        teams = [people[i].team for i in pairing if people[i].team is not None]
        assert len(set(teams)) == len(teams)
