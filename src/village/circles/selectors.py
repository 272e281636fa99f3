"""Every read of circle data a page or export needs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple
from uuid import UUID

from django.db.models import Count, QuerySet
from django.utils import timezone

from village.circles.models import (
    Action,
    CheckIn,
    Circle,
    Moment,
    Participant,
    Phase,
    Reflection,
    Theme,
)
from village.circles.services import participant_hash, reflection_secret
from village.people import join_codes
from village.people.models import Member, Partnership


@dataclass(frozen=True)
class MoodSpread:
    """How people arrived or left. The spread is shown only when enough people answered."""

    answered: int
    counts: tuple[int, ...] | None

    @property
    def rows(self) -> list[tuple[int, int]]:
        return list(zip(range(1, 6), self.counts or (), strict=False))


@dataclass(frozen=True)
class CircleSummary:
    """Counts are None until the circle has ended, so nobody can watch them change as each
    person acts."""

    circle: Circle
    themes: list[Theme]
    actions: list[Action]
    arriving: MoodSpread | None
    leaving: MoodSpread | None
    participants: int | None
    reflections: int | None

    @property
    def counts_shown(self) -> bool:
        return self.participants is not None


def circles_for(*, partnership: Partnership) -> QuerySet[Circle]:
    return Circle.objects.filter(partnership=partnership)


def circle_by_code(*, code: str) -> Circle | None:
    normalised = join_codes.normalise(code)
    if not normalised:
        return None
    return Circle.objects.select_related("partnership").filter(join_code=normalised).first()


def participant_for(
    *, circle: Circle, member: Member | None, browser_key: str
) -> Participant | None:
    if member is not None and member.partnership_id == circle.partnership_id:
        return Participant.objects.filter(circle=circle, member=member).first()
    return Participant.objects.filter(
        circle=circle, browser_hash=participant_hash(circle=circle, key=browser_key)
    ).first()


def reflections_of(*, circle: Circle) -> QuerySet[Reflection]:
    """In key order: the keys are random, so this order says nothing about who posted when."""
    return Reflection.objects.filter(circle=circle).select_related("prompt", "theme").order_by("id")


class ReflectionRow(NamedTuple):
    """The fields a live list shows: plain values, cheaper than model instances by far.
    ``id`` is the reflection's public id, the one in its links."""

    id: UUID
    text: str
    author_label: str
    secret_hash: str
    prompt_text: str
    theme_id: int | None


def reflection_rows(*, circle: Circle) -> list[ReflectionRow]:
    """In key order, which is random: see reflections_of."""
    return [
        ReflectionRow(*values)
        for values in Reflection.objects.filter(circle=circle)
        .order_by("id")
        .values_list("public_id", "text", "author_label", "secret_hash", "prompt__text", "theme_id")
    ]


def is_own(*, reflection_id: object, secret_hash: str, browser_key: str) -> bool:
    """Whether this browser wrote the reflection: only its key reproduces the stored hash."""
    return reflection_secret(reflection_id=reflection_id, key=browser_key) == secret_hash


def themes_for(*, circle: Circle) -> QuerySet[Theme]:
    """Most dots first. The order is explicit: Django drops Meta.ordering from GROUP BY queries."""
    return (
        Theme.objects.filter(circle=circle)
        .annotate(reflection_count=Count("reflections"))
        .order_by("-dots", "name")
    )


def _spread(*, circle: Circle, moment: str, minimum: int) -> MoodSpread:
    scores = Counter(
        CheckIn.objects.filter(circle=circle, moment=moment).values_list("score", flat=True)
    )
    answered = sum(scores.values())
    if answered < minimum:
        return MoodSpread(answered=answered, counts=None)
    return MoodSpread(answered=answered, counts=tuple(scores.get(s, 0) for s in range(1, 6)))


def has_ended(*, circle: Circle) -> bool:
    return circle.phase == Phase.ENDED or timezone.now() >= circle.closes_at


def participant_count(*, circle: Circle) -> int:
    return Participant.objects.filter(circle=circle).count()


def circle_summary(*, circle: Circle) -> CircleSummary:
    themes = list(themes_for(circle=circle))
    actions = list(Action.objects.filter(circle=circle).select_related("owner_agency", "theme"))
    if not has_ended(circle=circle):
        return CircleSummary(
            circle=circle,
            themes=themes,
            actions=actions,
            arriving=None,
            leaving=None,
            participants=None,
            reflections=None,
        )
    minimum = circle.partnership.min_group_size
    return CircleSummary(
        circle=circle,
        themes=themes,
        actions=actions,
        arriving=_spread(circle=circle, moment=Moment.ARRIVE, minimum=minimum),
        leaving=_spread(circle=circle, moment=Moment.LEAVE, minimum=minimum),
        participants=participant_count(circle=circle),
        reflections=Reflection.objects.filter(circle=circle).count(),
    )
