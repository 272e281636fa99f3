"""Retention in circles: words go after the partnership's retention period; themes, dots,
counts and actions stay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from village.circles import selectors, services
from village.circles.models import CheckIn, Circle, Moment, Phase, Reflection
from village.people.models import Agency, Member, Partnership


def _used_circle(circle: Circle, facilitator: Member, agency: Agency) -> Circle:
    """Five people arrive with a word and post; a theme with dots and an action."""
    prompt = circle.prompts.first()
    assert prompt is not None
    ids = []
    for i in range(5):
        participant = services.participant_join(circle=circle, member=None, browser_key=f"b{i}")
        services.checkin_record(
            circle=circle, participant=participant, moment=Moment.ARRIVE, score=3, word="tired"
        )
        reflection = services.reflection_create(
            circle=circle,
            participant=participant,
            prompt=prompt,
            text=f"Words that could say who I am {i}",
            browser_key=f"b{i}",
            author_label="Sam" if i == 0 else "",
        )
        ids.append(str(reflection.public_id))
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.GROUP)
    theme = services.theme_create(
        circle=circle, actor=facilitator, name="Tired", reflection_ids=ids
    )
    services.action_create(
        circle=circle,
        actor=facilitator,
        text="Protected time",
        owner_agency=agency,
        due_on=date.today() + timedelta(days=30),
        theme=theme,
    )
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ENDED)
    return circle


def _summary(circle: Circle) -> tuple[Any, ...]:
    summary = selectors.circle_summary(circle=circle)
    return (
        [(t.name, t.dots, t.reflection_count) for t in summary.themes],
        [(a.text, a.owner_agency_id, a.due_on) for a in summary.actions],
        summary.participants,
        summary.reflections,
        summary.arriving,
    )


def test_words_go_after_the_retention_period_and_everything_else_stays(
    make_circle: Callable[..., Circle], facilitator: Member, agency: Agency, settings: Any
) -> None:
    settings.VILLAGE = {**settings.VILLAGE, "RETENTION_DAYS": 365}
    now = timezone.now()
    old = _used_circle(make_circle(title="Old"), facilitator, agency)
    recent = _used_circle(make_circle(title="Recent"), facilitator, agency)
    Circle.objects.filter(pk=old.pk).update(
        opens_at=now - timedelta(days=401), closes_at=now - timedelta(days=400)
    )
    Circle.objects.filter(pk=recent.pk).update(closes_at=now - timedelta(days=300))
    old.refresh_from_db()
    kept = _summary(old)

    assert services.text_delete_expired(now=now) == 1
    assert set(Reflection.objects.filter(circle=old).values_list("text", "author_label")) == {
        ("", "")
    }
    assert set(CheckIn.objects.filter(circle=old).values_list("word", flat=True)) == {""}
    assert _summary(old) == kept, "themes, dots, counts and actions are kept"
    assert Reflection.objects.filter(circle=recent).exclude(text="").count() == 5
    assert set(CheckIn.objects.filter(circle=recent).values_list("word", flat=True)) == {"tired"}
    assert services.text_delete_expired(now=now) == 0, "done once"


def test_a_partnership_keeps_text_no_longer_than_the_server_allows(
    make_circle: Callable[..., Circle],
    facilitator: Member,
    agency: Agency,
    partnership: Partnership,
    settings: Any,
) -> None:
    """The partnership's own period applies when shorter; VILLAGE_RETENTION_DAYS caps it."""
    circle = _used_circle(make_circle(), facilitator, agency)
    Circle.objects.filter(pk=circle.pk).update(closes_at=timezone.now() - timedelta(days=40))
    settings.VILLAGE = {**settings.VILLAGE, "RETENTION_DAYS": 365}
    assert services.text_delete_expired() == 0
    Partnership.objects.filter(pk=partnership.pk).update(retention_days=30)
    assert services.text_delete_expired() == 1

    again = _used_circle(make_circle(title="Again"), facilitator, agency)
    Circle.objects.filter(pk=again.pk).update(closes_at=timezone.now() - timedelta(days=40))
    Partnership.objects.filter(pk=partnership.pk).update(retention_days=3650)
    settings.VILLAGE = {**settings.VILLAGE, "RETENTION_DAYS": 35}
    assert services.text_delete_expired() == 1
