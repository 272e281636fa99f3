"""A family member answers the family questions on a 320 px phone (and at 1280 px): short
pages of at most 7 questions, no question about work, and their own scores reached by
redirect, kept through a refresh without sending anything again.

Findings: families were asked "Is your work emotionally exhausting?"; one step showed 19
questions, about 7,000 px tall at 320 px; the scores page was the reply to a POST."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_pulse_journey import answer_page
from village.people import services as people_services
from village.people.models import Agency, Constituency, Member, Role
from village.pulse import services as pulse_services
from village.pulse.models import Audience, Round

pytestmark = pytest.mark.browser

PASSWORD = "a-long-browser-test-password-6"
TITLE = "How is the support for your family?"


def _member(agency: Agency, email: str, name: str, role: str) -> Member:
    user = people_services.user_create(email=email, password=PASSWORD, email_verified=True)
    if role == Role.ADMIN:
        from tests.conftest import TOTP_SECRET

        people_services.two_step_activate(user=user, secret=TOTP_SECRET)
    return people_services.member_create(
        partnership=agency.partnership,
        user=user,
        display_name=name,
        roles=[role],
        constituency=Constituency.FAMILY if role == Role.FAMILY else Constituency.MANAGER,
        agency=agency,
    )


@pytest.fixture
def family_round(agency: Agency) -> Round:
    _member(agency, "dawn.parent@example.org", "Dawn Parent", Role.FAMILY)
    admin = _member(agency, "ada.admin@example.org", "Ada Admin", Role.ADMIN)
    pulse_services.licence_confirm(
        partnership=agency.partnership, actor=admin, instrument_id="swemwbs"
    )
    return pulse_services.round_schedule(
        partnership=agency.partnership,
        created_by=admin,
        title=TITLE,
        intended_for=Audience.FAMILY,
        instruments=list(pulse_services.FAMILY_INSTRUMENTS),
        comment_question=str(pulse_services.FAMILY_COMMENT_QUESTION),
        opens_at=timezone.now() - timedelta(minutes=5),
        closes_at=timezone.now() + timedelta(days=7),
        notify=False,
    )


@pytest.mark.parametrize("width", [320, 1280])
def test_a_family_member_answers_the_family_questions(
    family_round: Round, new_page: Any, check_page: Any, width: int
) -> None:
    phone = new_page(width=width, height=700)
    sign_in(phone, check_page, email="dawn.parent@example.org", password=PASSWORD)
    phone.get_by_role("link", name="Wellbeing check-ins").click()
    phone.get_by_role("link", name=TITLE).click()
    expect(phone.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(phone.get_by_text("4 short pages and takes about 2 minutes")).to_be_visible()
    check_page(phone, "family start page")
    screenshot(phone, "family-start")
    phone.get_by_role("link", name="Start").click()

    for number in (1, 2, 3):
        expect(phone.get_by_text(f"Step {number} of 4")).to_be_visible()
        questions = phone.locator("fieldset:has(input[name^='item_'])")
        assert 1 <= questions.count() <= 7
        text = phone.get_by_role("main").inner_text().lower()
        assert "work" not in text and "colleague" not in text, text
        if width == 320:
            height = phone.evaluate("() => document.documentElement.scrollHeight")
            assert height < 3_500, f"step {number} is {height} px tall (19 questions were 7,000)"
        check_page(phone, f"family step {number}")
        screenshot(phone, f"family-step-{number}")
        answer_page(phone, 4)
        phone.get_by_role("button", name="Next").click()

    expect(phone.get_by_text("Step 4 of 4")).to_be_visible()
    phone.get_by_label(
        "Is there anything else you would like to tell us about the support you and your "
        "family get? (optional)"
    ).fill("The new worker listens.")
    check_page(phone, "family last step")
    phone.get_by_role("button", name="Finish and see my scores").click()
    expect(
        phone.get_by_role("heading", level=1, name="Thank you. Here are your scores")
    ).to_be_visible()
    assert phone.url.endswith(f"/pulse/r/{family_round.round_code}/scores/")
    expect(phone.get_by_role("heading", name="Feeling heard and supported")).to_be_visible()
    check_page(phone, "family scores")
    screenshot(phone, "family-scores")

    phone.reload()  # a GET: nothing is sent again, and the scores are still there
    expect(phone.get_by_role("heading", name="Feeling heard and supported")).to_be_visible()
    assert family_round.pending.count() == 1
