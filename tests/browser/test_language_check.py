"""Checking a document in a real Chromium: pasted words come back with the findings
highlighted, and the page passes axe before and after; the "words that help" page passes axe
on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from village.people.models import Member, Role

pytestmark = pytest.mark.browser


def test_pasted_words_come_back_highlighted(
    new_page: Any, make_member: Any, check_page: Any
) -> None:
    staff: Member = make_member(Role.STAFF)
    page = new_page()
    sign_in(page, check_page, email=staff.user.email, password=PASSWORD)
    page.goto("/language/check/")
    check_page(page, "check a document")
    page.get_by_label("Paste your words").fill("Mum was non-compliant.")
    page.get_by_role("button", name="Check the words").click()
    expect(page.locator("mark")).to_have_text("non-compliant")
    check_page(page, "check a document, findings")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as CSV").click()
    assert download.value.suggested_filename == "language-check.csv"


def test_words_that_help_reads_well(new_page: Any, check_page: Any) -> None:
    page = new_page(width=320)
    page.goto("/language/words-that-help/")
    expect(page.get_by_role("heading", level=2, name="co-regulation")).to_be_visible()
    check_page(page, "words that help")
