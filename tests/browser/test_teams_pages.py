"""An admin makes teams (one inside another) and sets members' teams and career stages, then
reads the members page and the audit log in plain words, at 320 px and 1280 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD, TOTP_SECRET
from village.people.models import Agency, Member, Role

pytestmark = pytest.mark.browser


@pytest.fixture
def people(make_member: Any, agency: Agency) -> dict[str, Member]:
    return {
        "admin": make_member(Role.ADMIN, name="Ada"),
        "staff": make_member(Role.STAFF, name="Morag"),
        "lead": make_member(Role.PARTNER_LEAD, name="Lee"),
    }


@pytest.mark.parametrize("width", [320, 1280])
def test_an_admin_sets_up_teams_and_places_people_in_them(
    people: dict[str, Member], new_page: Any, check_page: Any, width: int
) -> None:
    page = new_page(width=width, height=800)
    sign_in(
        page,
        check_page,
        email=people["admin"].user.email,
        password=PASSWORD,
        totp_secret=TOTP_SECRET,
    )
    page.get_by_role("main").get_by_role("link", name="Teams").click()
    expect(page.get_by_role("heading", level=1, name="Teams")).to_be_visible()
    check_page(page, "teams page, empty")

    page.get_by_label("Team name").fill("")
    page.get_by_role("button", name="Make the team").click()
    expect(page.get_by_text("Give the team a name.").first).to_be_visible()
    check_page(page, "teams page with an error")

    page.get_by_label("Team name").fill("Children's services")
    page.get_by_label("Agency").select_option(label="Northshire Social Work")
    page.get_by_role("button", name="Make the team").click()
    expect(page.get_by_text("The team Children's services is made.")).to_be_visible()
    page.get_by_label("Team name").fill("Duty and assessment")
    page.get_by_label("Agency").select_option(label="Northshire Social Work")
    page.get_by_label("Inside which team? (optional)").select_option(
        label="Children's services (Northshire Social Work)"
    )
    page.get_by_role("button", name="Make the team").click()
    expect(page.get_by_text("Inside Children's services", exact=True)).to_be_visible()
    check_page(page, "teams page with two teams")
    screenshot(page, "teams")

    page.get_by_role("link", name="Set members' teams and career stages").click()
    expect(page.get_by_role("heading", level=1, name="Teams and career stages")).to_be_visible()
    check_page(page, "teams and career stages")
    morag = page.get_by_role("group", name="Morag")
    morag.get_by_label("Team").select_option(
        label="Duty and assessment (Northshire Social Work, inside Children's services)"
    )
    morag.get_by_label("Career stage").select_option(label="Nearing retirement")
    screenshot(page, "member-places")
    page.get_by_role("button", name="Save teams and career stages").click()
    expect(page.get_by_text("Saved. 1 member changed.")).to_be_visible()
    check_page(page, "teams and career stages, saved")

    page.goto("/members/")
    row = page.get_by_role("row", name="Morag")
    expect(row).to_contain_text("Duty and assessment")
    expect(row).to_contain_text("Nearing retirement")
    expect(page.get_by_role("row", name="Lee")).to_contain_text("Partner lead")
    assert "partner_lead" not in page.get_by_role("main").inner_text()
    check_page(page, "members page")
    screenshot(page, "members")

    page.goto("/audit/")
    expect(page.get_by_text("Made the team “Duty and assessment”")).to_be_visible()
    expect(page.get_by_text("Set the team or career stage of Morag")).to_be_visible()
    check_page(page, "audit log")
    screenshot(page, "audit")
