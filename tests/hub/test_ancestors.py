"""Good ancestors through the services: opting in, proposing and agreeing, the matching
rules enforced on real rows (never within a team, never past a limit), notes and check-ins,
extending and closing early with feedback from every side, the legacy log linked to the
charter, and the handover when someone records a leaving date. The policy matrix tries
every person in every state against every act."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tests.hub.ancestors import Cast, active_pairing, later, make_cast, opt_in, publish_charter
from village.hub import policy, selectors, services
from village.hub.models import (
    HandoverItem,
    LegacyEntry,
    Pairing,
    PairingEntry,
    PairingPlace,
    PairingState,
)
from village.hub.policy import HubError, PairingAct, PairingPerson
from village.people.models import Agency, Member, Role
from village.reviews import services as review_services


@pytest.fixture
def cast(make_member: Callable[..., Member], agency: Agency, other_partnership) -> Cast:
    return make_cast(make_member, agency, other_partnership)


# --- opting in --------------------------------------------------------------------------


def test_the_side_comes_from_career_stage_or_lived_experience(cast: Cast) -> None:
    for member, side in ((cast.new, "new"), (cast.old, "experienced"), (cast.family, "lived")):
        opt_in(member)
        assert selectors.offer_of(member=member).side == side  # type: ignore[union-attr]


def test_someone_with_no_career_stage_is_told_what_to_do(cast: Cast) -> None:
    with pytest.raises(HubError, match="career stage"):
        opt_in(cast.admin)


def test_observers_cannot_opt_in(cast: Cast) -> None:
    with pytest.raises(HubError, match="Observers"):
        opt_in(cast.observer)


@pytest.mark.parametrize("limit", [0, -1, 6, 100])
def test_a_limit_outside_one_to_five_is_refused(cast: Cast, limit: int) -> None:
    with pytest.raises(HubError, match="from 1 to 5"):
        opt_in(cast.new, limit=limit)


def test_a_limit_never_drops_below_the_pairings_carried(cast: Cast) -> None:
    opt_in(cast.new, limit=2)
    opt_in(cast.old, limit=2)
    opt_in(cast.family)
    active_pairing(cast, cast.old)
    active_pairing(cast, cast.old, cast.family)
    with pytest.raises(HubError, match="can't be lower"):
        opt_in(cast.new, limit=1)


# --- matching on real rows --------------------------------------------------------------


def test_suggestions_leave_out_the_same_team_and_the_full(cast: Cast) -> None:
    for member in (cast.new, cast.old, cast.old_same_team, cast.family):
        opt_in(member)
    suggested = {offer.member for offer in selectors.suggestions_for(member=cast.new)}
    assert suggested == {cast.old, cast.family}
    active_pairing(cast, cast.old)
    assert selectors.suggestions_for(member=cast.new) == []
    assert cast.old not in {o.member for o in selectors.suggestions_for(member=cast.family)}


def test_someone_not_open_to_a_new_pairing_is_not_suggested_or_paired(cast: Cast) -> None:
    opt_in(cast.new)
    services.offer_set(member=cast.old, offers="o", wants_to_learn="w", limit=1, is_open=False)
    assert selectors.suggestions_for(member=cast.new) == []
    with pytest.raises(HubError, match="joined pairings"):
        services.pairing_propose(actor=cast.new, partners=[cast.old], goals="g", ends_on=later())


def test_nobody_is_paired_within_their_own_team(cast: Cast) -> None:
    opt_in(cast.new)
    opt_in(cast.old_same_team)
    with pytest.raises(HubError, match="different teams"):
        services.pairing_propose(
            actor=cast.new, partners=[cast.old_same_team], goals="g", ends_on=later()
        )
    assert not Pairing.objects.exists()


def test_nobody_carries_more_than_their_limit_even_while_proposals_wait(cast: Cast) -> None:
    opt_in(cast.new)
    opt_in(cast.old, limit=2)
    opt_in(cast.family)
    services.pairing_propose(actor=cast.new, partners=[cast.old], goals="g", ends_on=later())
    with pytest.raises(HubError, match="as many pairings"):
        services.pairing_propose(
            actor=cast.new, partners=[cast.old, cast.family], goals="g", ends_on=later()
        )
    assert PairingPlace.objects.filter(member=cast.new).count() == 1


def test_a_closed_pairing_frees_its_place(cast: Cast) -> None:
    opt_in(cast.new)
    opt_in(cast.old)
    pairing = active_pairing(cast, cast.old)
    services.pairing_complete(pairing=pairing, actor=cast.old, feedback="Good")
    assert selectors.carrying(member=cast.new) == 0
    active_pairing(cast, cast.old)


@pytest.mark.parametrize(
    "partners, message",
    [
        (lambda c: [c.new], "different people"),
        (lambda c: [c.outsider], "this partnership"),
        (lambda c: [c.admin], "joined pairings"),
        (lambda c: [c.family], "joins someone new"),
        (lambda c: [c.old, c.family, c.old_same_team], "two people, or three"),
    ],
)
def test_a_proposal_the_rules_refuse_says_why_and_saves_nothing(
    cast: Cast, partners: Callable[[Cast], list[Member]], message: str
) -> None:
    for member in (cast.new, cast.old, cast.family, cast.old_same_team):
        opt_in(member)
    with pytest.raises(HubError, match=message):
        services.pairing_propose(
            actor=cast.new, partners=partners(cast), goals="g", ends_on=later()
        )
    assert not Pairing.objects.exists()


def test_a_proposal_needs_goals_and_an_end_after_today(cast: Cast) -> None:
    opt_in(cast.new)
    opt_in(cast.old)
    with pytest.raises(HubError, match="goals"):
        services.pairing_propose(actor=cast.new, partners=[cast.old], goals=" ", ends_on=later())
    with pytest.raises(HubError, match="after today"):
        services.pairing_propose(
            actor=cast.new, partners=[cast.old], goals="g", ends_on=date(2020, 1, 1)
        )


# --- a pairing's life -------------------------------------------------------------------


def test_a_triad_starts_when_everyone_agrees_and_closes_early_with_every_sides_feedback(
    cast: Cast,
) -> None:
    for member in (cast.new, cast.old, cast.family):
        opt_in(member)
    pairing = services.pairing_propose(
        actor=cast.new, partners=[cast.old, cast.family], goals="Learn", ends_on=later()
    )
    assert pairing.state == PairingState.PROPOSED
    with pytest.raises(HubError, match="already agreed"):
        services.pairing_confirm(pairing=pairing, actor=cast.new)
    services.pairing_confirm(pairing=pairing, actor=cast.old)
    assert pairing.state == PairingState.PROPOSED
    with pytest.raises(HubError, match="starts when everyone"):
        services.pairing_entry_add(pairing=pairing, actor=cast.old, kind="note", text="Hi")
    services.pairing_confirm(pairing=pairing, actor=cast.family)
    assert pairing.state == PairingState.ACTIVE
    with pytest.raises(HubError, match="under way"):
        services.pairing_confirm(pairing=pairing, actor=cast.family)
    with pytest.raises(HubError, match="Write the goals"):
        services.pairing_goals_set(pairing=pairing, actor=cast.new, goals="  ")
    services.pairing_goals_set(pairing=pairing, actor=cast.new, goals="Learn about courts")
    services.pairing_entry_add(pairing=pairing, actor=cast.old, kind="check_in", text="Going well")
    services.pairing_entry_add(pairing=pairing, actor=cast.family, kind="note", text="Read this")
    ends = pairing.ends_on
    with pytest.raises(HubError, match="Choose a date after"):
        services.pairing_extend(pairing=pairing, actor=cast.new, ends_on=ends)
    services.pairing_extend(pairing=pairing, actor=cast.new, ends_on=later(200))
    assert pairing.ends_on == later(200)
    services.pairing_complete(pairing=pairing, actor=cast.old, feedback="We learned a lot")
    assert pairing.state == PairingState.CLOSED and pairing.closed_on < pairing.ends_on
    with pytest.raises(HubError, match="already given"):
        services.pairing_feedback(pairing=pairing, actor=cast.old, feedback="More")
    services.pairing_feedback(pairing=pairing, actor=cast.new, feedback="Thank you")
    services.pairing_feedback(pairing=pairing, actor=cast.family, feedback="Heard")
    feedback = {p.member: p.feedback for p in selectors.places_of(pairing=pairing)}
    assert feedback == {cast.old: "We learned a lot", cast.new: "Thank you", cast.family: "Heard"}
    with pytest.raises(HubError, match="closed"):
        services.pairing_entry_add(pairing=pairing, actor=cast.new, kind="note", text="late")


def test_saying_no_frees_everyones_place(cast: Cast) -> None:
    opt_in(cast.new)
    opt_in(cast.old)
    pairing = services.pairing_propose(
        actor=cast.new, partners=[cast.old], goals="g", ends_on=later()
    )
    assert selectors.suggestions_for(member=cast.new) == []
    services.pairing_decline(pairing=pairing, actor=cast.old)
    assert pairing.state == PairingState.DECLINED
    assert selectors.carrying(member=cast.new) == selectors.carrying(member=cast.old) == 0
    with pytest.raises(HubError, match="not going ahead"):
        services.pairing_confirm(pairing=pairing, actor=cast.old)
    active_pairing(cast, cast.old)


def test_an_entry_must_be_a_note_or_a_check_in(cast: Cast) -> None:
    opt_in(cast.new)
    opt_in(cast.old)
    pairing = active_pairing(cast, cast.old)
    with pytest.raises(HubError, match="note or a check-in"):
        services.pairing_entry_add(pairing=pairing, actor=cast.new, kind="secret", text="x")


# --- the policy matrix ------------------------------------------------------------------


@pytest.mark.parametrize("state", list(PairingState))
@pytest.mark.parametrize("act", list(PairingAct))
@pytest.mark.parametrize("person", [PairingPerson.PARTNER, PairingPerson.OUTSIDER, None])
def test_the_pairing_policy_matrix(
    act: PairingAct, state: PairingState, person: PairingPerson | None
) -> None:
    allowed = {
        PairingAct.READ: set(PairingState),
        PairingAct.CONFIRM: {PairingState.PROPOSED},
        PairingAct.DECLINE: {PairingState.PROPOSED},
        PairingAct.SET_GOALS: {PairingState.PROPOSED, PairingState.ACTIVE},
        PairingAct.WRITE: {PairingState.ACTIVE},
        PairingAct.EXTEND: {PairingState.ACTIVE},
        PairingAct.COMPLETE: {PairingState.ACTIVE},
        PairingAct.FEEDBACK: {PairingState.CLOSED},
    }[act]
    decision = policy.pairing_decide(act=act, person=person, state=state)
    assert bool(decision) == (person == PairingPerson.PARTNER and state in allowed)
    assert decision.reason or decision


@pytest.mark.parametrize("who", ["admin", "old_same_team", "family", "observer", "outsider"])
def test_nobody_outside_a_pairing_acts_on_it_through_the_services(cast: Cast, who: str) -> None:
    opt_in(cast.new)
    opt_in(cast.old)
    pairing = active_pairing(cast, cast.old)
    actor = getattr(cast, who)
    attempts = [
        lambda: services.pairing_confirm(pairing=pairing, actor=actor),
        lambda: services.pairing_decline(pairing=pairing, actor=actor),
        lambda: services.pairing_goals_set(pairing=pairing, actor=actor, goals="x"),
        lambda: services.pairing_entry_add(pairing=pairing, actor=actor, kind="note", text="x"),
        lambda: services.pairing_extend(pairing=pairing, actor=actor, ends_on=later(300)),
        lambda: services.pairing_complete(pairing=pairing, actor=actor, feedback="x"),
        lambda: services.pairing_feedback(pairing=pairing, actor=actor, feedback="x"),
    ]
    for attempt in attempts:
        with pytest.raises(HubError):
            attempt()
    pairing.refresh_from_db()
    assert pairing.state == PairingState.ACTIVE and pairing.goals == "Learn together"
    assert not PairingEntry.objects.exists()


# --- the legacy log ---------------------------------------------------------------------


def test_a_legacy_entry_links_to_a_value_of_the_published_charter(
    cast: Cast, facilitator: Member
) -> None:
    with pytest.raises(HubError, match="charter"):
        services.legacy_add(actor=cast.old, value_key="family-rights", title="t", text="x")
    publish_charter(facilitator)
    values = selectors.charter_values(partnership=cast.old.partnership)
    assert values
    entry = services.legacy_add(
        actor=cast.old, value_key=values[0].key, title="Listen first", text="Ask, then wait."
    )
    assert entry.value_name == values[0].name
    with pytest.raises(HubError, match="charter"):
        services.legacy_add(actor=cast.old, value_key="made-up", title="t", text="x")
    with pytest.raises(HubError, match="Observers"):
        services.legacy_add(actor=cast.observer, value_key=values[0].key, title="t", text="x")
    assert selectors.legacy_of(partnership=cast.outsider.partnership).count() == 0


# --- handover ---------------------------------------------------------------------------


def test_a_leaving_date_invites_a_handover_of_legacy_and_open_actions(
    cast: Cast, facilitator: Member, agency: Agency
) -> None:
    publish_charter(facilitator)
    key = selectors.charter_values(partnership=cast.old.partnership)[0].key
    entry = services.legacy_add(actor=cast.old, value_key=key, title="Listen first", text="x")
    review = review_services.review_open(
        partnership=agency.partnership, actor=facilitator, quarter="2026-Q3"
    )
    action = review_services.action_add(
        review=review,
        actor=facilitator,
        text="Visit families at home",
        owner_agency=agency,
        due_on=later(),
    )
    with pytest.raises(HubError, match="today or a day to come"):
        services.leaving_set(member=cast.old, leaving_on=date(2020, 1, 1))
    handover = services.leaving_set(member=cast.old, leaving_on=later(30))
    items = {(item.kind, item.item_id) for item in selectors.handover_items(handover=handover)}
    assert items == {("legacy", entry.pk), ("review_action", action.pk)}
    item = HandoverItem.objects.get(kind="legacy")
    with pytest.raises(HubError, match="Only the person leaving"):
        services.carrier_set(item=item, actor=cast.new, carrier=cast.new)
    with pytest.raises(HubError, match="someone else"):
        services.carrier_set(item=item, actor=cast.old, carrier=cast.old)
    with pytest.raises(HubError, match="someone else"):
        services.carrier_set(item=item, actor=cast.old, carrier=cast.outsider)
    services.carrier_set(item=item, actor=cast.old, carrier=cast.new)
    services.carrier_set(item=item, actor=cast.admin, carrier=cast.family)
    again = services.leaving_set(member=cast.old, leaving_on=later(60))
    assert again.pk == handover.pk and again.leaving_on == later(60)
    assert HandoverItem.objects.get(kind="legacy").carrier == cast.family
    assert HandoverItem.objects.count() == 2
    assert LegacyEntry.objects.get().author == cast.old


def test_an_admin_of_another_partnership_cannot_choose_carriers(
    cast: Cast, make_member: Callable[..., Member], other_partnership
) -> None:
    handover = services.leaving_set(member=cast.old, leaving_on=later(30))
    stranger = make_member(Role.ADMIN, partnership=other_partnership, name="Strange")
    assert not policy.may_hand_on(member=stranger, handover=handover)
