"""Every read of hub projects that a view, a service or the command line needs."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from village.conversations import selectors as conversation_selectors
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
from village.hub.matching import Candidate, Side, suggestions
from village.hub.models import (
    Connection,
    Document,
    Domain,
    Element,
    FacilitatorTurn,
    GatePassage,
    Handover,
    HandoverItem,
    IndicatorSource,
    IndicatorTarget,
    IndicatorValue,
    LearningSpace,
    LegacyEntry,
    Lesson,
    Pairing,
    PairingEntry,
    PairingOffer,
    PairingPlace,
    PairingState,
    Project,
    RotaPlace,
    Selection,
    SourceKind,
    SpaceCircle,
    Story,
)
from village.hub.policy import DEFAULT_DOMAINS
from village.people.models import Member, Partnership
from village.people.selectors import members_for
from village.pulse import selectors as pulse_selectors
from village.released import ReleasedFigure
from village.reviews import selectors as review_selectors


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
    """The stories of change told in Village for the project so far, named or anonymous;
    the 6-month gate reads this count (engines/theory/journey.py says how many it needs)."""
    return Story.objects.filter(project=project).count()


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


# --- Good ancestors: pairings, the legacy log and handovers ------------------------------

LIVE_PAIRINGS = (PairingState.PROPOSED, PairingState.ACTIVE)


def offer_of(*, member: Member) -> PairingOffer | None:
    return PairingOffer.objects.filter(member=member).first()


def carrying(*, member: Member) -> int:
    """How many pairings a member is in that are proposed or under way."""
    return PairingPlace.objects.filter(member=member, pairing__state__in=LIVE_PAIRINGS).count()


def candidate_of(*, offer: PairingOffer, carrying_now: int | None = None) -> Candidate:
    """An offer as the matching rules see it; someone not open to a new pairing has no
    room. ``carrying_now`` saves a count when the caller has it."""
    member = offer.member
    return Candidate(
        id=member.pk,
        side=Side(offer.side),
        team=member.team_id,
        limit=offer.limit if offer.is_open else 0,
        carrying=carrying(member=member) if carrying_now is None else carrying_now,
    )


def open_offers(*, partnership: Partnership) -> QuerySet[PairingOffer]:
    """Offers of active members who are open to a new pairing."""
    return PairingOffer.objects.filter(
        member__partnership=partnership, member__deactivated_at__isnull=True, is_open=True
    ).select_related("member", "member__team")


def suggestions_for(*, member: Member) -> list[PairingOffer]:
    """The offers the matching rules suggest for this member: never their own team, never
    anyone at their limit."""
    mine = offer_of(member=member)
    if mine is None or not mine.is_open:
        return []
    offers = {offer.member_id: offer for offer in open_offers(partnership=member.partnership)}
    counts = dict(
        PairingPlace.objects.filter(member_id__in=offers, pairing__state__in=LIVE_PAIRINGS)
        .values_list("member_id")
        .annotate(count=Count("pk"))
    )
    others = [
        candidate_of(offer=o, carrying_now=counts.get(o.member_id, 0)) for o in offers.values()
    ]
    found = suggestions(candidate_of(offer=mine), others)
    return [offers[candidate.id] for candidate in found]


def pairings_of(*, member: Member) -> QuerySet[Pairing]:
    return (
        Pairing.objects.filter(places__member=member)
        .prefetch_related(Prefetch("places", PairingPlace.objects.select_related("member")))
        .distinct()
    )


def places_of(*, pairing: Pairing) -> QuerySet[PairingPlace]:
    return PairingPlace.objects.filter(pairing=pairing).select_related("member")


def entries_of(*, pairing: Pairing) -> QuerySet[PairingEntry]:
    return PairingEntry.objects.filter(pairing=pairing).select_related("author")


@dataclass(frozen=True)
class CharterValue:
    key: str
    name: str


def charter_values(*, partnership: Partnership) -> list[CharterValue]:
    """The values of the partnership's published charter, for legacy entries to link to."""
    charter = review_selectors.charter_of(partnership=partnership)
    version = charter and review_selectors.published_version(charter=charter)
    if not version:
        return []
    return [
        CharterValue(value.key, value.name) for value in review_selectors.values_of(version=version)
    ]


def legacy_of(*, partnership: Partnership) -> QuerySet[LegacyEntry]:
    return LegacyEntry.objects.filter(partnership=partnership).select_related("author")


def handover_of(*, member: Member) -> Handover | None:
    return Handover.objects.filter(member=member).first()


def handovers_for(*, partnership: Partnership) -> QuerySet[Handover]:
    """Every handover of the partnership's active members, soonest leaving first: for admins,
    who can choose carriers when a leaver cannot."""
    return (
        Handover.objects.filter(
            member__partnership=partnership, member__deactivated_at__isnull=True
        )
        .select_related("member")
        .order_by("leaving_on", "pk")
    )


def handover_items(*, handover: Handover) -> QuerySet[HandoverItem]:
    return HandoverItem.objects.filter(handover=handover).select_related("carrier")


@dataclass(frozen=True)
class OpenAction:
    pk: int
    text: str


def open_actions_of(*, member: Member) -> list[OpenAction]:
    """The open actions a member owns: those of the latest values review owned by their
    agency and not yet done (review actions are owned by agencies, not people)."""
    review = review_selectors.latest_review(partnership=member.partnership)
    if review is None or member.agency_id is None:
        return []
    return [
        OpenAction(action.pk, action.text)
        for action in review_selectors.actions_of(review=review)
        .filter(owner_agency_id=member.agency_id)
        .exclude(status="done")
    ]


def possible_carriers(*, handover: Handover) -> QuerySet[Member]:
    """Who can carry what a leaver leaves: the other active members of the partnership."""
    leaver = handover.member
    return members_for(partnership=leaver.partnership).exclude(pk=leaver.pk)


# --- stories of change -------------------------------------------------------------------


def domains_of(*, project: Project) -> list[str]:
    """The project's domains of change: its own, or the defaults while it has none."""
    own = list(Domain.objects.filter(project=project).values_list("name", flat=True))
    return own or [str(name) for name in DEFAULT_DOMAINS]


@dataclass(frozen=True)
class DomainStories:
    domain: str
    stories: list[Story]


def stories_by_domain(*, project: Project) -> list[DomainStories]:
    """Each domain with its stories in content order (by title), never the order they were
    told, with each story's selection if the panel chose it; a domain no longer named still
    shows the stories told in it."""
    stories = list(
        Story.objects.filter(project=project)
        .select_related("told_by", "selection", "selection__selected_by")
        .order_by("title", "id")
    )
    names = domains_of(project=project)
    names += sorted({s.domain for s in stories} - set(names))
    return [DomainStories(name, [s for s in stories if s.domain == name]) for name in names]


def selections_of(*, project: Project) -> list[Selection]:
    return list(
        Selection.objects.filter(story__project=project).select_related("story", "selected_by")
    )


# --- evidence from Village ---------------------------------------------------------------


def released_figures(*, partnership: Partnership) -> dict[str, list[ReleasedFigure]]:
    """What the pulse, conversations and reviews have released to the whole partnership,
    by source kind: read live through their selectors, never their tables."""
    return {
        SourceKind.PULSE: pulse_selectors.released_figures(partnership=partnership),
        SourceKind.CONVERSATION: conversation_selectors.released_figures(partnership=partnership),
        SourceKind.REVIEW: review_selectors.released_figures(partnership=partnership),
    }


def _figures_of(kind: str, partnership: Partnership) -> list[ReleasedFigure]:
    readers = {
        SourceKind.PULSE: pulse_selectors.released_figures,
        SourceKind.CONVERSATION: conversation_selectors.released_figures,
        SourceKind.REVIEW: review_selectors.released_figures,
    }
    return readers[SourceKind(kind)](partnership=partnership)


def released_figure(*, partnership: Partnership, kind: str, key: str) -> ReleasedFigure | None:
    """One released figure now, or None when its source no longer shows it."""
    return next((f for f in _figures_of(kind, partnership) if f.key == key), None)


@dataclass(frozen=True)
class LiveValue:
    source: IndicatorSource
    figure: ReleasedFigure | None


def live_value(*, indicator: Element) -> LiveValue | None:
    """The indicator's value read now from where in Village it comes from, if anywhere."""
    source = IndicatorSource.objects.filter(indicator=indicator).first()
    if source is None:
        return None
    partnership = indicator.project.partnership
    return LiveValue(
        source, released_figure(partnership=partnership, kind=source.kind, key=source.key)
    )


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
    return SpaceCircle.objects.filter(space=space).select_related("circle", "circle__led_by")


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
