"""A quarterly values review in a real Chromium: a facilitator opens it; an agency lead rates
their agency on every value; a mother on a 320 px phone rates every value anonymously and
cannot rate again; the facilitator closes the ratings, runs the meeting view (the family
panel's view first, above the fold), agrees an action, is told what is missing before the
review can close, records why, closes it, and opens next quarter's review with the action
carried over and its progress shown.

Four other family members and five frontline staff rate through the services first, so the
panels' figures pass the minimum group size (5). Every page on the way passes axe-core
(WCAG 2.0, 2.1 and 2.2, A and AA) at 320 px and 1280 px and none scrolls sideways.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, both_widths, sign_in, tick
from village.people.models import Agency, Constituency, Member, Role
from village.reviews import services
from village.reviews.models import Review, Value

pytestmark = pytest.mark.browser

ACTION = "Invite two parents onto every commissioning panel"


def seed_panels(review: Review, person: Callable[..., Member], values: list[Value]) -> Value:
    """Four family members rate every value 2; five frontline staff rate every value but
    the last 4. Returns the value frontline staff left out."""
    for n in range(4):
        member = person(f"parent{n}@example.org", f"Parent {n}", Role.FAMILY, Constituency.FAMILY)
        services.panel_rate(review=review, actor=member, ratings={v.pk: 2 for v in values})
    for n in range(5):
        member = person(f"staff{n}@example.org", f"Staff {n}", Role.STAFF, Constituency.FRONTLINE)
        services.panel_rate(review=review, actor=member, ratings={v.pk: 4 for v in values[:-1]})
    return values[-1]


def open_review(fac: Any, check_page: Any) -> str:
    fac.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews").click()
    expect(fac.get_by_role("heading", level=1, name="Quarterly reviews")).to_be_visible()
    both_widths(fac, check_page, "review-list", "reviews list")
    quarter: str = fac.get_by_label("Quarter").input_value()
    fac.get_by_role("button", name="Open the review").click()
    expect(fac.get_by_role("heading", level=1, name=f"Review of {quarter}")).to_be_visible()
    both_widths(fac, check_page, "review", "review page")
    return quarter


def test_a_quarterly_review_from_ratings_to_next_quarter(
    new_page: Any, check_page: Any, agency: Agency, person: Callable[..., Member]
) -> None:
    fac_member = person("fac@example.org", "Fran", Role.FACILITATOR, Constituency.MANAGER)
    person("lead@example.org", "Lee", Role.PARTNER_LEAD, Constituency.MANAGER)
    person("mum@example.org", "Mum", Role.FAMILY, Constituency.FAMILY)
    draft = services.charter_load_default(partnership=agency.partnership, actor=fac_member)
    services.version_publish(version=draft, actor=fac_member)

    fac = new_page()
    sign_in(fac, check_page, email="fac@example.org", password=PASSWORD)
    quarter = open_review(fac, check_page)
    review = Review.objects.get(quarter=quarter)
    values = list(Value.objects.filter(version_id=review.version_id))
    left_out = seed_panels(review, person, values)

    # The agency lead rates their agency on every value, with evidence for one.
    lead = new_page()
    sign_in(lead, check_page, email="lead@example.org", password=PASSWORD)
    lead.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews").click()
    lead.get_by_role("link", name=f"Review of {quarter}").click()
    lead.get_by_role("link", name="Rate your agency on each value").click()
    expect(
        lead.get_by_role("heading", level=1, name=f"Rate {agency.name} on each value")
    ).to_be_visible()
    both_widths(lead, check_page, "self-rate", "self-rating page")
    for value in values:
        tick(lead.get_by_role("group", name=value.name, exact=True).get_by_label("Very good"))
    lead.get_by_label(f"How do you know? Your evidence for “{values[0].name}”").fill(
        "Parents told us in three circles."
    )
    lead.get_by_label(f"Links for “{values[0].name}”, one a line").fill("javascript:alert(1)")
    lead.get_by_role("button", name="Save our ratings").click()
    expect(lead.get_by_role("alert")).to_contain_text("Links must be web addresses")
    both_widths(lead, check_page, "self-rate-error", "self-rating page, with an error")
    lead.get_by_label(f"Links for “{values[0].name}”, one a line").fill("/circles/")
    lead.get_by_role("button", name="Save our ratings").click()
    expect(
        lead.get_by_text(f"{agency.name}'s ratings are saved: {len(values)} values.")
    ).to_be_visible()
    check_page(lead, "review page after rating")

    # A mother on a phone rates every value, anonymously, once.
    mum = new_page(width=320, height=640)
    sign_in(mum, check_page, email="mum@example.org", password=PASSWORD)
    mum.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews").click()
    mum.get_by_role("link", name=f"Review of {quarter}").click()
    mum.get_by_role("link", name="Rate each value, anonymously").click()
    expect(mum.get_by_text("Your answers are anonymous.")).to_be_visible()
    expect(mum.get_by_text("at least 5 people have rated", exact=False)).to_be_visible()
    both_widths(mum, check_page, "panel-rate", "panel rating page")
    for value in values:
        tick(mum.get_by_role("group", name=value.name, exact=True).get_by_label("Weak"))
    mum.get_by_role("button", name="Send my answers").click()
    expect(mum.get_by_text("Thank you. Your ratings are in.")).to_be_visible()
    expect(mum.get_by_text("You have rated this quarter. Thank you.", exact=False)).to_be_visible()
    expect(mum.get_by_role("button", name="Send my answers")).to_have_count(0)
    both_widths(mum, check_page, "panel-rated", "panel rating page, rated")

    # The facilitator closes the ratings, after being asked.
    fac.reload()
    fac.get_by_role("link", name="Close the ratings").click()
    expect(
        fac.get_by_role("heading", level=1, name=f"Close the ratings for {quarter}?")
    ).to_be_visible()
    both_widths(fac, check_page, "close-ratings", "close the ratings page")
    fac.get_by_role("button", name="Yes, close the ratings").click()

    # The meeting view: the family panel's view of the first value is above the fold.
    expect(fac.get_by_role("heading", level=1, name=f"{quarter} meeting")).to_be_visible()
    expect(fac.get_by_text("Ratings are closed. The meeting can begin.")).to_be_visible()
    first = fac.locator("section").first
    family = first.get_by_role("heading", name="Family panel")
    expect(family).to_be_in_viewport()
    expect(first.get_by_text("2.0 out of 6")).to_be_visible()
    headings = first.get_by_role("heading", level=3).all_inner_texts()
    assert headings[:2] == ["Family panel", "Frontline staff"], headings
    both_widths(fac, check_page, "meeting", "meeting view")
    # On a phone too, once the message has been read and the page is loaded again.
    fac.set_viewport_size({"width": 320, "height": 640})
    fac.reload()
    expect(first.get_by_text("2.0 out of 6")).to_be_in_viewport()
    fac.set_viewport_size({"width": 1280, "height": 900})

    # The gap matrix flags the gap between the agency's own rating and the family panel's.
    fac.get_by_role("link", name="Gap matrix").click()
    expect(fac.get_by_role("heading", level=1, name=f"Gap matrix: {quarter}")).to_be_visible()
    expect(
        fac.get_by_text(
            f"{agency.name} rates itself 3.0 points higher on “{values[0].name}” than the "
            "family panel does."
        )
    ).to_be_visible()
    assert fac.locator("svg.village-chart").count() > 0
    both_widths(fac, check_page, "gaps", "gap matrix")

    # An action agreed from the meeting view, for the first value.
    fac.get_by_role("link", name="Meeting view").click()
    first.get_by_role("link", name="Agree an action").click()
    expect(fac.get_by_label("Which value it is for")).to_have_value(str(values[0].pk))
    fac.get_by_label("What will be done").fill(ACTION)
    fac.get_by_label("Which agency owns it").select_option(label=agency.name)
    due = timezone.localdate() + timedelta(days=60)
    fac.get_by_label("Due by").fill(due.isoformat())
    fac.get_by_label("Milestones, one a line").fill("Ask the parents' forum\nChange the terms")
    fac.get_by_role("button", name="Agree the action").click()
    expect(fac.get_by_text("The action is agreed.")).to_be_visible()
    card = fac.locator("li.village-card", has_text=ACTION)
    card.get_by_label("Progress").select_option(label="In progress")
    card.get_by_role("button", name="Save progress").click()
    expect(fac.get_by_text(f"“{ACTION}” is now: In progress.")).to_be_visible()
    both_widths(fac, check_page, "actions", "actions page")

    # Closing is refused while frontline staff's view of one value is missing.
    fac.get_by_role("link", name="Overview").click()
    fac.get_by_role("link", name="Close the review").click()
    expect(fac.get_by_text(f"Frontline staff on “{left_out.name}”")).to_be_visible()
    fac.get_by_role("button", name="Yes, close the review").click()
    expect(fac.get_by_role("alert")).to_contain_text("This review cannot close yet.")
    expect(fac.get_by_role("alert")).to_contain_text(f"Frontline staff on “{left_out.name}”")
    both_widths(fac, check_page, "close-refused", "close the review, refused")
    fac.get_by_role("link", name="Say why a value was not rated").first.click()
    fac.get_by_label("Who did not rate it").select_option(label="Frontline staff")
    fac.get_by_label("Which value").select_option(label=left_out.name)
    fac.get_by_label("Why it was not rated").fill("Staff did not feel they knew enough yet.")
    both_widths(fac, check_page, "not-rated", "not rated page")
    fac.get_by_role("button", name="Record the reason").click()
    expect(fac.get_by_text("The reason is recorded.")).to_be_visible()
    fac.get_by_role("link", name="Close the review").click()
    fac.get_by_role("button", name="Yes, close the review").click()
    expect(fac.get_by_text(f"The {quarter} review is closed.")).to_be_visible()
    check_page(fac, "closed review")

    # Next quarter's review opens with the action carried over and its progress shown.
    fac.get_by_role("link", name="Open next quarter's review").click()
    next_quarter = open_review(fac, check_page)
    assert next_quarter > quarter
    expect(fac.get_by_text("1 open action came with it from last quarter.")).to_be_visible()
    fac.get_by_role("link", name="Actions", exact=True).click()
    card = fac.locator("li.village-card", has_text=ACTION)
    expect(card).to_contain_text(f"Carried over from {quarter}.")
    expect(card).to_contain_text("Progress: In progress")
    both_widths(fac, check_page, "next-actions", "next quarter's actions")
