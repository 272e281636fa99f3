"""Every read of hub projects that a view, a service or the command line needs."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet

from village.engines.theory import (
    GATE_MONTHS,
    Evidence,
    Gap,
    Kind,
    Progress,
    Theory,
    connection_type,
    missing,
)
from village.engines.theory import (
    Connection as TheoryConnection,
)
from village.engines.theory import (
    Element as TheoryElement,
)
from village.hub.models import (
    Connection,
    Document,
    DocumentKind,
    Element,
    FacilitatorTurn,
    GatePassage,
    IndicatorTarget,
    IndicatorValue,
    LearningSpace,
    Lesson,
    Project,
    RotaPlace,
    SpaceCircle,
)
from village.people.models import Member, Partnership


def projects_for(*, partnership: Partnership) -> QuerySet[Project]:
    return Project.objects.filter(partnership=partnership).prefetch_related("agencies", "leads")


def project_by_id(*, pk: int) -> Project | None:
    """For the command line, which reaches every partnership."""
    return Project.objects.filter(pk=pk).first()


def theory_of(*, project: Project) -> Theory:
    """The project's theory of change as the engine's graph, in the order it was built."""
    elements = list(Element.objects.filter(project=project))
    keys = {element.pk: element.key for element in elements}
    return Theory(
        elements=tuple(
            TheoryElement(
                key=element.key,
                kind=Kind(element.kind),
                label=element.label,
                description=element.description,
                tags=tuple(element.tags),
                evidence=Evidence(element.evidence) if element.evidence else None,
            )
            for element in elements
        ),
        connections=tuple(
            TheoryConnection(source=keys[c.source_id], target=keys[c.target_id])
            for c in Connection.objects.filter(project=project)
        ),
    )


@dataclass(frozen=True)
class Link:
    connection: Connection
    meaning: str


@dataclass(frozen=True)
class Step:
    """An element with the connections out of it, as its page lists them."""

    element: Element
    links: list[Link]


def steps_of(*, project: Project) -> dict[str, list[Step]]:
    """The project's elements by kind, each with where it leads."""
    outgoing: dict[int, list[Link]] = {}
    for connection in Connection.objects.filter(project=project).select_related("source", "target"):
        meaning = connection_type(Kind(connection.source.kind), Kind(connection.target.kind))
        outgoing.setdefault(connection.source_id, []).append(Link(connection, meaning or ""))
    steps: dict[str, list[Step]] = {kind.value: [] for kind in Kind}
    for element in Element.objects.filter(project=project):
        steps[element.kind].append(Step(element, outgoing.get(element.pk, [])))
    return steps


def _indicators_without_baseline(project: Project) -> list[str]:
    baseline = IndicatorValue.objects.filter(indicator=OuterRef("pk"), is_baseline=True)
    return list(
        Element.objects.filter(project=project, kind=Kind.INDICATOR)
        .exclude(Exists(baseline))
        .values_list("label", flat=True)
    )


def stories_told(*, project: Project) -> int:
    """The stories of change the project has so far. Stories are written up as documents
    until Village collects them itself; the 6-month gate reads this, whatever its source."""
    return Document.objects.filter(project=project, kind=DocumentKind.STORY).count()


def progress_of(*, project: Project) -> Progress:
    """What the project has now, as the gate rules read it."""
    elements = Element.objects.filter(project=project)
    into_outcome = Connection.objects.filter(source=OuterRef("pk"), target__kind=Kind.OUTCOME)
    from_step = Connection.objects.filter(
        target=OuterRef("pk"), source__kind__in=[Kind.ACTIVITY, Kind.OUTCOME]
    )
    return Progress(
        outcomes=elements.filter(kind=Kind.OUTCOME).count(),
        activities_leading_to_outcomes=elements.filter(kind=Kind.ACTIVITY)
        .filter(Exists(into_outcome))
        .count(),
        assumptions_in_pathway=elements.filter(kind=Kind.ASSUMPTION)
        .filter(Exists(into_outcome), Exists(from_step))
        .count(),
        indicators=elements.filter(kind=Kind.INDICATOR).count(),
        indicators_without_baseline=tuple(_indicators_without_baseline(project)),
        documents=frozenset(
            Document.objects.filter(project=project).values_list("kind", flat=True)
        ),
        stories=stories_told(project=project),
    )


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class GateView:
    months: int
    due_on: date
    passage: GatePassage | None
    is_next: bool
    gaps: list[Gap]


def journey_of(*, project: Project) -> list[GateView]:
    """Each gate: when it is due, who passed it, and, for the next one, what it still needs."""
    passages = {
        p.months: p for p in GatePassage.objects.filter(project=project).select_related("passed_by")
    }
    upcoming = next_gate(project=project)
    progress = progress_of(project=project) if upcoming is not None else None
    return [
        GateView(
            months=months,
            due_on=add_months(project.started_on, months),
            passage=passages.get(months),
            is_next=months == upcoming,
            gaps=missing(months=months, progress=progress)
            if months == upcoming and progress is not None
            else [],
        )
        for months in GATE_MONTHS
    ]


def next_gate(*, project: Project) -> int | None:
    """The gate to pass next, or None when all five are passed."""
    reached = project.gate_reached
    return next((m for m in GATE_MONTHS if reached is None or m > reached), None)


@dataclass(frozen=True)
class IndicatorView:
    indicator: Element
    baseline: IndicatorValue | None
    values: list[IndicatorValue]
    targets: list[IndicatorTarget]

    @property
    def target(self) -> Decimal | None:
        return self.targets[-1].value if self.targets else None


def indicators_of(*, project: Project) -> list[IndicatorView]:
    """Every indicator with its baseline, its values over time and its target's history."""
    indicators = list(Element.objects.filter(project=project, kind=Kind.INDICATOR))
    values: dict[int, list[IndicatorValue]] = {i.pk: [] for i in indicators}
    for value in IndicatorValue.objects.filter(indicator__in=indicators).select_related(
        "recorded_by"
    ):
        values[value.indicator_id].append(value)
    targets: dict[int, list[IndicatorTarget]] = {i.pk: [] for i in indicators}
    for target in IndicatorTarget.objects.filter(indicator__in=indicators).select_related("set_by"):
        targets[target.indicator_id].append(target)
    return [
        IndicatorView(
            indicator=i,
            baseline=next((v for v in values[i.pk] if v.is_baseline), None),
            values=values[i.pk],
            targets=targets[i.pk],
        )
        for i in indicators
    ]


def documents_of(*, project: Project) -> QuerySet[Document]:
    return Document.objects.filter(project=project).select_related("added_by")


def leads_of(*, project: Project) -> list[Member]:
    return list(project.leads.all())


def possible_leads(*, project: Project) -> QuerySet[Member]:
    """Active members of the project's partnership who do not lead it yet."""
    return Member.objects.filter(
        partnership_id=project.partnership_id, deactivated_at__isnull=True
    ).exclude(pk__in=project.leads.values("pk"))


# --- learning spaces (issue 13, item 5) ----------------------------------------------------


def spaces_for(*, partnership: Partnership) -> QuerySet[LearningSpace]:
    return LearningSpace.objects.filter(partnership=partnership).select_related("facilitator")


def space_by_id(*, pk: int) -> LearningSpace | None:
    return LearningSpace.objects.select_related("partnership", "facilitator").filter(pk=pk).first()


def rota_of(*, space: LearningSpace) -> QuerySet[RotaPlace]:
    return RotaPlace.objects.filter(space=space).select_related("member")


def next_facilitator(*, space: LearningSpace) -> Member | None:
    """Whoever follows the member facilitating now on the rota, round to the start again;
    the first on the rota when nobody facilitates."""
    places = list(rota_of(space=space))
    if not places:
        return None
    members = [place.member for place in places]
    ids = [member.pk for member in members]
    if space.facilitator_id not in ids:
        return members[0]
    return members[(ids.index(space.facilitator_id) + 1) % len(members)]


def turns_of(*, space: LearningSpace) -> QuerySet[FacilitatorTurn]:
    return FacilitatorTurn.objects.filter(space=space).select_related("member")


def circles_of(*, space: LearningSpace) -> QuerySet[SpaceCircle]:
    return SpaceCircle.objects.filter(space=space).select_related("circle", "facilitator")


def library_for(*, partnership: Partnership) -> QuerySet[Lesson]:
    """The shared library: every project's lessons, with the assumptions each tested."""
    return (
        Lesson.objects.filter(project__partnership=partnership)
        .select_related("project", "space", "added_by")
        .prefetch_related("assumptions")
    )


def lessons_in(*, space: LearningSpace) -> QuerySet[Lesson]:
    return library_for(partnership=space.partnership).filter(space=space)


def assumptions_of(*, project: Project) -> QuerySet[Element]:
    return Element.objects.filter(project=project, kind=Kind.ASSUMPTION.value)
