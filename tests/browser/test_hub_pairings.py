"""Good ancestors in a real Chromium: Nia, new to the work, joins pairings on a phone,
proposes a pairing with Ola, who is nearing retirement and in another team; Ola agrees;
they write a check-in; Nia closes it early with her feedback and Ola adds his. Ola, leaving,
writes in the legacy log and hands the entry on to Nia. Each page passes axe-core at 320
and 1280 px and none scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import both_widths, sign_in, tick
from tests.conftest import PASSWORD
from tests.hub.ancestors import later, make_cast, publish_charter
from village.hub.models import HandoverItem, Pairing, PairingState
from village.people.models import Agency, Role

pytestmark = pytest.mark.browser


def _join(page: Any, offers: str, wants: str) -> None:
    page.get_by_label("What you offer").fill(offers)
    page.get_by_label("What you want to learn").fill(wants)
    page.get_by_label("The most pairings you will be in at once").select_option("1")
    page.get_by_role("button", name="Join pairings").click()
    expect(page.get_by_text("Saved. Village suggests people")).to_be_visible()


def test_two_members_start_a_pairing_and_close_it_with_feedback(
    new_page: Any, check_page: Any, agency: Agency, make_member: Any, other_partnership: Any
) -> None:
    cast = make_cast(make_member, agency, other_partnership)

    ola = new_page(width=320)
    sign_in(ola, check_page, email=cast.old.user.email, password=PASSWORD)
    ola.goto("/hub/ancestors/")
    expect(ola.get_by_role("heading", name="Good ancestors")).to_be_visible()
    both_widths(ola, check_page, "ancestors-empty", "ancestors-empty")
    _join(ola, "Thirty years alongside families.", "What new staff see.")

    nia = new_page(width=320)
    sign_in(nia, check_page, email=cast.new.user.email, password=PASSWORD)
    nia.goto("/hub/ancestors/")
    _join(nia, "A fresh eye.", "How to stay steady in hard visits.")
    expect(nia.get_by_role("heading", name="Ola")).to_be_visible()
    both_widths(nia, check_page, "ancestors-suggestions", "ancestors-suggestions")
    nia.get_by_label("Pair with").select_option(label="Ola (Established or nearing retirement)")
    nia.get_by_label("Your goals together").fill("Learn to keep families at the centre.")
    nia.get_by_label("When it ends").fill(later().isoformat())
    nia.get_by_role("button", name="Propose the pairing").click()
    expect(nia.get_by_text("Proposed. It starts when everyone")).to_be_visible()
    both_widths(nia, check_page, "pairing-proposed", "pairing-proposed")

    ola.goto("/hub/ancestors/")
    ola.get_by_role("link", name="Ola, Nia").click()
    ola.get_by_role("button", name="Agree to this pairing").click()
    expect(ola.get_by_text("Thank you for agreeing.")).to_be_visible()
    tick(ola.get_by_label("Check-in"))
    ola.get_by_label("What you want to say").fill("We met for coffee. Good questions from Nia.")
    ola.get_by_role("button", name="Save it").click()
    expect(ola.get_by_text("Only the people in this pairing can read it.").first).to_be_visible()
    both_widths(ola, check_page, "pairing-active", "pairing-active")

    nia.reload()
    expect(nia.get_by_text("We met for coffee.")).to_be_visible()
    nia.get_by_label("Your feedback").fill("We met our goals early. Thank you, Ola.")
    nia.get_by_role("button", name="Close the pairing").click()
    expect(nia.get_by_text("The pairing is closed.")).to_be_visible()

    ola.reload()
    ola.get_by_label("Your feedback").fill("A joy. I learned how duty visits work now.")
    ola.get_by_role("button", name="Give my feedback").click()
    expect(ola.get_by_text("Thank you for your feedback.")).to_be_visible()
    expect(ola.get_by_text("We met our goals early.")).to_be_visible()
    both_widths(ola, check_page, "pairing-closed", "pairing-closed")

    pairing = Pairing.objects.get()
    assert pairing.state == PairingState.CLOSED
    assert all(place.feedback for place in pairing.places.all())


def test_a_leaver_writes_in_the_legacy_log_and_hands_it_on(
    new_page: Any, check_page: Any, agency: Agency, make_member: Any, other_partnership: Any
) -> None:
    cast = make_cast(make_member, agency, other_partnership)
    publish_charter(make_member(Role.FACILITATOR, name="Fran"))
    ola = new_page(width=320)
    sign_in(ola, check_page, email=cast.old.user.email, password=PASSWORD)
    ola.goto("/hub/ancestors/legacy/")
    expect(ola.get_by_role("heading", name="Legacy log")).to_be_visible()
    ola.get_by_label("The charter value it serves").select_option(index=1)
    ola.get_by_label("Title").fill("Ask, then wait")
    ola.get_by_label("What you learned").fill("Families often answer the second time you ask.")
    ola.get_by_role("button", name="Add it").click()
    expect(ola.get_by_text("Added to the legacy log.")).to_be_visible()
    both_widths(ola, check_page, "legacy-log", "legacy-log")

    ola.goto("/hub/ancestors/")
    ola.get_by_label("Your leaving date").fill(later(30).isoformat())
    ola.get_by_role("button", name="Save my leaving date").click()
    expect(ola.get_by_role("heading", name="Handover from Ola")).to_be_visible()
    ola.get_by_label("Who will carry it").select_option(label="Nia")
    ola.get_by_role("button", name="Save").click()
    expect(ola.get_by_text("Nia will carry it.")).to_be_visible()
    both_widths(ola, check_page, "handover", "handover")
    assert HandoverItem.objects.get().carrier == cast.new
