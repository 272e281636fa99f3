"""The partnership home: this quarter at a glance, the loop that joins everything Village does.

Read only through the other apps' selectors and policies, and only what is released to the
whole partnership: circles that have ended (their themes and actions are final), the
pulse's trends (released rounds only, and only for the people the pulse lets read trends),
conversations' common ground and divides (only where every member may read the results:
closed, or shared while open; a facilitator's early look is not released), and the latest
review's own ratings beside the panels' figures as the disclosure guard releases them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from village.circles import selectors as circle_selectors
from village.circles.selectors import CircleSummary
from village.conversations import policy as conversation_policy
from village.conversations import selectors as conversation_selectors
from village.conversations.selectors import Results
from village.people.models import Member
from village.pulse import policy as pulse_policy
from village.pulse import selectors as pulse_selectors
from village.pulse.selectors import Trend
from village.reviews import selectors
from village.reviews.models import Action, Review, ReviewState
from village.reviews.selectors import GapMatrix, PanelFigure

# Results count as released when the partnership's least-trusted reader may see them.
RELEASED_TO = frozenset({conversation_policy.Person.OBSERVER})
# "Actions due" looks this far ahead, so a quarter's first weeks show what is coming.
DUE_AHEAD = timedelta(days=92)
SHOWN = 3


def quarter_start(quarter: str) -> date:
    year, number = quarter.split("-Q")
    return date(int(year), 3 * int(number) - 2, 1)


@dataclass(frozen=True)
class FlaggedPanel:
    """A panel whose view of a value is two points or more from these agencies' own."""

    panel: str
    mean: float
    agencies: tuple[str, ...]


@dataclass(frozen=True)
class ValueGlance:
    name: str
    own_average: float | None
    rated: int
    family: PanelFigure
    frontline: PanelFigure
    gaps: tuple[FlaggedPanel, ...]


def _glance(matrix: GapMatrix) -> tuple[ValueGlance, ...]:
    values = []
    for row in matrix.rows:
        own = [cell.self_score for cell in row.cells if cell.self_score is not None]
        gaps = tuple(
            FlaggedPanel(
                figure.label,
                figure.mean,
                tuple(
                    cell.agency.name
                    for cell in row.cells
                    if any(g.flagged and g.panel == figure.panel for g in cell.gaps)
                ),
            )
            for figure in (row.family, row.frontline)
            if figure.mean is not None
        )
        values.append(
            ValueGlance(
                name=row.value.name,
                own_average=round(sum(own) / len(own), 1) if own else None,
                rated=len(own),
                family=row.family,
                frontline=row.frontline,
                gaps=tuple(gap for gap in gaps if gap.agencies),
            )
        )
    return tuple(values)


@dataclass(frozen=True)
class PartnershipHome:
    quarter: str
    circles: tuple[CircleSummary, ...]
    trends: tuple[Trend, ...] | None  # None: this member may not read the pulse's trends
    conversations: tuple[Results, ...]
    review: Review | None
    # The latest review with ratings to show (this one, or the last closed while this one is
    # open for ratings), value by value.
    rated: Review | None
    ratings: tuple[ValueGlance, ...]
    note: str
    actions_due: tuple[Action, ...]
    due_by: date

    @property
    def gaps(self) -> list[tuple[str, FlaggedPanel]]:
        return [(value.name, gap) for value in self.ratings for gap in value.gaps]


def partnership_home(*, member: Member) -> PartnershipHome:
    partnership = member.partnership
    today = timezone.localdate()
    quarter = selectors.quarter_for(today)
    since = timezone.make_aware(datetime.combine(quarter_start(quarter), time.min))
    now = timezone.now()
    circles = tuple(
        circle_selectors.circle_summary(circle=circle)
        for circle in circle_selectors.circles_for(partnership=partnership)
        .filter(closes_at__gte=since)
        .order_by("-closes_at")
        if circle_selectors.has_ended(circle=circle)
    )[:SHOWN]
    trends = (
        tuple(pulse_selectors.trends_for(partnership=partnership))
        if pulse_policy.may(
            member=member, action=pulse_policy.Action.TRENDS, partnership=partnership
        )
        else None
    )
    conversations = tuple(
        results
        for conversation in conversation_selectors.conversations_for(partnership=partnership)
        .filter(closes_at__gte=since, opens_at__lte=now)
        .order_by("-closes_at")
        if conversation_policy.decide_for(
            act=conversation_policy.Act.READ_RESULTS, conversation=conversation, people=RELEASED_TO
        )
        for results in [conversation_selectors.results_for(conversation=conversation)]
        if results.ready
    )[:SHOWN]
    review = selectors.latest_review(partnership=partnership)
    rated = None
    if review is not None:
        rated = (
            review
            if review.state != ReviewState.OPEN
            else selectors.reviews_for(partnership=partnership)
            .filter(state=ReviewState.CLOSED)
            .first()
        )
    matrix = selectors.gap_matrix(review=rated) if rated is not None else None
    due_by = today + DUE_AHEAD
    return PartnershipHome(
        quarter=quarter,
        circles=circles,
        trends=trends,
        conversations=conversations,
        review=review,
        rated=rated,
        ratings=_glance(matrix) if matrix is not None else (),
        note=matrix.note if matrix is not None else "",
        actions_due=tuple(selectors.actions_due(review=review, by=due_by).order_by("due_on"))
        if review is not None
        else (),
        due_by=due_by,
    )
