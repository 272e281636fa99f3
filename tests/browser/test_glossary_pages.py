"""An admin adds a word to the partnership's glossary, turns one of Village's off, and the
word then shows as a live hint in a text box of that partnership, at 320 px and 1280 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, TOTP_SECRET
from village.people.models import Member, Role

pytestmark = pytest.mark.browser


@pytest.fixture
def admin(make_member: Any) -> Member:
    return make_member(Role.ADMIN, name="Ada")


@pytest.mark.parametrize("width", [320, 1280])
def test_an_admin_adds_a_word_and_sees_it_as_a_hint(
    admin: Member, new_page: Any, check_page: Any, width: int
) -> None:
    page = new_page(width=width, height=800)
    sign_in(page, check_page, email=admin.user.email, password=PASSWORD, totp_secret=TOTP_SECRET)
    page.get_by_role("main").get_by_role("link", name="Your glossary").click()
    expect(page.get_by_role("heading", level=1, name="Your partnership's glossary")).to_be_visible()
    check_page(page, "glossary list")

    page.get_by_role("link", name="Add a word").click()
    page.get_by_role("button", name="Add the word").click()
    expect(page.get_by_text("Write the word or phrase to flag.").first).to_be_visible()
    check_page(page, "add a word, with errors")
    page.get_by_label("Word or phrase to flag").fill("pushy parent")
    page.get_by_label("Other forms of it (optional)").fill("pushy parents")
    page.get_by_label("What kind of word it is").select_option(value="blaming")
    page.get_by_label("Kinder words to suggest").fill("a parent speaking up for their child")
    page.get_by_label("Why").fill("Families told us it makes them sound like a nuisance.")
    page.get_by_label("Where this comes from").fill("Our language policy")
    page.get_by_label("Link to it").fill("https://example.org/policy")
    page.get_by_role("button", name="Add the word").click()
    expect(page.get_by_text("“pushy parent” is in your glossary.")).to_be_visible()
    check_page(page, "glossary list, word added")

    page.get_by_label("Search for a word").fill("placement")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="placement", exact=True).click()
    check_page(page, "a glossary entry")
    page.get_by_role("link", name="Turn it off").click()
    page.get_by_label("Why you are turning it off").fill("Agreed at the partnership board")
    page.get_by_label("Link to it").fill("https://example.org/board")
    page.get_by_role("button", name="Turn it off").click()
    expect(page.get_by_text("It is off: text boxes in your partnership")).to_be_visible()
    check_page(page, "a glossary entry, off")

    page.goto("/support/")
    box = page.get_by_label("What they offer").first
    box.fill("")
    box.press_sequentially("Help for pushy parents in a placement.", delay=5)
    swap = page.get_by_role(
        "button", name="a parent speaking up for their child (use instead of “pushy parents”)"
    )
    expect(swap).to_be_visible()
    expect(page.get_by_text("Instead of “placement”")).to_have_count(0)
    check_page(page, "a text box with the partnership's own hint")
