"""The partnership home and the review pack's print view in Chromium, at 320 px and 1280 px,
on the demo: axe finds nothing and nothing scrolls sideways; the pack's charts are drawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from village.demo import DEMO_PASSWORD, demo_load
from village.reviews import selectors

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_home_and_pack_are_accessible_at_320_and_1280_px(
    new_page: Callable[..., Any], check_page: Any
) -> None:
    partnership, _created = demo_load()
    _current, last = selectors.reviews_for(partnership=partnership)
    for width in (320, 1280):
        page = new_page(width=width)
        sign_in(page, check_page, email="lead@demo.village", password=DEMO_PASSWORD)
        page.get_by_role("link", name="This quarter at a glance").click()
        expect(page.get_by_role("heading", name="Gaps of two points or more")).to_be_visible()
        check_page(page, f"partnership home at {width} px")
        screenshot(page, "partnership-home")
        page.goto(f"/reviews/{last.pk}/pack/")
        expect(page.get_by_role("heading", name="How do we know?")).to_be_visible()
        expect(page.locator("svg.village-chart").first).to_be_attached()
        check_page(page, f"review pack at {width} px")
        screenshot(page, "review-pack")
