"""The good-ancestors pages for every role, allowed and refused: a pairing is seen only by
its people (403 to other members, 404 to another partnership), a handover only by its
leaver and admins; a whole pairing from opting in to feedback on the pages; hostile words
on every form are refused clearly or kept, never run as script."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.conftest import FORBIDDEN, LOGIN, MISSING, OK, access_outcome, client_for
from tests.hostile import HOSTILE, check
from tests.hub.ancestors import Cast, active_pairing, later, make_cast, opt_in, publish_charter
from village.hub import selectors, services
from village.hub.models import (
    HandoverItem,
    LegacyEntry,
    Pairing,
    PairingEntry,
    PairingOffer,
    PairingState,
)
from village.people.models import Agency, Member


@pytest.fixture
def cast(make_member: Callable[..., Member], agency: Agency, other_partnership) -> Cast:
    return make_cast(make_member, agency, other_partnership)


@pytest.mark.parametrize("who", ["admin", "new", "family", "observer"])
def test_every_member_opens_good_ancestors_and_the_legacy_log(cast: Cast, who: str) -> None:
    client = client_for(getattr(cast, who))
    for name in ("hub:ancestors", "hub:legacy"):
        assert access_outcome(client.get(reverse(name))) == OK
    page = client.get(reverse("hub:ancestors")).content.decode()
    assert ("Join pairings" in page) == (who != "observer")


def test_strangers_are_sent_to_sign_in(cast: Cast) -> None:
    for name in ("hub:ancestors", "hub:legacy"):
        assert access_outcome(client_for(None).get(reverse(name))) == LOGIN


def test_a_pairing_is_seen_only_by_its_people(cast: Cast) -> None:
    opt_in(cast.new)
    opt_in(cast.old)
    pairing = active_pairing(cast, cast.old)
    services.pairing_entry_add(pairing=pairing, actor=cast.old, kind="note", text="Private words")
    url = reverse("hub:pairing", args=[pairing.pk])
    for member in (cast.new, cast.old):
        response = client_for(member).get(url)
        assert response.status_code == 200 and "Private words" in response.content.decode()
    for member in (cast.admin, cast.family, cast.observer, cast.old_same_team):
        assert access_outcome(client_for(member).get(url)) == FORBIDDEN
        listing = client_for(member).get(reverse("hub:ancestors")).content.decode()
        assert url not in listing
    assert access_outcome(client_for(cast.outsider).get(url)) == MISSING
    assert access_outcome(client_for(None).get(url)) == LOGIN


@pytest.mark.parametrize(
    "name, data",
    [
        ("hub:pairing_confirm", {}),
        ("hub:pairing_decline", {}),
        ("hub:pairing_goals", {"goals": "Taken over"}),
        ("hub:pairing_entry", {"kind": "note", "text": "Intruder"}),
        ("hub:pairing_extend", {"ends_on": "2099-01-01"}),
        ("hub:pairing_complete", {"feedback": "Closed by someone else"}),
        ("hub:pairing_feedback", {"feedback": "Not mine"}),
    ],
)
def test_nobody_outside_a_pairing_can_post_to_it(cast: Cast, name: str, data: dict) -> None:
    opt_in(cast.new)
    opt_in(cast.old)
    pairing = active_pairing(cast, cast.old)
    url = reverse(name, args=[pairing.pk])
    assert access_outcome(client_for(cast.admin).post(url, data)) == FORBIDDEN
    assert access_outcome(client_for(cast.outsider).post(url, data)) == MISSING
    pairing.refresh_from_db()
    assert pairing.state == PairingState.ACTIVE and pairing.goals == "Learn together"
    assert not PairingEntry.objects.exists()


def test_two_members_pair_up_and_close_with_feedback_on_the_pages(cast: Cast) -> None:
    nia, ola = client_for(cast.new), client_for(cast.old)
    offer = {"offers": "Fresh eyes", "wants_to_learn": "Court work", "limit": "1", "is_open": "on"}
    assert nia.post(reverse("hub:ancestors"), offer).status_code == 302
    assert ola.post(reverse("hub:ancestors"), {**offer, "offers": "Years"}).status_code == 302
    page = nia.get(reverse("hub:ancestors")).content.decode()
    assert "Ola" in page and "Sol" not in page
    form = nia.get(reverse("hub:ancestors")).context["propose_form"]
    response = nia.post(
        reverse("hub:pairing_propose"),
        {
            "partner": cast.old.pk,
            "goals": "Learn court work",
            "ends_on": later().isoformat(),
            "form_token": form["form_token"].value(),
        },
    )
    pairing = Pairing.objects.get()
    assert response["Location"] == reverse("hub:pairing", args=[pairing.pk])
    assert ola.post(reverse("hub:pairing_confirm", args=[pairing.pk])).status_code == 302
    pairing.refresh_from_db()
    assert pairing.state == PairingState.ACTIVE
    entry = {"kind": "check_in", "text": "First meeting went well"}
    assert ola.post(reverse("hub:pairing_entry", args=[pairing.pk]), entry).status_code == 302
    extend = {"ends_on": later(300).isoformat()}
    assert nia.post(reverse("hub:pairing_extend", args=[pairing.pk]), extend).status_code == 302
    empty = nia.post(reverse("hub:pairing_complete", args=[pairing.pk]), {"feedback": ""})
    assert empty.status_code == 400 and "Write your feedback." in empty.content.decode()
    done = {"feedback": "Thank you, Ola"}
    assert nia.post(reverse("hub:pairing_complete", args=[pairing.pk]), done).status_code == 302
    back = {"feedback": "It was a joy"}
    assert ola.post(reverse("hub:pairing_feedback", args=[pairing.pk]), back).status_code == 302
    pairing.refresh_from_db()
    assert pairing.state == PairingState.CLOSED and pairing.ends_on == later(300)
    page = nia.get(reverse("hub:pairing", args=[pairing.pk])).content.decode()
    assert "Thank you, Ola" in page and "It was a joy" in page
    again = nia.post(reverse("hub:pairing_feedback", args=[pairing.pk]), done, follow=True)
    assert "already given" in again.content.decode()
    late = nia.post(reverse("hub:pairing_goals", args=[pairing.pk]), {"goals": "New"}, follow=True)
    assert "is closed" in late.content.decode()


def test_an_observer_cannot_write_in_the_legacy_log(cast: Cast, facilitator: Member) -> None:
    publish_charter(facilitator)
    response = client_for(cast.observer).post(
        reverse("hub:legacy"), {"value_key": "x", "title": "t", "text": "x"}
    )
    assert access_outcome(response) == FORBIDDEN
    assert not LegacyEntry.objects.exists()


def test_a_leaver_hands_on_on_the_pages_and_only_they_and_admins_see_it(
    cast: Cast, facilitator: Member
) -> None:
    publish_charter(facilitator)
    client = client_for(cast.old)
    form = client.get(reverse("hub:legacy")).context["form"]
    key = form.fields["value_key"].choices[1][0]
    data = {"value_key": key, "title": "Listen first", "text": "Ask, then wait."}
    token = form["form_token"].value()
    assert client.post(reverse("hub:legacy"), {**data, "form_token": token}).status_code == 302
    response = client.post(reverse("hub:leaving"), {"leaving_on": later(30).isoformat()})
    item = HandoverItem.objects.get()
    assert response["Location"] == reverse("hub:handover", args=[item.handover_id])
    url = reverse("hub:handover", args=[item.handover_id])
    assert access_outcome(client.get(url)) == OK
    assert access_outcome(client_for(cast.admin).get(url)) == OK
    assert url in client_for(cast.admin).get(reverse("hub:ancestors")).content.decode()
    assert url not in client_for(cast.new).get(reverse("hub:ancestors")).content.decode()
    for member in (cast.new, cast.family, cast.outsider):
        assert access_outcome(client_for(member).get(url)) == MISSING
    post = reverse("hub:carrier_set", args=[item.handover_id, item.pk])
    field = f"item{item.pk}-carrier"
    assert access_outcome(client_for(cast.new).post(post, {field: cast.new.pk})) == MISSING
    client.post(post, {field: cast.outsider.pk})
    item.refresh_from_db()
    assert item.carrier is None
    assert client.post(post, {field: cast.new.pk}).status_code == 302
    item.refresh_from_db()
    assert item.carrier == cast.new


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_words_on_every_form(cast: Cast, facilitator: Member, name: str) -> None:
    value = HOSTILE[name]
    publish_charter(facilitator)
    opt_in(cast.old)
    opt_in(cast.family)
    nia = client_for(cast.new)
    nia.post(
        reverse("hub:ancestors"),
        {"offers": value, "wants_to_learn": value, "limit": value, "is_open": value},
    )
    opt_in(cast.new, limit=2)
    pairing = active_pairing(cast, cast.old)
    posts = [
        (
            reverse("hub:ancestors"),
            {"offers": value, "wants_to_learn": value, "limit": "2", "is_open": "on"},
        ),
        (
            reverse("hub:pairing_propose"),
            {"partner": value, "third": value, "goals": value, "ends_on": value},
        ),
        (
            reverse("hub:pairing_propose"),
            {"partner": cast.family.pk, "goals": value, "ends_on": later().isoformat()},
        ),
        (reverse("hub:pairing_goals", args=[pairing.pk]), {"goals": value}),
        (reverse("hub:pairing_entry", args=[pairing.pk]), {"kind": value, "text": value}),
        (reverse("hub:pairing_entry", args=[pairing.pk]), {"kind": "note", "text": value}),
        (reverse("hub:pairing_extend", args=[pairing.pk]), {"ends_on": value}),
        (reverse("hub:legacy"), {"value_key": value, "title": value, "text": value}),
        (reverse("hub:leaving"), {"leaving_on": value}),
    ]
    for url, data in posts:
        check(nia.post(url, data, follow=True), value)
    kept = value.replace("\x00", "").strip()
    for offer in PairingOffer.objects.filter(member=cast.new):
        assert offer.offers in {kept, "What Nia knows"}
    for text in PairingEntry.objects.values_list("text", flat=True):
        assert text == kept
    check(nia.get(reverse("hub:pairing", args=[pairing.pk])), value)
    check(nia.get(reverse("hub:ancestors")), value)
    key = selectors.charter_values(partnership=cast.new.partnership)[0].key
    services.legacy_add(actor=cast.new, value_key=key, title="Listen", text="Then wait.")
    item = services.leaving_set(member=cast.new, leaving_on=later(10)).items.get()
    carrier = reverse("hub:carrier_set", args=[item.handover_id, item.pk])
    check(nia.post(carrier, {f"item{item.pk}-carrier": value}, follow=True), value)
    item.refresh_from_db()
    assert item.carrier is None
    complete = reverse("hub:pairing_complete", args=[pairing.pk])
    check(nia.post(complete, {"feedback": value}, follow=True), value)
    check(nia.get(reverse("hub:pairing", args=[pairing.pk])), value)
