"""Retention in check-ins: comments' text goes after the partnership's retention period, from
the answers and from the released report; every figure stays. The worker runs it daily."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.pulse.conftest import full_answers
from village.circles import services as circle_services
from village.circles.models import Circle, Reflection
from village.people.models import Member
from village.pulse import services
from village.pulse.models import ReleasedReport, Response, Round


def _closed_round(
    make_round: Callable[..., Round], staff: list[Member], lead: Member, title: str
) -> Round:
    round_ = make_round(title=title)
    for i, member in enumerate(staff):
        services.response_submit(
            round_=round_,
            member=member,
            browser_key=f"{title}-{i}",
            answers=full_answers(round_.instruments, value=1 + i % 5),
            comment=f"{title} comment {i}",
        )
    return services.round_close(round_=round_, actor=lead)


def _figures(round_: Round) -> dict[str, Any]:
    data = ReleasedReport.objects.get(round=round_).data
    return {key: value for key, value in data.items() if key not in ("comments", "guest_comments")}


def test_comments_go_after_the_retention_period_and_the_figures_stay(
    make_round: Callable[..., Round],
    make_staff: Callable[..., list[Member]],
    lead: Member,
    settings: Any,
) -> None:
    settings.VILLAGE = {**settings.VILLAGE, "RETENTION_DAYS": 365}
    staff = make_staff(12)
    old = _closed_round(make_round, staff, lead, "Old")
    recent = _closed_round(make_round, staff, lead, "Recent")
    now = timezone.now()
    Round.objects.filter(pk=old.pk).update(closes_at=now - timedelta(days=366))
    figures, scores = _figures(old), list(Response.objects.filter(round=old).values("scores"))
    summary = ReleasedReport.objects.get(round=old).summary

    assert services.comments_delete_expired(now=now) == 1
    assert set(Response.objects.filter(round=old).values_list("comment", flat=True)) == {""}
    assert list(Response.objects.filter(round=old).values("scores")) == scores
    report = ReleasedReport.objects.get(round=old)
    assert "Old comment" not in str(report.data)
    assert _figures(old) == figures and report.summary == summary
    assert report.data["comments"]["cells"][0]["deleted"] == 12
    assert report.comments_deleted_on == timezone.localdate(now)
    assert Response.objects.filter(round=recent, comment__startswith="Recent").count() == 12
    assert services.comments_delete_expired(now=now) == 0, "done once"

    client = client_for(lead)
    page = client.get(reverse("pulse:report", kwargs={"pk": old.pk})).content.decode()
    assert "The text of the 12 comments shown here was deleted on" in page
    assert "Old comment" not in page
    csv = client.get(reverse("pulse:report_csv", kwargs={"pk": old.pk})).content.decode()
    assert "Old comment" not in csv and "deleted on" in csv


@pytest.mark.django_db(transaction=True)  # the worker reconnects between steps
def test_the_worker_applies_retention_to_raw_text_only(
    make_round: Callable[..., Round],
    make_staff: Callable[..., list[Member]],
    make_circle: Callable[..., Circle],
    lead: Member,
) -> None:
    staff = make_staff(12)
    round_ = _closed_round(make_round, staff, lead, "Year ago")
    circle = make_circle()
    participant = circle_services.participant_join(circle=circle, member=None, browser_key="k")
    prompt = circle.prompts.first()
    assert prompt is not None
    circle_services.reflection_create(
        circle=circle, participant=participant, prompt=prompt, text="Raw words", browser_key="k"
    )
    long_ago = timezone.now() - timedelta(days=400)
    Round.objects.filter(pk=round_.pk).update(closes_at=long_ago)
    Circle.objects.filter(pk=circle.pk).update(closes_at=long_ago)

    call_command("worker", "--once", stdout=None)
    assert Reflection.objects.get(circle=circle).text == ""
    assert Reflection.objects.filter(circle=circle, prompt=prompt).count() == 1
    assert set(Response.objects.filter(round=round_).values_list("comment", flat=True)) == {""}
    assert Response.objects.filter(round=round_).count() == 12
    assert ReleasedReport.objects.get(round=round_).comments_deleted_on is not None
