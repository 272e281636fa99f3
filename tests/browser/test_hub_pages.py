"""The learning hub in a real Chromium: a project lead on a phone starts a project, builds
its theory of change (an activity, an outcome, an assumption in between) and passes the
0-month gate after being told what it still needs; later, the 6-month gate stops them for
an indicator with no baseline until they record one. Each page passes axe-core (WCAG 2.0, 2.1
and 2.2, A and AA) at 320 and 1280 px and none scrolls sideways."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import both_widths, sign_in, tick
from tests.conftest import PASSWORD
from tests.hub.conftest import build_theory, new_project
from village.hub import services
from village.hub.models import GatePassage
from village.people.models import Agency, Member, Role

pytestmark = pytest.mark.browser


def _add_part(page: Any, check_page: Any, kind: str, label: str) -> None:
    page.get_by_role("link", name="Add a part").click()
    expect(page.get_by_role("heading", name="Add a part to the theory of change")).to_be_visible()
    tick(page.get_by_label(kind, exact=True))
    page.get_by_label("In a few words").fill(label)
    page.get_by_role("button", name="Add it").click()
    expect(page.get_by_role("heading", name=label)).to_be_visible()


def _connect(page: Any, option: str) -> None:
    page.get_by_label("Connect it to").select_option(label=option)
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(page.get_by_text("Connected.")).to_be_visible()


def _back_to_project(page: Any) -> None:
    page.get_by_role("link", name="Family group conferencing").first.click()
    expect(page.get_by_role("heading", name="Family group conferencing")).to_be_visible()


def test_a_lead_builds_a_theory_of_change_and_passes_the_first_gate(
    new_page: Any, check_page: Any, agency: Agency, make_member: Any
) -> None:
    lead: Member = make_member(Role.STAFF, name="Lee")
    page = new_page(width=320)
    sign_in(page, check_page, email=lead.user.email, password=PASSWORD)
    page.goto("/hub/")
    expect(page.get_by_role("heading", name="Learning hub")).to_be_visible()
    both_widths(page, check_page, "hub-list", "hub-list")

    page.get_by_label("Project name").fill("Family group conferencing")
    tick(page.get_by_label("A new piece of work"))
    page.get_by_label("When the 18 months start").fill("2026-01-31")
    tick(page.get_by_label(agency.name))
    page.get_by_role("button", name="Start the project").click()
    expect(page.get_by_text("The project is started.")).to_be_visible()

    page.get_by_role("button", name="Pass the 0-month gate").click()
    expect(page.get_by_text("The 0-month gate needs: A theory of change")).to_be_visible()
    both_widths(page, check_page, "hub-project-refused", "hub-project-refused")

    _add_part(page, check_page, "Outcome", "Families feel heard")
    _back_to_project(page)
    _add_part(page, check_page, "Assumption", "Families trust the convenor")
    both_widths(page, check_page, "hub-assumption", "hub-assumption")
    _connect(page, "Outcome: Families feel heard")
    _back_to_project(page)
    _add_part(page, check_page, "Activity", "Family group conferences")
    _connect(page, "Outcome: Families feel heard")
    _connect(page, "Assumption: Families trust the convenor")
    both_widths(page, check_page, "hub-activity", "hub-activity")
    _back_to_project(page)
    page.get_by_role("link", name="Add a part").click()
    both_widths(page, check_page, "hub-add-part", "hub-add-part")
    page.go_back()

    expect(page.get_by_text("Everything this gate needs is in place.")).to_be_visible()
    page.get_by_role("button", name="Pass the 0-month gate").click()
    expect(page.get_by_text("The 0-month gate is passed.")).to_be_visible()
    expect(page.get_by_role("button", name="Pass the 3-month gate")).to_be_visible()
    both_widths(page, check_page, "hub-project", "hub-project")
    assert GatePassage.objects.filter(months=0, passed_by=lead).exists()


def test_a_lead_is_stopped_at_the_6_month_gate_for_a_missing_baseline_then_passes(
    new_page: Any, check_page: Any, agency: Agency, make_member: Any
) -> None:
    lead: Member = make_member(Role.STAFF, name="Lee")
    project = new_project(lead, agency)
    build_theory(project, lead)
    services.gate_pass(project=project, actor=lead, months=0)
    assumption = project.elements.get(kind="assumption")
    first = services.element_add(project=project, actor=lead, kind="indicator", label="Plans")
    services.connection_add(project=project, actor=lead, source=first, target=assumption)
    services.value_record(
        indicator=first,
        actor=lead,
        value=Decimal(4),
        measured_on=date(2026, 2, 1),
        is_baseline=True,
    )
    services.document_add(
        project=project, actor=lead, kind="evaluation_plan", title="Plan", text="Written."
    )
    services.story_tell(
        project=project,
        actor=lead,
        domain="Any other change",
        title="Plans in our words",
        text="Families wrote the plans with us.",
        anonymous=False,
    )
    services.gate_pass(project=project, actor=lead, months=3)
    late = services.element_add(project=project, actor=lead, kind="indicator", label="Back home")

    page = new_page(width=320)
    sign_in(page, check_page, email=lead.user.email, password=PASSWORD)
    page.goto(f"/hub/{project.pk}/")
    page.get_by_role("button", name="Pass the 6-month gate").click()
    expect(page.get_by_text("“Back home” has none yet.").first).to_be_visible()
    both_widths(page, check_page, "hub-gate-6-refused", "hub-gate-6-refused")

    page.goto(f"/hub/{project.pk}/parts/{late.pk}/")
    page.get_by_label("Value", exact=True).fill("7")
    page.get_by_label("Measured on").fill("2026-08-01")
    tick(page.get_by_label("This is the baseline"))
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("The value is recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="7 (baseline)")).to_be_visible()
    both_widths(page, check_page, "hub-indicator", "hub-indicator")

    _back_to_project(page)
    page.get_by_role("button", name="Pass the 6-month gate").click()
    expect(page.get_by_text("The 6-month gate is passed.")).to_be_visible()
    assert GatePassage.objects.filter(project=project, months=6).exists()
