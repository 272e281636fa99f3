"""The review pack's content: one quarter's review arranged under the three questions of
Scottish self-evaluation ("How are we doing? How do we know? What are we going to do now?"),
built once here and drawn by each renderer (``pack_render``: the print page, the PDF and the
Word document), so the three carry the same words and figures.

Panel figures come only from ``selectors.gap_matrix`` and ``selectors.meeting``, which
release them through the disclosure guard; a hidden figure travels as its reason, never as
a number. Each chart carries its rows as a table too, and no number the table does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from village.pulse.charts import BarChart, bar_chart
from village.reviews import selectors
from village.reviews.models import Action, Panel, Review, Scale, Shortfall
from village.reviews.selectors import GapCell, PanelFigure

QUESTIONS = (
    gettext_lazy("How are we doing?"),
    gettext_lazy("How do we know?"),
    gettext_lazy("What are we going to do now?"),
)
LOW, HIGH = min(Scale.values), max(Scale.values)


def score_words(score: float | None) -> str:
    """A score as its number and, when whole, the scale's word: "5 (very good)"."""
    if score is None:
        return ""
    if score == int(score):
        return f"{score:g} ({Scale(int(score)).label.lower()})"
    return f"{score:g}"


@dataclass(frozen=True)
class ChartRow:
    """One bar of a value's chart, and one row of the table beside it."""

    label: str
    score: float | None
    # How many people rated, for a panel's row (about, once released).
    people: int | None = None
    # Why there is no score: not rated, or hidden below the minimum group size.
    note: str = ""

    @property
    def words(self) -> str:
        return score_words(self.score)


@dataclass(frozen=True)
class Evidence:
    """An agency's own rating of a value and what it says shows it, or why it did not rate."""

    agency: str
    score: int | None
    evidence: str
    links: tuple[str, ...]
    not_rated_because: str

    @property
    def words(self) -> str:
        return score_words(self.score)


@dataclass(frozen=True)
class FlaggedGap:
    value: str
    agency: str
    panel: str
    size: float

    def __str__(self) -> str:
        return _(
            "%(agency)s rates itself %(size)s points %(direction)s than the %(panel)s does."
        ) % {
            "agency": self.agency,
            "size": f"{abs(self.size):g}",
            "direction": _("higher") if self.size > 0 else _("lower"),
            "panel": self.panel.lower(),
        }


@dataclass(frozen=True)
class PackValue:
    key: str
    name: str
    plain: str
    rows: tuple[ChartRow, ...]
    chart: BarChart | None
    own_average: float | None
    family: PanelFigure
    frontline: PanelFigure
    evidence: tuple[Evidence, ...]
    panel_not_rated: tuple[tuple[str, str], ...]
    gaps: tuple[FlaggedGap, ...]
    shortfalls: tuple[Shortfall, ...]
    actions: tuple[Action, ...]

    @property
    def own_average_words(self) -> str:
        return score_words(self.own_average)

    @property
    def stage_rows(self) -> tuple[StageRow, ...]:
        """Each panel's view by career stage, where the meeting view shows one."""
        return tuple(
            StageRow(
                panel.label,
                stage.label,
                score_words(stage.mean),
                stage.hidden_because,
                stage.people,
            )
            for panel in (self.family, self.frontline)
            for stage in panel.stages
        )


@dataclass(frozen=True)
class StageRow:
    """One career stage's view of a value within one panel: a row of the pack's table."""

    panel: str
    stage: str
    words: str
    hidden_because: str
    people: int | None


@dataclass(frozen=True)
class ReviewPack:
    review: Review
    partnership: str
    quarter: str
    state: str
    version: int
    made_on: date
    questions: tuple[str, str, str]
    values: tuple[PackValue, ...]
    gaps: tuple[FlaggedGap, ...]
    actions: tuple[Action, ...]
    note: str

    @property
    def title(self) -> str:
        return _("Values review pack: %(partnership)s, %(quarter)s") % {
            "partnership": self.partnership,
            "quarter": self.quarter,
        }


def _panel_row(figure: PanelFigure) -> ChartRow:
    if figure.shown:
        return ChartRow(figure.label, figure.mean, people=figure.people)
    return ChartRow(figure.label, None, note=figure.hidden_because)


def _agency_row(cell: GapCell) -> ChartRow:
    if cell.self_score is not None:
        return ChartRow(cell.agency.name, cell.self_score)
    return ChartRow(cell.agency.name, None, note=cell.not_rated_because or _("Not rated yet"))


def review_pack(*, review: Review) -> ReviewPack:
    """Everything the pack shows for a review, from the gap matrix and the meeting view."""
    matrix = selectors.gap_matrix(review=review)
    sides = {side.value.pk: side for side in selectors.meeting(review=review)}
    values = []
    for row in matrix.rows:
        side = sides[row.value.pk]
        evidence = {rating.agency_id: rating for rating in side.self_ratings}
        agency_reasons = {r.agency_id: r.because for r in side.not_rated if r.agency_id}
        rows = (
            *(_agency_row(cell) for cell in row.cells),
            _panel_row(row.family),
            _panel_row(row.frontline),
        )
        own = [cell.self_score for cell in row.cells if cell.self_score is not None]
        gaps = tuple(
            FlaggedGap(row.value.name, cell.agency.name, gap.label, gap.size)
            for cell in row.cells
            for gap in cell.gaps
            if gap.flagged
        )
        values.append(
            PackValue(
                key=row.value.key,
                name=row.value.name,
                plain=row.value.plain,
                rows=rows,
                chart=bar_chart(
                    title=_("%(value)s: ratings on the six-point scale")
                    % {"value": row.value.name},
                    rows=[(r.label, r.score) for r in rows],
                    low=LOW,
                    high=HIGH,
                ),
                own_average=round(sum(own) / len(own), 1) if own else None,
                family=row.family,
                frontline=row.frontline,
                evidence=tuple(
                    Evidence(
                        agency=agency.name,
                        score=evidence[agency.pk].score if agency.pk in evidence else None,
                        evidence=evidence[agency.pk].evidence if agency.pk in evidence else "",
                        links=tuple(evidence[agency.pk].links) if agency.pk in evidence else (),
                        not_rated_because=agency_reasons.get(agency.pk, ""),
                    )
                    for agency in matrix.agencies
                ),
                panel_not_rated=tuple(
                    (str(Panel(r.panel).label), r.because) for r in side.not_rated if r.panel
                ),
                gaps=gaps,
                shortfalls=side.shortfalls,
                actions=side.actions,
            )
        )
    return ReviewPack(
        review=review,
        partnership=review.partnership.name,
        quarter=review.quarter,
        state=str(review.get_state_display()),
        version=review.version.number,
        made_on=timezone.localdate(),
        questions=(str(QUESTIONS[0]), str(QUESTIONS[1]), str(QUESTIONS[2])),
        values=tuple(values),
        gaps=tuple(gap for value in values for gap in value.gaps),
        actions=tuple(selectors.actions_of(review=review).order_by("due_on", "pk")),
        note=matrix.note,
    )
