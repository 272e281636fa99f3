"""The charter in a real Chromium: a family member on a phone reads the charter relationally,
the differences between two versions and an amendment with each constituency's standing.
Each page passes axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) at 320 and 1280 px and none
scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import both_widths, sign_in
from tests.conftest import PASSWORD
from tests.reviews.conftest import person
from village.people.models import Agency, Constituency, Member, Role
from village.reviews import services
from village.reviews.models import Clause, ClauseKind

pytestmark = pytest.mark.browser


def test_a_family_member_reads_the_charter_its_changes_and_an_amendment(
    new_page: Any, check_page: Any, agency: Agency, facilitator: Member
) -> None:
    partnership = agency.partnership
    first = services.charter_load_default(partnership=partnership, actor=facilitator)
    services.version_publish(version=first, actor=facilitator)
    draft = services.draft_start(version=first, actor=facilitator, note="Clearer words")
    clause = Clause.objects.filter(value__version=draft, kind=ClauseKind.RIGHT).order_by(
        "value__position", "position"
    )[0]
    services.clause_update(
        clause=clause,
        actor=facilitator,
        parties=clause.parties,
        text="Families have the right to read what is written about them.",
    )
    second = services.version_publish(version=draft, actor=facilitator)
    mum = person(partnership, "Mum", roles=[Role.FAMILY], constituency=Constituency.FAMILY)
    in_force = Clause.objects.get(
        value__version=second, value__key=clause.value.key, key=clause.key
    )
    amendment = services.amendment_propose(
        version=second,
        actor=mum,
        clause=in_force,
        new_text="Families have the right to read and correct what is written about them.",
        reason="A record that is wrong should be put right.",
    )

    page = new_page(width=320)
    sign_in(page, check_page, email=mum.user.email, password=PASSWORD)
    page.get_by_role("link", name="Charter").click()
    expect(page.get_by_role("heading", name="The charter", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Family rights")).to_be_visible()
    both_widths(page, check_page, "charter", "charter")

    page.goto("/reviews/charter/versions/")
    page.get_by_role("button", name="Show what changed").click()
    expect(page.get_by_role("heading", name="From version 1 to version 2")).to_be_visible()
    expect(page.locator("ins").first).to_contain_text("added:")
    both_widths(page, check_page, "charter-differences", "charter-differences")

    page.goto(f"/reviews/charter/amendments/{amendment.pk}/")
    expect(page.get_by_role("heading", name="Where each constituency stands")).to_be_visible()
    expect(
        page.get_by_text("It is accepted only when every constituency says yes.")
    ).to_be_visible()
    both_widths(page, check_page, "amendment", "amendment")
    page.get_by_label("Your comment").fill("I agree: my record had mistakes in it.")
    page.get_by_role("button", name="Add my comment").click()
    expect(page.get_by_text("I agree: my record had mistakes in it.")).to_be_visible()
    check_page(page, "amendment after a comment")
