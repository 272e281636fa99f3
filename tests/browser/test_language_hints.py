"""Live language hints in a real Chromium: a hint appears as a person pauses typing in a
circle reflection and in a conversation statement, one click puts the kinder word in the
box, axe passes with the panel open, a post after the live panel showed its hints goes at
once, and without JavaScript the same box shows the hints after posting, once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import tick
from tests.conversations.conftest import family_link, make_conversation
from village.circles.models import Circle, Reflection
from village.conversations.models import Conversation, Link, Statement

pytestmark = pytest.mark.browser
__all__ = ["family_link", "make_conversation"]  # fixtures shared with the conversation tests

DRAFT = "The family were hard to reach."


@pytest.fixture
def conversation(make_conversation: Callable[..., Conversation]) -> Conversation:
    return make_conversation()


def _reflect_step(page: Any, circle: Circle) -> None:
    page.goto(f"/circles/c/{circle.join_code}/")
    tick(page.get_by_label("I agree to keep these agreements"))
    page.get_by_role("button", name="Join the circle").click()
    tick(page.get_by_label("3 – okay", exact=True))
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", name="Add a reflection")).to_be_visible()


def _type_and_swap(page: Any, box: Any, check_page: Any, where: str) -> None:
    box.press_sequentially(DRAFT, delay=10)
    expect(box).to_be_focused()
    swap = page.get_by_role("button", name="seldom heard (use instead of “hard to reach”)")
    expect(swap).to_be_visible()
    expect(box).to_be_focused()  # the panel appeared without taking focus
    check_page(page, f"{where}, hints open")
    swap.click()
    expect(box).to_have_value("The family were seldom heard.")
    expect(page.get_by_text("Words to think about")).to_have_count(0)


def test_a_hint_appears_in_a_circle_reflection_and_one_click_swaps_the_word(
    new_page: Any, circle: Circle, check_page: Any
) -> None:
    page = new_page()
    _reflect_step(page, circle)
    box = page.get_by_label("Your reflection")
    expect(page.locator("#hints-id_text")).to_have_attribute("aria-live", "polite")
    _type_and_swap(page, box, check_page, "circle reflection")


def _join_conversation(page: Any, conversation: Conversation, family_link: Link) -> None:
    page.goto(f"/conversations/j/{family_link.code}/")
    for box in page.locator("main input[type=checkbox]").all():
        tick(box)
    page.get_by_role("button", name="Take part").click()
    page.goto(f"/conversations/{conversation.pk}/write/")


def test_a_hint_appears_in_a_conversation_statement_and_one_click_swaps_the_word(
    new_page: Any, conversation: Conversation, family_link: Link, check_page: Any
) -> None:
    page = new_page()
    _join_conversation(page, conversation, family_link)
    _type_and_swap(page, page.get_by_label("Your statement"), check_page, "conversation statement")


def test_after_the_live_panel_a_reflection_posts_at_once(new_page: Any, circle: Circle) -> None:
    """The panel showed the hints while typing, so the post is not held to show them again."""
    page = new_page()
    _reflect_step(page, circle)
    page.get_by_label("Your reflection").press_sequentially(DRAFT, delay=10)
    expect(
        page.get_by_role("button", name="seldom heard (use instead of “hard to reach”)")
    ).to_be_visible()
    page.wait_for_load_state("networkidle")  # the hints for the last words typed are in
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Posted.")).to_be_visible()
    assert Reflection.objects.get().text == DRAFT


def test_after_the_live_checks_a_statement_posts_at_once(
    new_page: Any, conversation: Conversation, family_link: Link
) -> None:
    page = new_page()
    _join_conversation(page, conversation, family_link)
    page.get_by_label("Your statement").press_sequentially(DRAFT, delay=10)
    expect(
        page.get_by_role("button", name="seldom heard (use instead of “hard to reach”)")
    ).to_be_visible()
    page.wait_for_load_state("networkidle")  # the hints for the last words typed are in
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Thank you.")).to_be_visible()
    assert Statement.objects.filter(text=DRAFT).exists()


def test_a_post_sent_before_the_panel_caught_up_is_held_once_and_axe_passes(
    new_page: Any, conversation: Conversation, family_link: Link, check_page: Any
) -> None:
    """Sent within the pause, before any hint came back: the server shows them, once."""
    page = new_page()
    _join_conversation(page, conversation, family_link)
    page.get_by_label("Your statement").fill(DRAFT)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("button", name="Post it as it is")).to_be_visible()
    expect(page.get_by_role("heading", name="Words to think about")).to_be_visible()
    check_page(page, "write page, held once for its hints")
    page.get_by_role("button", name="Post it as it is").click()
    expect(page.get_by_text("Thank you.")).to_be_visible()


@pytest.fixture
def no_script(browser: Any, live_server: Any) -> Iterator[Any]:
    """A browser with JavaScript turned off. (axe itself needs JavaScript, so the
    accessibility checks are in the tests above.)"""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    yield context.new_page()
    context.close()


def _held_once_then_posted(page: Any, box: Any, done: str) -> None:
    box.fill(DRAFT)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("heading", name="Words to think about")).to_be_visible()
    expect(page.get_by_text("“seldom heard”")).to_be_visible()
    expect(box).to_have_value(DRAFT)
    page.get_by_role("button", name="Post it as it is").click()
    expect(page.get_by_text(done)).to_be_visible()


def test_without_javascript_a_reflection_shows_the_hints_after_posting(
    no_script: Any, circle: Circle
) -> None:
    _reflect_step(no_script, circle)
    _held_once_then_posted(no_script, no_script.get_by_label("Your reflection"), "Posted.")
    assert Reflection.objects.get().text == DRAFT


def test_without_javascript_a_statement_shows_the_hints_after_posting(
    no_script: Any, conversation: Conversation, family_link: Link
) -> None:
    _join_conversation(no_script, conversation, family_link)
    _held_once_then_posted(no_script, no_script.get_by_label("Your statement"), "Thank you.")
    assert Statement.objects.filter(text=DRAFT).exists()
