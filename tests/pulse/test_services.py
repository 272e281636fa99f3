"""Scheduling, opening, answering, saving for later and closing, through the services."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.pulse.conftest import full_answers, step_post
from village.people import services as people_services
from village.people.models import Agency, AuditEvent, Member, Role
from village.pulse import selectors, services
from village.pulse.models import (
    AudienceSnapshot,
    Draft,
    Participation,
    ReleasedReport,
    Response,
    Round,
)


def test_scheduling_an_open_round_snapshots_the_audience_and_emails_each_person(
    make_round: Callable[..., Round],
    make_member: Callable[..., Member],
    lead: Member,
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff = make_member(Role.STAFF, name="Sam")
    with django_capture_on_commit_callbacks(execute=True):
        round_ = make_round(site_url="https://village.example.scot/")
    assert round_.opened
    asked = set(AudienceSnapshot.objects.filter(round=round_).values_list("member", flat=True))
    assert asked == {lead.pk, staff.pk}
    assert len(mail.outbox) == 2
    assert all(len(message.to) == 1 for message in mail.outbox)
    link = f"https://village.example.scot/pulse/r/{round_.round_code}/"
    assert all(link in message.body for message in mail.outbox)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"pulse.round.schedule", "pulse.round.open"} <= actions


def test_audience_is_limited_to_chosen_agencies_and_roles(
    make_round: Callable[..., Round], make_member: Callable[..., Member], agency: Agency
) -> None:
    staff = make_member(Role.STAFF, name="Sam")
    make_member(Role.OBSERVER, name="Olu")
    other = people_services.agency_create(
        partnership=agency.partnership, name="Health", sector="health"
    )
    round_ = make_round(audience_agencies=[agency], audience_roles=[Role.STAFF])
    assert list(AudienceSnapshot.objects.filter(round=round_).values_list("member", flat=True)) == [
        staff.pk
    ]
    assert make_round(audience_agencies=[other]).audience.count() == 0


def test_a_future_round_opens_later_with_who_is_there_then(
    make_round: Callable[..., Round], make_member: Callable[..., Member]
) -> None:
    now = timezone.now()
    round_ = make_round(opens_at=now + timedelta(days=1))
    assert not round_.opened and round_.audience.count() == 0
    late_joiner = make_member(Role.STAFF, name="Late")
    Round.objects.filter(pk=round_.pk).update(opens_at=now - timedelta(minutes=1))
    services.rounds_open_due()
    round_.refresh_from_db()
    assert round_.opened
    assert round_.audience.filter(member=late_joiner).exists()


def test_responses_carry_the_snapshot_taken_at_opening_not_todays_details(
    make_round: Callable[..., Round], make_member: Callable[..., Member], agency: Agency
) -> None:
    staff = make_member(Role.STAFF, name="Sam")
    round_ = make_round()
    moved_to = people_services.agency_create(
        partnership=agency.partnership, name="Schools", sector="education"
    )
    Member.objects.filter(pk=staff.pk).update(agency=moved_to, career_stage="new")
    staff.refresh_from_db()
    services.response_submit(
        round_=round_, member=staff, browser_key="k" * 43, answers=full_answers(round_.instruments)
    )
    services.round_close(round_=round_, actor=None)
    response = Response.objects.get()
    assert response.attributes["audience"] == "member"
    # Asked alone, so stored coarsened; the snapshot's values are what it is coarsened from.
    snapshot = round_.audience.get(member=staff)
    assert (snapshot.agency, snapshot.sector) == (str(agency.pk), "social_work")
    assert response.attributes["agency"] in (str(agency.pk), "unknown")
    assert snapshot.career_stage == "unknown" and snapshot.role == Role.STAFF


def test_submitting_scores_marks_participation_and_removes_the_draft(
    make_round: Callable[..., Round], make_member: Callable[..., Member]
) -> None:
    staff = make_member(Role.STAFF, name="Sam")
    round_ = make_round()
    key = "a" * 43
    services.draft_save(
        round_=round_,
        member=staff,
        browser_key=key,
        step=2,
        answers={"cbi": full_answers(["cbi"])["cbi"]},
    )
    draft = selectors.draft_for(round_=round_, browser_key=key)
    assert draft is not None and draft.step == 2 and len(draft.answers["cbi"]) == 19
    results = services.response_submit(
        round_=round_,
        member=staff,
        browser_key=key,
        answers=full_answers(round_.instruments, value=5),
        comment="  Thanks  ",
    )
    assert [r.instrument_id for r in results] == ["cbi", "multiagency"]
    assert results[0].subscale("personal").score == 100
    assert Draft.objects.count() == 0
    assert Response.objects.count() == 0, "the answer waits in the mix until a batch is full"
    assert selectors.has_completed(round_=round_, member=staff, browser_key="other")
    with pytest.raises(services.PulseError, match="already taken part"):
        services.response_submit(
            round_=round_,
            member=staff,
            browser_key="b" * 43,
            answers=full_answers(round_.instruments),
        )
    assert selectors.rounds_to_answer(member=staff) == []
    services.round_close(round_=round_, actor=None)
    assert Participation.objects.get(member=staff).completed
    assert Response.objects.get().comment == "Thanks"


def test_guests_answer_once_per_browser_and_store_only_that_they_are_guests(
    make_round: Callable[..., Round],
) -> None:
    round_ = make_round()
    services.response_submit(
        round_=round_, member=None, browser_key="g" * 43, answers=full_answers(round_.instruments)
    )
    with pytest.raises(services.PulseError, match="already taken part"):
        services.response_submit(
            round_=round_, member=None, browser_key="g" * 43, answers=full_answers(["cbi"])
        )
    services.round_close(round_=round_, actor=None)
    assert Response.objects.get().attributes == {"audience": "guest"}


def test_a_members_round_refuses_guests_with_a_clear_message(
    make_round: Callable[..., Round], make_member: Callable[..., Member]
) -> None:
    """Issue 8, item 4: a round is for members (guests refused) or open to guests."""
    round_ = make_round(guests_allowed=False)
    with pytest.raises(services.PulseError, match="for members of the partnership"):
        services.response_submit(
            round_=round_, member=None, browser_key="g" * 43, answers=full_answers(["cbi"])
        )
    page = Client().get(reverse("pulse:start", kwargs={"code": round_.round_code}))
    assert "Please sign in to take part" in page.content.decode()
    staff = make_member(Role.STAFF, name="Sam")
    assert services.check_can_answer(round_=make_round(guests_allowed=False), member=staff) is None


def test_closing_releases_the_report_once_and_keeps_the_guards_history(
    make_round: Callable[..., Round], lead: Member
) -> None:
    round_ = make_round()
    for i in range(6):
        services.response_submit(
            round_=round_,
            member=None,
            browser_key=f"guest-{i}",
            answers=full_answers(round_.instruments, value=1 + i % 5),
        )
    closed = services.round_close(round_=round_, actor=lead)
    assert closed.closed and closed.released
    data = ReleasedReport.objects.get(round=round_).data
    guests = next(t for t in data["tables"] if t["query"]["filters"].get("audience") == "guest")
    assert data["history"] and guests["total"]["count"] == 5
    services.round_close(round_=closed, actor=lead)
    assert ReleasedReport.objects.count() == 1
    assert "pulse.round.close" in AuditEvent.objects.values_list("action", flat=True)


def test_swemwbs_needs_an_admin_to_confirm_the_licence(
    make_round: Callable[..., Round], make_member: Callable[..., Member], lead: Member
) -> None:
    with pytest.raises(services.PulseError, match="licence"):
        make_round(instruments=["swemwbs"])
    with pytest.raises(services.PulseError, match="Only an admin"):
        services.licence_confirm(partnership=lead.partnership, actor=lead, instrument_id="swemwbs")
    admin = make_member(Role.ADMIN, name="Ada")
    services.licence_confirm(partnership=admin.partnership, actor=admin, instrument_id="swemwbs")
    assert make_round(instruments=["swemwbs"]).instruments == ["swemwbs"]
    assert "pulse.licence.confirm.swemwbs" in AuditEvent.objects.values_list("action", flat=True)


def test_licence_page_shows_the_copyright_line(make_member: Callable[..., Member]) -> None:
    admin = make_member(Role.ADMIN, name="Ada")
    page = client_for(admin).get(reverse("pulse:licences")).content.decode()
    assert "NHS Health Scotland" in page


def test_schedule_form_creates_a_round_and_shows_link_and_code(
    lead: Member, make_member: Callable[..., Member], django_capture_on_commit_callbacks: Any
) -> None:
    make_member(Role.STAFF, name="Sam")
    client = client_for(lead)
    page = client.get(reverse("pulse:create")).content.decode()
    assert re.search(r'value="cbi"[^>]*checked', page)
    assert re.search(r'value="multiagency"[^>]*checked', page)
    assert not re.search(r'value="proqol5"[^>]*checked', page)
    now = timezone.localtime()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pulse:create"),
            {
                "title": "Spring",
                "instruments": ["cbi", "multiagency"],
                "comment_question": "Anything else?",
                "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
                "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            },
            follow=True,
        )
    round_ = Round.objects.get()
    assert not round_.guests_allowed, "members only unless guests are chosen"
    content = response.content.decode()
    assert round_.round_code in content and f"/pulse/r/{round_.round_code}/" in content
    assert len(mail.outbox) == 2


def test_a_member_answers_page_by_page_and_sees_private_results(
    make_round: Callable[..., Round], make_member: Callable[..., Member]
) -> None:
    staff = make_member(Role.STAFF, name="Sam")
    round_ = make_round()
    client = client_for(staff)
    code = round_.round_code
    start = client.get(reverse("pulse:start", kwargs={"code": code})).content.decode()
    assert "3 short pages" in start
    first = client.post(reverse("pulse:answer", kwargs={"code": code, "step": 1}), step_post("cbi"))
    assert first.status_code == 302 and first["Location"].endswith("/step/2/")
    page = client.get(first["Location"]).content.decode()
    assert "Step 2 of 3" in page
    client.post(reverse("pulse:answer", kwargs={"code": code, "step": 2}), step_post("multiagency"))
    done = client.post(
        reverse("pulse:answer", kwargs={"code": code, "step": 3}), {"comment": "Fine", "next": "1"}
    )
    content = done.content.decode()
    assert done.status_code == 200 and "Your score: 50" in content
    assert "There is no pass mark" in content  # CBI: scores with their explanation, no label
    assert "Breathing Space" in content  # the partnership's support links
    assert done["Cache-Control"] == "no-store"
    again = client.get(reverse("pulse:start", kwargs={"code": code})).content.decode()
    assert "already taken part" in again


def test_save_and_finish_later_resumes_on_the_same_device_only(
    make_round: Callable[..., Round],
) -> None:
    round_ = make_round()
    guest = Client()
    code = round_.round_code
    partial = {"item_1": "2", "item_2": "4", "save": "1"}
    saved = guest.post(reverse("pulse:answer", kwargs={"code": code, "step": 1}), partial)
    assert saved.status_code == 302
    start = guest.get(reverse("pulse:start", kwargs={"code": code})).content.decode()
    assert "Continue where you left off" in start
    page = guest.get(reverse("pulse:answer", kwargs={"code": code, "step": 1})).content.decode()
    assert 'name="item_1" class="ds_radio__input" value="2"' in page
    assert page.count("checked") >= 2
    other_device = Client().get(reverse("pulse:start", kwargs={"code": code})).content.decode()
    assert "Continue where you left off" not in other_device


def test_the_schedule_form_can_open_a_round_to_guests(lead: Member) -> None:
    now = timezone.localtime()
    client_for(lead).post(
        reverse("pulse:create"),
        {
            "title": "Open to all",
            "instruments": ["cbi"],
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "guests_allowed": "guests",
        },
    )
    assert Round.objects.get().guests_allowed
