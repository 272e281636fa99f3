"""Checking a document in a real Chromium: pasted words come back with the findings
highlighted, and the page passes axe before and after."""

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
