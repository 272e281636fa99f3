"""The audit log, the members page and every people and check-in form in plain words.

Findings: the audit log showed codes ("circle.phase.ended Circle 9",
"support_links.replace"); the members table showed raw role codes ("partner_lead"); several
errors were Django's defaults ("Ensure this value is greater than or equal to 1.")."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from village.circles import services as circle_services
from village.circles.models import Circle, Phase
from village.engines.instruments import load_instruments
from village.people import services
from village.people.audit import describe
from village.people.models import Member, Role, SupportLink
from village.pulse import services as pulse_services

SRC = Path(__file__).resolve().parents[2] / "src" / "village"
# The start of each error message Django gives when a form does not say its own.
DJANGO_DEFAULTS = (
    "This field is required.",
    "Select a valid choice.",
    "Enter a valid",
    "Ensure this value",
    "Enter a list of values.",
    "Enter a whole number.",
)


@pytest.fixture
def admin(make_member: Callable[..., Member]) -> Member:
    return make_member(Role.ADMIN, name="Ada")


def test_the_audit_log_reads_as_sentences(
    admin: Member, circle: Circle, facilitator: Member, make_member: Callable[..., Member]
) -> None:
    circle_services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ENDED)
    reminder = SupportLink.objects.get(partnership=admin.partnership, is_reminder=True)
    services.support_links_replace(
        partnership=admin.partnership,
        actor=admin,
        links=[{"id": reminder.pk, "name": reminder.name, "description": reminder.description}],
    )
    pulse_services.licence_confirm(
        partnership=admin.partnership, actor=admin, instrument_id="swemwbs"
    )
    staff = make_member(Role.STAFF, name="Sam")
    services.member_deactivate(actor=admin, member=staff)
    page = client_for(admin).get(reverse("people:audit")).content.decode()
    assert "Ended the circle “Test circle”" in page
    assert "Changed the support links" in page
    assert "Confirmed the partnership&#x27;s licence for SWEMWBS" in page
    assert "Deactivated Sam" in page
    for code in ("circle.phase", "support_links.replace", "Circle " + str(circle.pk), "pulse."):
        assert code not in page, code


def _audit_actions_in_the_code() -> set[str]:
    """Every action code passed to audit_record, with each value a varying part can take."""
    found = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "audit_record(" in text:
            found |= set(re.findall(r'"([a-z_]+(?:\.[a-z_]+)+\.?)(?:\{[^}]*\})?"', text))
    varying = {
        "circle.phase.": Phase.values,
        "pulse.licence.confirm.": list(load_instruments()),
    }
    actions = set()
    for action in found:
        actions |= {action + part for part in varying[action]} if action in varying else {action}
    return actions


def test_every_audit_action_in_the_code_has_plain_words() -> None:
    """A new audit action without a phrase would show "Made a change": this finds it first."""
    actions = _audit_actions_in_the_code()
    assert {"circle.phase.ended", "support_links.replace", "team.create"} <= actions
    unknown = describe(action="not.an.action")
    missing = {action for action in actions if describe(action=action, target="X") == unknown}
    assert not missing, f"audit actions with no plain words: {sorted(missing)}"


def _pages_with_bad_input(admin: Member, staff: Member, lead: Member) -> list[str]:
    """Every people and check-in form, sent empty and nonsense values, as its user would."""
    admin_client, lead_client = client_for(admin), client_for(lead)
    round_ = pulse_services.round_schedule(
        partnership=lead.partnership,
        created_by=lead,
        title="Forms",
        instruments=["cbi"],
        comment_question="Anything?",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=1),
        guests_allowed=True,
        notify=False,
    )
    guest = Client()
    bad = {"value": "-1", "list": ["nonsense"], "date": "31/02/2026 25:61"}
    pages = []
    for data in (
        {"email": ""},
        {
            "email": "not an email",
            "roles": bad["list"],
            "constituency": "x",
            "agency": "999999",
            "team": "abc",
            "career_stage": "x",
            "name": "y" * 300,
            "parent": "0",
        },
    ):
        for url in (
            reverse("people:members"),
            reverse("people:member_edit", args=[staff.pk]),
            reverse("people:teams"),
        ):
            pages.append(admin_client.post(url, data).content.decode())
    places = {f"team_{staff.pk}": "abc", f"career_stage_{staff.pk}": "x"}
    pages.append(admin_client.post(reverse("people:member_places"), places).content.decode())
    for data in (
        {"title": ""},
        {
            "title": "y" * 300,
            "instruments": bad["list"],
            "opens_at": bad["date"],
            "closes_at": "",
            "audience_roles": bad["list"],
            "audience_agencies": bad["value"],
            "guests_allowed": "maybe",
        },
    ):
        pages.append(lead_client.post(reverse("pulse:create"), data).content.decode())
    licence = {"instrument": "swemwbs"}
    pages.append(admin_client.post(reverse("pulse:licences"), licence).content.decode())
    answer = reverse("pulse:answer", args=[round_.round_code, 1])
    pages.append(guest.post(answer, {"item_1": "9", "next": "1"}).content.decode())
    pages.append(guest.post(reverse("circles:join"), {"code": ""}).content.decode())
    return pages


def test_no_people_or_check_in_form_shows_a_django_default_message(
    admin: Member, make_member: Callable[..., Member]
) -> None:
    staff = make_member(Role.STAFF, name="Sam")
    lead = make_member(Role.PARTNER_LEAD, name="Lee")
    pages = _pages_with_bad_input(admin, staff, lead)
    for index, page in enumerate(pages):
        assert "There is a problem" in page, index
    for page in pages:
        shown = [message for message in DJANGO_DEFAULTS if message in page]
        assert not shown, shown
