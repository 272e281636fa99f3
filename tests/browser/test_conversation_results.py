"""The results page in Chromium, at 320 px and 1280 px: axe finds nothing, nothing scrolls
sideways, the opinion map is drawn with its table, and an empty group shows only its reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD
from tests.conversations.conftest import SEEDS
from tests.conversations.test_results import FAMILY, FRONTLINE, MANAGER, PATTERN, Voting
from village.conversations import services
from village.people.models import Member, Role

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_results_page_is_accessible_at_320_and_1280_px(
    new_page: Callable[..., Any], check_page: Any, make_member: Callable[..., Member]
) -> None:
    facilitator = make_member(Role.FACILITATOR, name="Fran")
    now = timezone.now()
    conversation = services.conversation_create(
        partnership=facilitator.partnership,
        created_by=facilitator,
        question="How should our services work with families affected by substance use?",
        context="The partnership is rewriting its guidance this year.",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=14),
        seeds=SEEDS,
    )
    voting = Voting(conversation, facilitator)
    for kind, people in ((FAMILY, 6), (FRONTLINE, 8), (MANAGER, 7)):
        voting.group(kind, people, PATTERN[kind])
    services.results_refresh(conversation=conversation)
    for width in (320, 1280):
        page = new_page(width=width)
        sign_in(page, check_page, email=facilitator.user.email, password=PASSWORD)
        page.goto(f"/conversations/{conversation.pk}/results/")
        expect(page.get_by_role("heading", name="Common ground")).to_be_visible()
        expect(page.locator("svg.village-map circle").first).to_be_attached()
        expect(page.get_by_role("table", name="The opinion map in numbers")).to_be_visible()
        expect(page.get_by_text("Fewer than 5 people answered in this group").first).to_be_visible()
        check_page(page, f"results at {width} px")
        screenshot(page, "conversation-results")
        page.goto(f"/conversations/{conversation.pk}/results/print/")
        check_page(page, f"results print view at {width} px")
