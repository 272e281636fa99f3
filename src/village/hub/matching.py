"""The rules for matching people into intergenerational pairings and triads, as plain
functions over plain values (no Django), so tests can try every combination.

A pairing joins someone new to the work with someone established or nearing retirement,
and, where they wish, a partner with lived experience. Nobody is matched with someone in
their own team, and nobody carries more pairings than the limit they set. The platform
suggests; the people confirm (services hold that part).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    NEW = "new"
    EXPERIENCED = "experienced"
    LIVED = "lived"


class Problem(StrEnum):
    SIZE = "size"
    SAME_PERSON = "same_person"
    SIDES = "sides"
    SAME_TEAM = "same_team"
    FULL = "full"


@dataclass(frozen=True)
class Candidate:
    """Someone who opted in: their side, their team (None if they have none), the most
    pairings they will carry and how many they carry now."""

    id: int
    side: Side
    team: int | None
    limit: int
    carrying: int

    @property
    def has_room(self) -> bool:
        return self.carrying < self.limit


def problem(people: Sequence[Candidate]) -> Problem | None:
    """Why these people cannot be paired, or None if they can: two or three different
    people, one new and one experienced (and a lived-experience partner if three), no two
    in the same team, and each with room under their own limit."""
    if len(people) not in (2, 3):
        return Problem.SIZE
    if len({person.id for person in people}) != len(people):
        return Problem.SAME_PERSON
    sides = sorted(person.side for person in people)
    wanted = sorted([Side.NEW, Side.EXPERIENCED] + ([Side.LIVED] if len(people) == 3 else []))
    if sides != wanted:
        return Problem.SIDES
    teams = [person.team for person in people if person.team is not None]
    if len(set(teams)) != len(teams):
        return Problem.SAME_TEAM
    if not all(person.has_room for person in people):
        return Problem.FULL
    return None


def suggestions(seeker: Candidate, others: Iterable[Candidate]) -> list[Candidate]:
    """Who the seeker could be paired with: each one that makes a valid pair with them
    (the new with the experienced, either of them with a lived-experience partner for a
    triad), people with the most room first."""
    if not seeker.has_room:
        return []
    fits = [
        other
        for other in others
        if other.id != seeker.id
        and other.side != seeker.side
        and other.has_room
        and (other.team is None or other.team != seeker.team)
    ]
    return sorted(fits, key=lambda other: (-(other.limit - other.carrying), other.id))
