"""Every read of circle data a page or export needs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from village.circles import policy
from village.circles.keys import participant_hash, reflection_secret
from village.circles.models import (
    Action,
    CheckIn,
    Circle,
    CircleTemplate,
    Moment,
    Participant,
    Phase,
    Reflection,
    Theme,
)
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
        circle=circle, browser_hash=participant_hash(circle_id=circle.pk, key=browser_key)
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


def reflection_rows(*, circle: Circle, public_ids: list[str] | None = None) -> list[ReflectionRow]:
    """In key order, which is random: see reflections_of. Only those named, when named."""
    rows = Reflection.objects.filter(circle=circle)
    if public_ids is not None:
        rows = rows.filter(public_id__in=public_ids)
    return [
        ReflectionRow(*values)
        for values in rows.order_by("id").values_list(
            "public_id", "text", "author_label", "secret_hash", "prompt__text", "theme_id"
        )
    ]


def reflection_count(*, circle: Circle) -> int:
    return Reflection.objects.filter(circle=circle).count()


def is_own(*, reflection_id: object, secret_hash: str, browser_key: str) -> bool:
    """Whether this browser wrote the reflection: only its key reproduces the stored hash."""
    return reflection_secret(reflection_id=reflection_id, key=browser_key) == secret_hash


def themes_for(*, circle: Circle) -> QuerySet[Theme]:
    """Most dots first, then most reflections: a theme nobody put anything in comes last. The
    order is explicit: Django drops Meta.ordering from GROUP BY queries."""
    return (
        Theme.objects.filter(circle=circle)
        .annotate(reflection_count=Count("reflections"))
        .order_by("-dots", "-reflection_count", "name")
    )


def board_themes(*, circle: Circle) -> QuerySet[Theme]:
    """In the order they were made, so a new theme appears at the end of the board."""
    return (
        Theme.objects.filter(circle=circle)
        .annotate(reflection_count=Count("reflections"))
        .order_by("pk")
    )


def votable_themes(*, circle: Circle) -> QuerySet[Theme]:
    """Themes with reflections in them: an empty theme cannot be voted for, so cannot win."""
    holding = Reflection.objects.filter(circle=circle, theme__isnull=False).values("theme_id")
    return themes_for(circle=circle).filter(pk__in=holding)


def actions_of(*, circle: Circle) -> list[Action]:
    return list(Action.objects.filter(circle=circle).select_related("owner_agency", "theme"))


def partnership_actions(*, partnership: Partnership) -> QuerySet[Action]:
    """Every circle's actions in a partnership, for a values review to bring in."""
    return Action.objects.filter(circle__partnership=partnership).select_related(
        "circle", "owner_agency"
    )


def templates_for(*, partnership: Partnership) -> QuerySet[CircleTemplate]:
    return CircleTemplate.objects.filter(partnership=partnership)


def _spread(*, circle: Circle, moment: str, minimum: int) -> MoodSpread:
    scores = Counter(
        CheckIn.objects.filter(circle=circle, moment=moment).values_list("score", flat=True)
    )
    answered = sum(scores.values())
    if answered < minimum:
        return MoodSpread(answered=answered, counts=None)
    return MoodSpread(answered=answered, counts=tuple(scores.get(s, 0) for s in range(1, 6)))


def has_ended(*, circle: Circle) -> bool:
    return policy.stage_of(circle) == Phase.ENDED


def participant_count(*, circle: Circle) -> int:
    return Participant.objects.filter(circle=circle).count()


def circle_summary(*, circle: Circle) -> CircleSummary:
    """Themes that hold reflections or won dots (an empty theme is a leftover), and actions."""
    themes = list(themes_for(circle=circle).filter(Q(reflection_count__gt=0) | Q(dots__gt=0)))
    actions = actions_of(circle=circle)
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


def grouping_undo_of(*, circle: Circle) -> str:
    """What the facilitator's undo button would do, in words, or "" when there is nothing."""
    undo = circle.grouping_undo or {}
    if undo.get("removed_theme"):
        return _("Bring back the theme “%(name)s”") % {"name": undo["removed_theme"]}
    moved = len(undo.get("moved", {}))
    if not moved:
        return ""
    theme = Theme.objects.filter(circle=circle, pk=undo.get("to") or 0).first()
    where = theme.name if theme else _("Not in a theme yet")
    return ngettext(
        "Undo moving %(n)s reflection to “%(where)s”",
        "Undo moving %(n)s reflections to “%(where)s”",
        moved,
    ) % {"n": moved, "where": where}


SUMMARY_CSV_HEADER = ["kind", "name", "count", "reflections", "owning agency", "due"]


def summary_rows(data: CircleSummary) -> list[list[object]]:
    """The summary as the CSV download has it: the same figures the page shows, no more.

    Counts appear only once the circle has ended, and a mood's spread only when enough people
    answered; the cells are made safe for spreadsheets by village.exports."""
    circle = data.circle
    rows: list[list[object]] = [
        ["circle", circle.title, "", "", "", ""],
        ["date", circle.opens_at.date().isoformat(), "", "", "", ""],
    ]
    if data.counts_shown:
        rows += [
            ["people who took part", "", data.participants, "", "", ""],
            ["reflections", "", data.reflections, "", "", ""],
        ]
    rows += [
        [
            "theme",
            theme.name,
            theme.dots if data.counts_shown else "",
            theme.reflection_count if data.counts_shown else "",  # type: ignore[attr-defined]
            "",
            "",
        ]
        for theme in data.themes
    ]
    rows += [
        ["action", action.text, "", "", action.owner_agency.name, action.due_on.isoformat()]
        for action in data.actions
    ]
    for kind, spread in (("arriving", data.arriving), ("leaving", data.leaving)):
        if spread is None:
            continue
        rows.append([kind, "people who answered", spread.answered, "", "", ""])
        rows += [[kind, f"score {score}", count, "", "", ""] for score, count in spread.rows]
    return rows
