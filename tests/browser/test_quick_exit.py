"""The quick-exit control: reached by keyboard straight after the skip link, and it leaves
for the neutral site without leaving the Village page in the browser's history."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def focused_text(page: Any) -> str:
    text: str = page.evaluate("() => document.activeElement.textContent.trim()")
    return text


@pytest.mark.parametrize("width", [320, 375])
def test_quick_exit_is_keyboard_reachable_and_replaces_history(
    new_page: Any, check_page: Any, live_server: Any, width: int
) -> None:
    exit_url = settings.VILLAGE["QUICK_EXIT_URL"]
    page = new_page(width=width)
    page.goto("/circles/join/")
    check_page(page, "join page")

    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to main content"
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    check_page(page, "join page with the skip link showing")
    page.keyboard.press("Tab")
    assert focused_text(page) == "Leave this page quickly"
    expect(page.get_by_role("link", name="Leave this page quickly")).to_be_in_viewport()

    page.get_by_role("link", name="Leave this page quickly").click()
    page.wait_for_url(exit_url)
    expect(page.get_by_role("heading", name="Weather")).to_be_visible()

    # The Village page was replaced in the history: going back cannot return to it.
    page.go_back()
    assert not page.url.startswith(live_server.url), page.url


def test_escape_twice_leaves_quickly(new_page: Any, live_server: Any) -> None:
    exit_url = settings.VILLAGE["QUICK_EXIT_URL"]
    page = new_page(width=375)
    page.goto("/sign-in/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(exit_url)
    page.go_back()
    assert not page.url.startswith(live_server.url), page.url
