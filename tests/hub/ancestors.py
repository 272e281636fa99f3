"""Helpers for the good-ancestors tests: members placed in teams with career stages, opted
in to pairings, and a published charter to link legacy entries to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from village.hub import services
from village.hub.models import Pairing
from village.people import services as people_services
from village.people.models import Agency, Member, Role, Team
from village.reviews import services as review_services


@dataclass
class Cast:
    admin: Member
    new: Member
    old: Member
    old_same_team: Member
    family: Member
    observer: Member
    outsider: Member
    teams: tuple[Team, Team]


def make_cast(make_member: Callable[..., Member], agency: Agency, other_partnership) -> Cast:
    """New Nia (team A), established Ola (team B), established Sol (team A, Nia's team), Fay
    with lived experience (no team), an observer, and someone from another partnership."""
    partnership = agency.partnership
    admin = make_member(Role.ADMIN, name="Ada")
    teams = (
        people_services.team_create(partnership=partnership, agency=agency, name="Team A"),
        people_services.team_create(partnership=partnership, agency=agency, name="Team B"),
    )
    new = make_member(Role.STAFF, name="Nia")
    old = make_member(Role.STAFF, name="Ola")
    same = make_member(Role.STAFF, name="Sol")
    people_services.member_places_set(
        actor=admin,
        places=[
            people_services.Place(new, teams[0], "new"),
            people_services.Place(old, teams[1], "nearing_retirement"),
            people_services.Place(same, teams[0], "established"),
        ],
    )
    return Cast(
        admin=admin,
        new=new,
        old=old,
        old_same_team=same,
        family=make_member(Role.FAMILY, name="Fay"),
        observer=make_member(Role.OBSERVER, name="Obi"),
        outsider=make_member(Role.STAFF, partnership=other_partnership, name="Out"),
        teams=teams,
    )


def opt_in(member: Member, *, limit: int = 1) -> None:
    services.offer_set(
        member=member,
        offers=f"What {member.display_name} knows",
        wants_to_learn="How others work",
        limit=limit,
    )


def later(days: int = 90):
    return timezone.localdate() + timedelta(days=days)


def active_pairing(cast: Cast, *partners: Member) -> Pairing:
    """Nia proposes a pairing with the others, who all agree."""
    pairing = services.pairing_propose(
        actor=cast.new, partners=list(partners), goals="Learn together", ends_on=later()
    )
    for partner in partners:
        services.pairing_confirm(pairing=pairing, actor=partner)
    pairing.refresh_from_db()
    return pairing


def publish_charter(facilitator: Member) -> None:
    draft = review_services.charter_load_default(
        partnership=facilitator.partnership, actor=facilitator
    )
    review_services.version_publish(version=draft, actor=facilitator)
