"""A member answers a check-in on a 375 px phone (saving and resuming on the way) and a
partner lead reads a report with hidden cells explained, in a real Chromium.

Every page passes axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) and none scrolls sideways.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, add_person, sign_in
from village.engines.instruments import get_instrument
from village.people import services as people_services
from village.people.models import Agency, Role
from village.pulse import services as pulse_services
from village.pulse.models import Round

pytestmark = pytest.mark.browser


def _answers(instrument_ids: list[str], value: int) -> dict[str, dict[str, int]]:
    return {
        i: {str(item.number): value for item in get_instrument(i).items} for i in instrument_ids
    }


@pytest.fixture
def rounds(agency: Agency) -> dict[str, Any]:
    staff = add_person(agency, "sam.staff@example.org", "Sam Staff", Role.STAFF)
    lead = add_person(agency, "lee.lead@example.org", "Lee Lead", Role.PARTNER_LEAD)
    small = people_services.agency_create(
        partnership=agency.partnership, name="Tiny Housing", sector="housing"
    )
    answering = [
        add_person(agency if i < 6 else small, f"staff{i}@example.org", f"Staff {i}", Role.STAFF)
        for i in range(8)
    ]
    now = timezone.now()
    closed = pulse_services.round_schedule(
        partnership=agency.partnership,
        created_by=lead,
        title="Autumn check-in",
        instruments=["cbi", "multiagency"],
        comment_question="Anything else?",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=1),
        notify=False,
    )
    for i, member in enumerate(answering):
        pulse_services.response_submit(
            round_=closed,
            member=member,
            browser_key=f"member-{i}",
            answers=_answers(closed.instruments, 1 + i % 5),
        )
    pulse_services.round_close(round_=closed, actor=lead)
    open_round = pulse_services.round_schedule(
        partnership=agency.partnership,
        created_by=lead,
        title="Winter check-in",
        instruments=["cbi", "multiagency"],
        comment_question="Anything else?",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=7),
        guests_allowed=True,
        notify=False,
    )
    return {"staff": staff, "lead": lead, "closed": closed, "open": open_round}


def answer_page(page: Any, value: int, *, only: int | None = None) -> None:
    """Tap ``value`` for every question on this page (or the first ``only`` of them)."""
    groups = page.locator("fieldset:has(input[name^='item_'])")
    for index in range(groups.count() if only is None else only):
        group = groups.nth(index)
        # The design system draws its own radio over the input: tap the label, as people do.
        group.locator(f"input[value='{value}'] + label").click()


def test_member_answers_on_a_phone_and_manager_reads_the_report(
    rounds: dict[str, Any], new_page: Any, check_page: Any
) -> None:
    open_round: Round = rounds["open"]
    phone = new_page(width=375, height=740)
    sign_in(phone, check_page, email="sam.staff@example.org", password=PASSWORD)
    phone.get_by_role("link", name="Wellbeing check-ins").click()
    check_page(phone, "check-in list")
    phone.get_by_role("link", name="Winter check-in").click()
    expect(phone.get_by_role("heading", level=1, name="Winter check-in")).to_be_visible()
    expect(phone.get_by_text("6 short pages and takes about 3 minutes")).to_be_visible()
    check_page(phone, "start page")
    phone.get_by_role("link", name="Start").click()
    expect(phone.get_by_text("Step 1 of 6")).to_be_visible()
    check_page(phone, "step 1")

    # Missing answers: a clear error, and what was chosen stays chosen.
    answer_page(phone, 2, only=3)
    phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("There is a problem")).to_be_visible()
    expect(phone.locator('input[name="item_1"][value="2"]')).to_be_checked()
    check_page(phone, "step 1 with errors")
    answer_page(phone, 2)
    phone.get_by_role("button", name="Next").click()
    for step in (2, 3):
        expect(phone.get_by_text(f"Step {step} of 6")).to_be_visible()
        answer_page(phone, 2)
        phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("Step 4 of 6")).to_be_visible()
    check_page(phone, "step 4")

    # Save and finish later, then resume on the same device.
    answer_page(phone, 4, only=2)
    phone.get_by_role("button", name="Save and finish later").click()
    expect(phone.get_by_text("Your answers are saved on this device")).to_be_visible()
    check_page(phone, "start page with a saved draft")
    phone.get_by_role("link", name="Continue where you left off").click()
    expect(phone.get_by_text("Step 4 of 6")).to_be_visible()
    expect(phone.locator('input[name="item_2"][value="4"]')).to_be_checked()
    for step in (4, 5):
        expect(phone.get_by_text(f"Step {step} of 6")).to_be_visible()
        answer_page(phone, 4)
        phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("Step 6 of 6")).to_be_visible()
    check_page(phone, "last step")
    phone.get_by_label("Anything else? (optional)").fill("Glad to be asked.")
    phone.get_by_role("button", name="Finish and see my scores").click()
    expect(
        phone.get_by_role("heading", level=1, name="Thank you. Here are your scores")
    ).to_be_visible()
    expect(phone.get_by_text("Where to find support")).to_be_visible()
    check_page(phone, "private results")
    assert open_round.pending.count() == 1, "the answer waits, sealed, in the mix"

    # A partner lead opens the closed round's report and sees why cells are hidden.
    desk = new_page(width=1280)
    sign_in(desk, check_page, email="lee.lead@example.org", password=PASSWORD)
    desk.goto("/pulse/")
    check_page(desk, "rounds list for a manager")
    desk.get_by_role("link", name="Report for Autumn check-in").click()
    expect(desk.get_by_role("heading", level=1, name="Autumn check-in")).to_be_visible()
    expect(desk.get_by_text("Fewer than 5 people answered in this group").first).to_be_visible()
    check_page(desk, "report")
    desk.get_by_label("Show").select_option(label="Within Northshire Social Work")
    desk.get_by_role("button", name="Show").click()
    expect(
        desk.get_by_role("heading", level=1, name="Autumn check-in: Northshire Social Work")
    ).to_be_visible()
    check_page(desk, "report within one agency")
    desk.get_by_role("link", name="Print view").click()
    check_page(desk, "print view")
    desk.goto("/pulse/trends/")
    check_page(desk, "trends")
    desk.goto(f"/pulse/{open_round.pk}/")
    expect(desk.get_by_text(open_round.round_code, exact=True)).to_be_visible()
    check_page(desk, "manage page")
    desk.goto("/pulse/new/")
    check_page(desk, "schedule form")

    # The manager's report on a phone does not scroll sideways either.
    small = new_page(width=375, height=740)
    sign_in(small, check_page, email="lee.lead@example.org", password=PASSWORD)
    small.goto(f"/pulse/{rounds['closed'].pk}/report/")
    check_page(small, "report on a phone")


@pytest.mark.parametrize("width", [320, 1280])
def test_guest_enters_a_round_code_on_the_join_with_a_code_page(
    rounds: dict[str, Any], new_page: Any, check_page: Any, width: int
) -> None:
    """Finding: a guest with a round code was told no circle has that code."""
    phone = new_page(width=width, height=740)
    phone.goto("/")
    check_page(phone, "home page for a guest")
    phone.get_by_role("main").get_by_role("link", name="Join with a code").click()
    expect(phone.get_by_role("heading", level=1, name="Join with a code")).to_be_visible()
    check_page(phone, "join page")
    phone.get_by_label("Code").fill("WRONG123")
    phone.get_by_role("button", name="Continue").click()
    expect(
        phone.get_by_text(
            "We could not find a circle, a check-in or a conversation with that code"
        ).first
    ).to_be_visible()
    check_page(phone, "join page with an error")
    phone.get_by_label("Code").fill(rounds["open"].round_code.lower())
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", level=1, name="Winter check-in")).to_be_visible()
    check_page(phone, "guest start page")
