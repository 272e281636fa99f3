"""An admin's pages on a small phone: members and invitations, support links, the audit log,
and the invited person accepting on their own device. axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, tick
from tests.conftest import TOTP_SECRET
from village.people import services as people_services
from village.people.models import Constituency, Member, Role

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "ada.admin@example.org"
PASSWORD = "a-long-browser-test-password-5"


@pytest.fixture
def admin(transactional_db: None) -> Member:
    partnership = people_services.partnership_create(name="Browser Partnership", slug="browser")
    agency = people_services.agency_create(
        partnership=partnership, name="Browser Social Work", sector="social_work"
    )
    user = people_services.user_create(email=ADMIN_EMAIL, password=PASSWORD, email_verified=True)
    people_services.two_step_activate(user=user, secret=TOTP_SECRET)
    return people_services.member_create(
        partnership=partnership,
        user=user,
        display_name="Ada Admin",
        roles=[Role.ADMIN],
        constituency=Constituency.MANAGER,
        agency=agency,
    )


def test_admin_invites_sets_support_links_and_reads_the_audit_log(
    admin: Member, new_page: Any, check_page: Any
) -> None:
    page = new_page(width=320, height=720)
    sign_in(page, check_page, email=ADMIN_EMAIL, password=PASSWORD, totp_secret=TOTP_SECRET)

    page.get_by_role("link", name="Members and invitations").click()
    check_page(page, "members page")
    page.get_by_label("Email address").fill("new.person@example.org")
    tick(page.get_by_label("Staff", exact=True))
    page.get_by_label("Which group do they speak for?").select_option("frontline")
    page.get_by_role("button", name="Make an invitation link").click()
    expect(page.get_by_text("Invitation ready")).to_be_visible()
    check_page(page, "members page with a new invitation")
    invite_link = page.locator(".village-invitation a").get_attribute("href")
    assert invite_link and "/invitation/" in invite_link

    page.goto("/support/")
    check_page(page, "support links page")
    expect(page.get_by_label("Name").first).to_have_value("Breathing Space")
    page.get_by_label("Name").last.fill("Staff care line")
    page.get_by_label("What they offer").last.fill("Talk to someone in confidence, any time.")
    page.get_by_role("button", name="Save support links").click()
    expect(page.get_by_text("Support links saved.")).to_be_visible()
    check_page(page, "support links saved")

    page.goto("/audit/")
    check_page(page, "audit log")
    expect(page.locator("table")).to_contain_text("Invited new.person@example.org")
    expect(page.locator("table")).to_contain_text("Changed the support links")

    for path, where in (
        ("/account/", "your account"),
        ("/accounts/2fa/", "two-step verification"),
        ("/accounts/password/change/", "change password"),
    ):
        page.goto(path)
        check_page(page, where)

    invited = new_page(width=320, height=720)
    invited.goto(invite_link)
    check_page(invited, "invitation page")
    invited.get_by_label("Your name").fill("New Person")
    invited.get_by_label("Choose a password").fill("12345678")
    invited.get_by_role("button", name="Create my account").click()
    expect(invited.get_by_text("There is a problem")).to_be_visible()
    expect(invited.get_by_label("Your name")).to_have_value("New Person")
    check_page(invited, "invitation page with a weak password")
    invited.get_by_label("Choose a password").fill("a sturdy passphrase for village")
    mail.outbox.clear()
    invited.get_by_role("button", name="Create my account").click()
    expect(invited.get_by_text("Your account for Browser Partnership is ready")).to_be_visible()
    check_page(invited, "sign-in page after accepting")
    invited.get_by_label("Email address").fill("new.person@example.org")
    invited.get_by_label("Password").fill("a sturdy passphrase for village")
    invited.get_by_role("button", name="Sign in").click()
    expect(invited.get_by_label("Code")).to_be_visible()
    check_page(invited, "email code page")
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE)
    assert code is not None
    invited.get_by_label("Code").fill(code.group(1))
    invited.get_by_role("button", name="Confirm").click()
    expect(invited.get_by_role("heading", name="Browser Partnership")).to_be_visible()
    check_page(invited, "home page of the new member")
