"""The demo's three pairings obey the matching rules, and its legacy log links to the
published charter."""

from __future__ import annotations

from village.demo import demo_load
from village.hub import selectors
from village.hub.models import LegacyEntry, Pairing, PairingState


def test_the_demo_has_three_pairings_across_teams_within_limits(db: None) -> None:
    partnership, _created = demo_load()
    pairings = list(Pairing.objects.filter(partnership=partnership))
    assert len(pairings) == 3
    assert {p.state for p in pairings} == {
        PairingState.PROPOSED,
        PairingState.ACTIVE,
        PairingState.CLOSED,
    }
    for pairing in pairings:
        members = [place.member for place in selectors.places_of(pairing=pairing)]
        teams = [m.team_id for m in members if m.team_id is not None]
        assert len(set(teams)) == len(teams)
        for member in members:
            offer = selectors.offer_of(member=member)
            assert offer is not None
            assert selectors.carrying(member=member) <= offer.limit
    closed = next(p for p in pairings if p.state == PairingState.CLOSED)
    assert all(place.feedback for place in selectors.places_of(pairing=closed))
    values = {v.key for v in selectors.charter_values(partnership=partnership)}
    entries = LegacyEntry.objects.filter(partnership=partnership)
    assert entries.count() == 2
    assert all(entry.value_key in values for entry in entries)
