"""The quick-exit control: reached by keyboard straight after the skip link, and it leaves
for the neutral site without leaving the Village page in the browser's history."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import tick

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


BAR_AND_FOCUS = """() => {
    const bar = document.querySelector('.village-quick-exit').getBoundingClientRect();
    const focused = document.activeElement;
    const el = focused.getBoundingClientRect();
    return {bar: {top: bar.top, bottom: bar.bottom, height: bar.height},
            focused: {top: el.top, bottom: el.bottom, text: focused.textContent.trim()}};
}"""


def _tab_through_without_covering(page: Any, where: str, *, stop_at: str = "") -> set[str]:
    """Tab through the page; the bar never sits over what has focus. Returns what was focused."""
    seen = set()
    for _press in range(80):
        page.keyboard.press("Tab")
        found = page.evaluate(BAR_AND_FOCUS)
        bar, focused = found["bar"], found["focused"]
        if focused["text"] == "Leave this page quickly":
            continue
        assert focused["top"] >= bar["bottom"] - 0.5 or focused["bottom"] <= bar["top"], (
            f"{where}: the quick-exit bar covers {focused['text']!r} ({found})"
        )
        seen.add(focused["text"])
        if stop_at and stop_at in focused["text"]:
            break
    return seen


@pytest.mark.parametrize("width", [320, 375])
def test_on_phones_the_bar_is_at_most_48px_and_never_covers_content(
    new_page: Any, check_page: Any, circle: Any, width: int
) -> None:
    """Finding: at 320 px the sticky bar was 72 px tall and covered "I need a pause"."""
    page = new_page(width=width, height=640)
    page.goto(f"/circles/c/{circle.join_code}/")
    tick(page.get_by_label("I agree to keep these agreements"))
    page.get_by_role("button", name="Join the circle").click()
    check_page(page, "circle room")
    bar = page.locator(".village-quick-exit").bounding_box()
    assert bar is not None and bar["height"] <= 48, bar
    first = page.get_by_role("main").bounding_box()
    assert first is not None and first["y"] >= bar["y"] + bar["height"], "the page starts below it"

    seen = _tab_through_without_covering(page, "circle room", stop_at="I need a pause")
    assert any("I need a pause" in text for text in seen)
    pause = page.get_by_role("button", name="I need a pause")
    pause.evaluate("(button) => button.scrollIntoView()")
    box = pause.bounding_box()
    assert box is not None and box["y"] >= bar["y"] + bar["height"], "scrolled to, not under"
    pause.click(trial=True, timeout=2_000)  # nothing sits over it to take the tap


def test_on_a_wide_screen_the_bar_stays_clear_of_the_page(new_page: Any, check_page: Any) -> None:
    page = new_page(width=1280)
    page.goto("/circles/join/")
    check_page(page, "join page")
    bar = page.locator(".village-quick-exit").bounding_box()
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert bar is not None and heading is not None
    assert heading["y"] >= bar["y"] + bar["height"]
