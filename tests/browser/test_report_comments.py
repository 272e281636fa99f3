"""A partner lead pages through a report's comments at 320 px and 1280 px, in a real
Chromium: 50 a page, in the report's fixed order, every page passing axe-core."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, add_person, sign_in
from tests.browser.test_pulse_journey import _answers
from village.people.models import Agency, Role
from village.pulse import services as pulse_services
from village.pulse.models import Round

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def reported(agency: Agency) -> Round:
    lead = add_person(agency, "lee.lead@example.org", "Lee Lead", Role.PARTNER_LEAD)
    staff = [
        add_person(agency, f"staff{i}@example.org", f"Staff {i}", Role.STAFF) for i in range(60)
    ]
    now = timezone.now()
    round_ = pulse_services.round_schedule(
        partnership=agency.partnership,
        created_by=lead,
        title="Spring check-in",
        instruments=["cbi", "multiagency"],
        comment_question="Anything else?",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=1),
        notify=False,
    )
    for i, member in enumerate(staff):
        pulse_services.response_submit(
            round_=round_,
            member=member,
            browser_key=f"member-{i}",
            answers=_answers(round_.instruments, 1 + i % 5),
            comment=f"Comment number {i} about how the week went for me and my team.",
        )
    return pulse_services.round_close(round_=round_, actor=lead)


@pytest.mark.parametrize("width", [320, 1280])
def test_a_lead_pages_through_the_comments(
    reported: Round, new_page: Any, check_page: Any, width: int
) -> None:
    page = new_page(width=width, height=800)
    sign_in(page, check_page, email="lee.lead@example.org", password=PASSWORD)
    page.goto(f"/pulse/{reported.pk}/report/")
    expect(page.get_by_text("Comments 1 to 50 of 60.")).to_be_visible()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    check_page(page, f"report, first page of comments, {width} px")
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Comments 51 to 60 of 60.")).to_be_visible()
    expect(page.get_by_role("link", name="Previous page")).to_be_visible()
    check_page(page, f"report, last page of comments, {width} px")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_role("navigation", name="Pages of comments").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"report-comments-{width}.png"))
