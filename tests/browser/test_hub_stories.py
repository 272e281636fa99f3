"""Stories of change in a real Chromium: a family member on a phone (320 px) shares a story
anonymously; a facilitator on the panel is told a reason is needed, gives one and selects
it; a project lead makes an indicator read a released check-in figure live. Each page
passes axe-core
(WCAG 2.0, 2.1 and 2.2, A and AA) at 320 and 1280 px and none scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import both_widths, sign_in, tick
from tests.conftest import PASSWORD
from tests.hub.conftest import new_project
from tests.pulse.conftest import full_answers, lead, make_round, make_staff
from village.hub import services
from village.hub.models import Selection, Story
from village.people.models import Agency, Member, Role
from village.pulse import services as pulse_services

pytestmark = pytest.mark.browser
__all__ = ["lead", "make_round", "make_staff"]  # the pulse fixtures a released round needs


def test_a_family_member_shares_a_story_anonymously_and_the_panel_selects_it(
    new_page: Any, check_page: Any, agency: Agency, make_member: Any
) -> None:
    lead: Member = make_member(Role.STAFF, name="Lee")
    family: Member = make_member(Role.FAMILY, name="Fay")
    facilitator: Member = make_member(Role.FACILITATOR, name="Fran")
    project = new_project(lead, agency)

    page = new_page(width=320)
    sign_in(page, check_page, email=family.user.email, password=PASSWORD)
    page.goto(f"/hub/{project.pk}/")
    page.get_by_role("link", name="Read and tell stories of change").click()
    expect(page.get_by_role("heading", name="Stories of change", exact=True)).to_be_visible()
    both_widths(page, check_page, "hub-stories-empty", "hub-stories-empty")
    page.get_by_role("link", name="Tell a story").click()
    expect(page.get_by_role("heading", name="Tell a story of change")).to_be_visible()
    both_widths(page, check_page, "hub-story-tell", "hub-story-tell")
    tick(page.get_by_label("Changes in the lives of children and families"))
    page.get_by_label("Give your story a short title").fill("We planned it ourselves")
    page.get_by_label("What changed?").fill(
        "At the conference we chose who came and what we talked about first."
    )
    tick(page.get_by_label("Share it without my name"))
    page.get_by_role("button", name="Share the story").click()
    expect(page.get_by_text("Thank you. Your story is shared with the project.")).to_be_visible()
    expect(page.get_by_text("Told anonymously")).to_be_visible()
    both_widths(page, check_page, "hub-story-shared", "hub-story-shared")
    story = Story.objects.get()
    assert story.told_by is None

    panel = new_page(width=320)
    sign_in(panel, check_page, email=facilitator.user.email, password=PASSWORD)
    panel.goto(f"/hub/{project.pk}/stories/")
    panel.get_by_role("button", name="Select this story").click()
    expect(panel.get_by_text("Say why the panel chose this story.").first).to_be_visible()
    both_widths(panel, check_page, "hub-story-reason-needed", "hub-story-reason-needed")
    assert not Selection.objects.exists()
    panel.get_by_label("Why the panel chose this story").fill(
        "It shows a family leading their own plan."
    )
    panel.get_by_role("button", name="Select this story").click()
    expect(panel.get_by_text("The story is selected, with the panel's reason.")).to_be_visible()
    expect(panel.get_by_text("Selected by the panel")).to_be_visible()
    both_widths(panel, check_page, "hub-story-selected", "hub-story-selected")
    assert Selection.objects.get().reason == "It shows a family leading their own plan."


def test_a_lead_reads_an_indicator_live_from_a_released_check_in(
    new_page: Any,
    check_page: Any,
    agency: Agency,
    make_member: Any,
    make_round: Any,
    make_staff: Any,
    lead: Member,
) -> None:
    project_lead: Member = make_member(Role.STAFF, name="Lou")
    project = new_project(project_lead, agency)
    indicator = services.element_add(
        project=project, actor=project_lead, kind="indicator", label="Staff wellbeing"
    )
    staff = make_staff(6)
    round_ = make_round(title="Spring check-in")
    for member in staff:
        pulse_services.response_submit(
            round_=round_,
            member=member,
            browser_key=f"key-{member.pk}",
            answers=full_answers(round_.instruments, value=3),
        )
    pulse_services.round_close(round_=round_, actor=lead)

    page = new_page(width=320)
    sign_in(page, check_page, email=project_lead.user.email, password=PASSWORD)
    page.goto(f"/hub/{project.pk}/parts/{indicator.pk}/")
    expect(page.get_by_role("heading", name="Live from Village")).to_be_visible()
    both_widths(page, check_page, "hub-indicator-choose-source", "hub-indicator-choose-source")
    chooser = page.get_by_label("Read this indicator from Village")
    chooser.select_option(index=1)
    page.get_by_role("button", name="Read it from Village").click()
    expect(page.get_by_text("It now reads its value from Village.")).to_be_visible()
    expect(page.get_by_text("from Spring check-in")).to_be_visible()
    both_widths(page, check_page, "hub-indicator-live", "hub-indicator-live")
