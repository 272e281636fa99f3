"""Circles at both widths: grouping by keyboard and undo on a phone, the end asked for and
then read-only, and words being written kept when the facilitator moves the circle on.

Every page passes axe-core and none scrolls sideways (check_page). With VILLAGE_SCREENSHOTS
set to a folder, the facilitator page, the room and the summary are saved there at 320 and
1280 px, to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, screenshot, sign_in
from tests.browser.test_circle_journey import (
    FACILITATOR_EMAIL,
    PHASE_TIMEOUT_MS,
    assert_not_reloaded,
    facilitator,
    mark_page,
    move_by_keyboard,
)
from village.circles import services
from village.circles.models import Circle, Phase
from village.circles.starters import REGULAR
from village.people.models import Agency, Member

pytestmark = pytest.mark.browser
__all__ = ["facilitator"]  # the fixture, shared with the journey

WIDTHS = (320, 1280)


@pytest.fixture
def open_circle(facilitator: Member) -> Callable[..., Circle]:
    def make(**overrides: Any) -> Circle:
        now = timezone.now()
        values: dict[str, Any] = {
            "partnership": facilitator.partnership,
            "created_by": facilitator,
            "title": "Thursday circle",
            "purpose": "To hear what helps.",
            "agreements": [str(a) for a in REGULAR.agreements],
            "prompts": [str(p) for p in REGULAR.prompts],
            "opens_at": now - timedelta(minutes=5),
            "closes_at": now + timedelta(hours=2),
            **overrides,
        }
        return services.circle_create(**values)

    return make


def _guest_posts(circle: Circle, texts: list[str]) -> None:
    for index, text in enumerate(texts):
        key = f"{index}" * 43
        participant = services.participant_join(circle=circle, member=None, browser_key=key)
        services.reflection_create(
            circle=circle,
            participant=participant,
            prompt=circle.prompts.first(),  # type: ignore[arg-type]
            text=text,
            browser_key=key,
        )


def _join(page: Any, circle: Circle, check_page: Any, where: str) -> None:
    page.goto(f"/circles/c/{circle.join_code}/")
    expect(page.get_by_role("heading", name="Support")).to_be_visible()
    check_page(page, f"agreements page with support ({where})")
    page.get_by_label("I agree to keep these agreements").press("Space")
    page.get_by_role("button", name="Join the circle").press("Enter")
    page.get_by_label("3 – okay", exact=True).press("Space")
    page.get_by_role("button", name="Check in").press("Enter")
    expect(page.get_by_role("heading", name="Add a reflection")).to_be_visible()
    check_page(page, f"room, reflect step ({where})")


@pytest.mark.parametrize("width", WIDTHS)
def test_words_being_written_are_kept_when_the_circle_moves_on(
    new_page: Any,
    check_page: Any,
    facilitator: Member,
    open_circle: Callable[..., Circle],
    width: int,
) -> None:
    circle = open_circle()
    _guest_posts(circle, ["Peer support keeps me going."])
    guest = new_page(width=width)
    _join(guest, circle, check_page, f"{width} px")
    screenshot(guest, "room-reflect")
    half_written = "Nobody tells us when the duty rota changes, and"
    guest.get_by_label("Your reflection").fill(half_written)
    mark_page(guest)
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.GROUP)
    expect(guest.get_by_role("heading", name="Your words were not posted")).to_be_visible(
        timeout=PHASE_TIMEOUT_MS
    )
    expect(guest.get_by_label("What you were writing")).to_have_value(half_written)
    expect(guest.locator("[aria-current=step]")).to_contain_text("Group into themes")
    assert_not_reloaded(guest)
    check_page(guest, f"room after the step changed while writing ({width} px)")
    screenshot(guest, "room-kept-words")


@pytest.mark.parametrize("width", WIDTHS)
def test_grouping_by_keyboard_undo_and_an_ended_circle_read_only(
    new_page: Any,
    check_page: Any,
    facilitator: Member,
    agency: Agency,
    open_circle: Callable[..., Circle],
    width: int,
) -> None:
    circle = open_circle()
    _guest_posts(circle, ["Joint visits with health help a lot.", "I never know who is on duty."])
    fac = new_page(width=width)
    guest = new_page(width=width)
    _join(guest, circle, check_page, f"guest, {width} px")
    sign_in(fac, check_page, email=FACILITATOR_EMAIL, password=PASSWORD)
    fac.goto(f"/circles/{circle.pk}/facilitate/")
    expect(fac.get_by_role("heading", level=1, name="Thursday circle")).to_be_visible()
    check_page(fac, f"facilitate page ({width} px)")

    # New reflections reach the facilitator's board with their prompt.
    guest.get_by_label("Your reflection").fill("Protected time to reflect, please.")
    guest.get_by_role("button", name="Post", exact=True).click()
    card = fac.locator("#board-ungrouped li", has_text="Protected time to reflect")
    expect(card).to_be_visible(timeout=PHASE_TIMEOUT_MS)
    expect(card).to_contain_text("What is working for my wellbeing in multiagency work?")

    fac.get_by_role("button", name=re.compile("^Next step")).click()
    expect(fac.get_by_text("The circle has moved on to: Group into themes.")).to_be_visible()
    fac.get_by_label("Theme name").fill("Who to call")
    fac.keyboard.press("Enter")
    expect(fac.locator(".village-theme__name", has_text="Who to call")).to_be_visible()
    move_by_keyboard(fac, "I never know who is on duty.", "Who to call")
    check_page(fac, f"facilitate page after a keyboard move ({width} px)")
    screenshot(fac, "facilitate-grouping")
    fac.get_by_role("button", name=re.compile("^Undo")).click()
    expect(fac.locator("#circle-status")).to_contain_text("Undone: 1 reflection is back.")
    expect(
        fac.locator("#board-ungrouped li", has_text="I never know who is on duty.")
    ).to_be_visible()
    move_by_keyboard(fac, "I never know who is on duty.", "Who to call")

    # Ending asks first, and going back changes nothing.
    fac.get_by_role("link", name="End the circle").click()
    expect(fac.get_by_role("heading", level=1, name="End the circle?")).to_be_visible()
    check_page(fac, f"end confirmation ({width} px)")
    fac.get_by_role("link", name="No, go back").click()
    expect(fac.get_by_role("link", name="End the circle")).to_be_visible()
    fac.get_by_role("link", name="End the circle").click()
    fac.get_by_role("button", name="Yes, end the circle").click()
    expect(
        fac.get_by_text("This circle has ended. It can be read but not changed.")
    ).to_be_visible()
    check_page(fac, f"facilitate page, ended ({width} px)")
    screenshot(fac, "facilitate-ended")
    main = fac.locator("main")
    expect(main.get_by_role("button")).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile("^Move"))).to_have_count(0)
    expect(main.get_by_text("Rename or remove")).to_have_count(0)
    expect(fac.locator(".village-theme", has_text="Who to call")).to_contain_text(
        "I never know who is on duty."
    )

    # The guest's page catches up with the end: nothing left to press but the summary.
    expect(guest.get_by_role("link", name="See the summary")).to_be_visible(
        timeout=PHASE_TIMEOUT_MS
    )
    expect(guest.locator("main").get_by_role("button")).to_have_count(0)
    check_page(guest, f"room, ended ({width} px)")
    screenshot(guest, "room-ended")
    guest.get_by_role("link", name="See the summary").click()
    expect(guest.get_by_role("button", name="Print this summary")).to_be_visible()
    check_page(guest, f"summary ({width} px)")
    screenshot(guest, "summary")
