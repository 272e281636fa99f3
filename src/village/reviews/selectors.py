"""Every read of the charter, amendments and reviews that a page, a pack or a service needs.

Panel ratings are read only through ``panel_figures``, which releases each value's family
and frontline figures through the disclosure guard at the partnership's minimum group size,
each panel on its own, and never a figure for both panels together (so one panel's figure
cannot be worked out by taking the other from a total).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from village.circles import selectors as circle_selectors
from village.conversations import selectors as conversation_selectors
from village.engines.disclosure import DisclosureGuard, Population, Query, Respondent
from village.engines.lens import Finding
from village.language import selectors as language_selectors
from village.people.models import Agency, CareerStage, Member, Partnership
from village.people.selectors import agencies_for, disclosure_policy
from village.released import ReleasedFigure
from village.reviews.differences import Piece, word_diff
from village.reviews.keys import panel_marker
from village.reviews.models import (
    Action,
    Amendment,
    Charter,
    CharterVersion,
    Clause,
    ClauseConversation,
    ClauseKind,
    Foundation,
    Milestone,
    NotRated,
    Panel,
    PanelRater,
    PanelRating,
    Party,
    PendingPanelRating,
    Representative,
    Represents,
    Review,
    ReviewState,
    SelfRating,
    Shortfall,
    Source,
    Value,
    VersionState,
)

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
# A gap between an agency's own rating and a panel's of this many points or more is flagged.
GAP_FLAG = 2.0
TREND_QUARTERS = 8
PANEL = "panel"
SCORE = "score"
STAGE = "career_stage"
NO_STAGE = "unknown"  # not given, or shared by too few of the panel to keep


# Quarters


def quarter_for(day: date) -> str:
    """The quarter a day falls in, as "2026-Q4"."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_after(quarter: str) -> str:
    found = QUARTER.match(quarter)
    if found is None:
        raise ValueError(f"not a quarter: {quarter!r}")
    year, number = int(found[1]), int(found[2])
    return f"{year + 1}-Q1" if number == 4 else f"{year}-Q{number + 1}"


def quarter_before(quarter: str) -> str:
    found = QUARTER.match(quarter)
    if found is None:
        raise ValueError(f"not a quarter: {quarter!r}")
    year, number = int(found[1]), int(found[2])
    return f"{year - 1}-Q4" if number == 1 else f"{year}-Q{number - 1}"


# The charter


def charter_of(*, partnership: Partnership) -> Charter | None:
    return Charter.objects.filter(partnership=partnership).first()


def versions_of(*, charter: Charter) -> QuerySet[CharterVersion]:
    return CharterVersion.objects.filter(charter=charter).order_by("-number")


def published_version(*, charter: Charter) -> CharterVersion | None:
    """The charter in force: its latest published version."""
    return versions_of(charter=charter).filter(state=VersionState.PUBLISHED).first()


def draft_of(*, charter: Charter) -> CharterVersion | None:
    return versions_of(charter=charter).filter(state=VersionState.DRAFT).first()


def values_of(*, version: CharterVersion) -> list[Value]:
    """The version's values in order, each with its clauses (rights first)."""
    clauses = Clause.objects.order_by("-kind", "position", "pk")
    return list(
        Value.objects.filter(version=version).prefetch_related(Prefetch("clauses", clauses))
    )


@dataclass(frozen=True)
class ClauseTalk:
    """A conversation opened from a clause, as the clause shows it: its question, and its
    common ground once its results are shared with the partnership (released figures only)."""

    conversation_id: int
    question: str
    shared: bool
    common_ground: tuple[str, ...]


def clause_conversations(*, charter: Charter) -> dict[tuple[str, str], list[ClauseTalk]]:
    """The conversations opened from each clause, by (value key, clause key), newest first."""
    found: dict[tuple[str, str], list[ClauseTalk]] = defaultdict(list)
    for link in ClauseConversation.objects.filter(charter=charter):
        talk = conversation_selectors.shared_common_ground(
            pk=link.conversation_id, partnership=charter.partnership
        )
        if talk is not None:
            found[(link.value_key, link.clause_key)].append(
                ClauseTalk(
                    conversation_id=link.conversation_id,
                    question=talk.conversation.question,
                    shared=talk.shared,
                    common_ground=tuple(talk.common_ground),
                )
            )
    return dict(found)


@dataclass(frozen=True)
class PartyReading:
    """One party's rights beside its responsibilities, in one value."""

    party: str
    label: str
    rights: tuple[Clause, ...]
    responsibilities: tuple[Clause, ...]


@dataclass(frozen=True)
class ValueReading:
    value: Value
    foundations: tuple[str, ...]
    parties: tuple[PartyReading, ...]
    # Each clause that started conversations, with them (newest first).
    conversations: tuple[tuple[Clause, tuple[ClauseTalk, ...]], ...]


FOUNDATION_LABELS = {foundation.value: str(foundation.label) for foundation in Foundation}


PARTY_LABELS = {party.value: str(party.label) for party in Party}


def charter_reading(*, version: CharterVersion) -> list[ValueReading]:
    """The version read relationally: for each value, each party's rights beside its
    responsibilities (a clause naming two parties is read under both). Parties a value
    names nowhere are left out. Beside them, the conversations opened from its clauses."""
    talks = clause_conversations(charter=version.charter)
    readings = []
    for value in values_of(version=version):
        clauses = list(value.clauses.all())
        parties = []
        for party in Party:
            rights = tuple(
                c for c in clauses if c.kind == ClauseKind.RIGHT and party.value in c.parties
            )
            duties = tuple(
                c
                for c in clauses
                if c.kind == ClauseKind.RESPONSIBILITY and party.value in c.parties
            )
            if rights or duties:
                parties.append(PartyReading(party.value, str(party.label), rights, duties))
        readings.append(
            ValueReading(
                value=value,
                foundations=tuple(FOUNDATION_LABELS.get(f, f) for f in value.foundations),
                parties=tuple(parties),
                conversations=tuple(
                    (c, tuple(talks[(value.key, c.key)]))
                    for c in clauses
                    if (value.key, c.key) in talks
                ),
            )
        )
    return readings


@dataclass(frozen=True)
class ReciprocityGap:
    """A party that holds a right in a value but has no responsibility in it."""

    value: Value
    party: str
    rights: tuple[str, ...]

    @property
    def party_label(self) -> str:
        return PARTY_LABELS.get(self.party, self.party)


def reciprocity_gaps(*, version: CharterVersion) -> list[ReciprocityGap]:
    """The rule a version must meet before it is published: within each value, every party
    named by any of its rights is named by at least one of its responsibilities too. A right
    naming families and practitioners needs a responsibility naming families and one naming
    practitioners (one naming both does for both), in the same value. Responsibilities
    without a matching right are fine."""
    gaps = []
    for value in values_of(version=version):
        responsible = {
            party
            for clause in value.clauses.all()
            if clause.kind == ClauseKind.RESPONSIBILITY
            for party in clause.parties
        }
        rights: dict[str, list[str]] = defaultdict(list)
        for clause in value.clauses.all():
            if clause.kind == ClauseKind.RIGHT:
                for party in clause.parties:
                    rights[party].append(clause.text)
        gaps += [
            ReciprocityGap(value=value, party=party, rights=tuple(texts))
            for party, texts in rights.items()
            if party not in responsible
        ]
    return gaps


@dataclass(frozen=True)
class LensNote:
    """The language lens's findings in one value's plain-language version."""

    value: Value
    findings: tuple[Finding, ...]


def lens_findings(*, version: CharterVersion) -> list[LensNote]:
    """Each value whose plain-language version the lens has something to say about (suggestion
    and above), read with the partnership's own glossary."""
    notes = []
    for value in values_of(version=version):
        found = language_selectors.document_findings(
            text=value.plain, partnership_id=version.charter.partnership_id
        )
        if found:
            notes.append(LensNote(value=value, findings=tuple(found)))
    return notes


@dataclass(frozen=True)
class FieldDifference:
    label: str
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class ClauseDifference:
    key: str
    kind: str
    change: str  # "added", "removed" or "changed"
    pieces: tuple[Piece, ...]
    parties_before: tuple[str, ...]
    parties_after: tuple[str, ...]

    @property
    def labels_before(self) -> list[str]:
        return [PARTY_LABELS.get(party, party) for party in self.parties_before]

    @property
    def labels_after(self) -> list[str]:
        return [PARTY_LABELS.get(party, party) for party in self.parties_after]


@dataclass(frozen=True)
class ValueDifference:
    key: str
    name: str
    change: str  # "added", "removed" or "changed"
    fields: tuple[FieldDifference, ...]
    clauses: tuple[ClauseDifference, ...]


@dataclass(frozen=True)
class VersionDifferences:
    old: CharterVersion
    new: CharterVersion
    preamble: tuple[Piece, ...] | None
    values: tuple[ValueDifference, ...]

    @property
    def any(self) -> bool:
        return self.preamble is not None or bool(self.values)


def _lines(items: Iterable[str]) -> str:
    return "\n".join(items)


def _value_texts(value: Value | None) -> dict[str, str]:
    if value is None:
        return {}
    return {
        _("Name"): value.name,
        _("Description"): value.description,
        _("In plain words"): value.plain,
        _("Principles"): _lines(value.principles),
        _("Assumptions"): _lines(value.assumptions),
        _("Foundations of the Promise"): ", ".join(value.foundations),
    }


def _clause_differences(old: Value | None, new: Value | None) -> list[ClauseDifference]:
    before = {c.key: c for c in old.clauses.all()} if old else {}
    after = {c.key: c for c in new.clauses.all()} if new else {}
    found = []
    for key in [*before, *(k for k in after if k not in before)]:
        was, now = before.get(key), after.get(key)
        if was and now and was.text == now.text and was.parties == now.parties:
            continue
        found.append(
            ClauseDifference(
                key=key,
                kind=(now or was).kind,  # type: ignore[union-attr]
                change="changed" if was and now else "added" if now else "removed",
                pieces=tuple(word_diff(was.text if was else "", now.text if now else "")),
                parties_before=tuple(was.parties) if was else (),
                parties_after=tuple(now.parties) if now else (),
            )
        )
    return found


def version_differences(*, old: CharterVersion, new: CharterVersion) -> VersionDifferences:
    """What changed from ``old`` to ``new``, value by value and clause by clause, word by
    word (values and clauses are matched by their keys)."""
    before = {value.key: value for value in values_of(version=old)}
    after = {value.key: value for value in values_of(version=new)}
    values = []
    for key in [*before, *(k for k in after if k not in before)]:
        was, now = before.get(key), after.get(key)
        texts_before, texts_after = _value_texts(was), _value_texts(now)
        fields = tuple(
            FieldDifference(label, tuple(word_diff(texts_before.get(label, ""), text)))
            for label, text in (texts_after or dict.fromkeys(texts_before, "")).items()
            if texts_before.get(label, "") != text
        )
        clauses = tuple(_clause_differences(was, now))
        if fields or clauses:
            values.append(
                ValueDifference(
                    key=key,
                    name=(now or was).name,  # type: ignore[union-attr]
                    change="changed" if was and now else "added" if now else "removed",
                    fields=fields,
                    clauses=clauses,
                )
            )
    preamble = (
        tuple(word_diff(old.preamble, new.preamble)) if old.preamble != new.preamble else None
    )
    return VersionDifferences(old=old, new=new, preamble=preamble, values=tuple(values))


# Amendments


def representatives_for(*, partnership: Partnership) -> QuerySet[Representative]:
    return Representative.objects.filter(
        partnership=partnership, member__deactivated_at__isnull=True
    ).select_related("member")


def amendments_of(*, charter: Charter, state: str = "") -> QuerySet[Amendment]:
    found = Amendment.objects.filter(charter=charter).select_related("proposed_by")
    return found.filter(state=state) if state else found


def amendment_clause(*, amendment: Amendment) -> Clause | None:
    """The clause as it was in the version the amendment was proposed against."""
    return (
        Clause.objects.select_related("value")
        .filter(
            value__version_id=amendment.version_id,
            value__key=amendment.value_key,
            key=amendment.clause_key,
        )
        .first()
    )


def amendment_difference(*, amendment: Amendment) -> list[Piece]:
    return word_diff(amendment.old_text, amendment.new_text)


@dataclass(frozen=True)
class ConstituencyAnswer:
    represents: str
    label: str
    yes: int
    no: int

    @property
    def says_yes(self) -> bool:
        """At least one of its representatives said yes, and more said yes than no."""
        return self.yes > 0 and self.yes > self.no


@dataclass(frozen=True)
class AmendmentStanding:
    answers: tuple[ConstituencyAnswer, ...]

    @property
    def accepted(self) -> bool:
        """Every constituency says yes: none can be outvoted by the others."""
        return all(answer.says_yes for answer in self.answers)

    @property
    def waiting_for(self) -> list[str]:
        return [answer.label for answer in self.answers if not answer.says_yes]


def amendment_standing(*, amendment: Amendment) -> AmendmentStanding:
    """Each constituency's yes and no votes on an amendment, from its representatives."""
    counts: dict[str, list[int]] = {kind: [0, 0] for kind in Represents.values}
    for represents, yes in amendment.votes.values_list("represents", "yes"):
        counts[represents][0 if yes else 1] += 1
    return AmendmentStanding(
        tuple(
            ConstituencyAnswer(kind.value, str(kind.label), *counts[kind.value])
            for kind in Represents
        )
    )


# Reviews


def reviews_for(*, partnership: Partnership) -> QuerySet[Review]:
    return Review.objects.filter(partnership=partnership).order_by("-quarter")


def review_by_id(*, pk: int) -> Review | None:
    """Any partnership's review, for the command line (which asks no member's permission)."""
    return Review.objects.select_related("partnership", "version").filter(pk=pk).first()


def latest_review(*, partnership: Partnership) -> Review | None:
    return reviews_for(partnership=partnership).first()


def has_panel_rated(*, review: Review, member: Member) -> bool:
    """Rated already: waiting in the mix or released (both by the member's marker)."""
    marker = panel_marker(review_id=review.pk, member_id=member.pk)
    return (
        PendingPanelRating.objects.filter(review=review, marker=marker).exists()
        or PanelRater.objects.filter(review=review, marker=marker).exists()
    )


PANEL_LABELS = {panel.value: str(panel.label) for panel in Panel}


@dataclass(frozen=True)
class StageFigure:
    """One career stage's view of one value within one panel, or why it is hidden."""

    label: str
    people: int | None = None
    mean: float | None = None
    hidden_because: str = ""

    @property
    def shown(self) -> bool:
        return self.mean is not None


@dataclass(frozen=True)
class PanelFigure:
    """One panel's view of one value: about how many rated it and their average on the
    six-point scale, or, when hidden, why."""

    panel: str
    people: int | None = None
    mean: float | None = None
    hidden_because: str = ""
    # By career stage, only when the panel's figure and some stage are shown.
    stages: tuple[StageFigure, ...] = ()

    @property
    def label(self) -> str:
        return PANEL_LABELS[self.panel]

    @property
    def shown(self) -> bool:
        return self.mean is not None


_STAGE_LABELS = {value: str(label) for value, label in CareerStage.choices}


def _stages(guard: DisclosureGuard, panel: str) -> tuple[StageFigure, ...]:
    """The panel's ratings by career stage through the same guard as its total, so no stage
    can be worked out from the total and the others; none when no stage would show."""
    table = guard.table(Query.of(breakdown=[STAGE], filters={PANEL: panel}, measures=[SCORE]))
    figures = []
    stage_shown = False
    for cell in table.cells:
        if cell.suppression is not None:
            figures.append(
                StageFigure(_stage_label(cell.key[0]), hidden_because=cell.suppression.message)
            )
            continue
        stage_shown = stage_shown or cell.key[0] in _STAGE_LABELS
        figures.append(
            StageFigure(_stage_label(cell.key[0]), people=cell.count, mean=cell.means[SCORE])
        )
    return tuple(figures) if stage_shown else ()


def _stage_label(key: str) -> str:
    return _STAGE_LABELS.get(key, _("Not given"))


def _value_figures(
    scores: Sequence[tuple[str, str, int]], partnership: Partnership
) -> dict[str, PanelFigure]:
    """One value's panel ratings through one disclosure guard: each panel is a filtered
    table of its own (the panel is structural: never dropped to make a wider group), and no
    table of both panels together is released; within a panel, by career stage."""
    if not scores:
        nothing = _("Nobody on this panel has rated this value yet.")
        return {panel: PanelFigure(panel, hidden_because=nothing) for panel in Panel.values}
    population = Population.snapshot(
        respondents=[
            Respondent(attributes={PANEL: panel, STAGE: stage or NO_STAGE}, scores={SCORE: s})
            for panel, stage, s in scores
        ],
        domains={PANEL: Panel.values, STAGE: [*CareerStage.values, NO_STAGE]},
    )
    guard = DisclosureGuard(
        population=population, policy=disclosure_policy(partnership), structural={PANEL}
    )
    # Every panel's total first, as before career stages were added; then the stages.
    totals = {
        panel: guard.table(Query.of(filters={PANEL: panel}, measures=[SCORE])).total
        for panel in Panel.values
    }
    figures = {}
    for panel, total in totals.items():
        if total.suppression is not None:
            figures[panel] = PanelFigure(panel, hidden_because=total.suppression.message)
        else:
            figures[panel] = PanelFigure(
                panel,
                people=total.count,
                mean=total.means[SCORE],
                stages=_stages(guard, panel),
            )
    return figures


def panel_figures(*, review: Review) -> dict[int, dict[str, PanelFigure]]:
    """Every value's family and frontline figures (by value id, then panel), released
    through the disclosure guard. Only released ratings count: answers still in the mix are
    not read."""
    scores: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for value_id, panel, stage, score in PanelRating.objects.filter(review=review).values_list(
        "value_id", "panel", "career_stage", "score"
    ):
        scores[value_id].append((panel, stage, score))
    return {
        value.pk: _value_figures(scores.get(value.pk, []), review.partnership)
        for value in Value.objects.filter(version_id=review.version_id)
    }


def disclosure_note(*, review: Review) -> str:
    """The line for the foot of every table of panel figures."""
    return disclosure_policy(review.partnership).note


@dataclass(frozen=True)
class Missing:
    """A value that an agency or a panel has not rated, with no reason recorded."""

    value: Value
    agency: Agency | None = None
    panel: str = ""
    too_few: bool = False

    @property
    def who(self) -> str:
        return self.agency.name if self.agency is not None else PANEL_LABELS[self.panel]

    def __str__(self) -> str:
        if self.too_few:
            return _("%(who)s on “%(value)s”: too few ratings to show") % {
                "who": self.who,
                "value": self.value.name,
            }
        return _("%(who)s on “%(value)s”") % {"who": self.who, "value": self.value.name}


def missing_ratings(*, review: Review) -> list[Missing]:
    """What stops a review closing. An agency has rated a value when it has a self-rating
    of it; a panel has rated a value when its ratings of it are released and shown (enough
    people rated it to pass the minimum group size). Either may instead record why not."""
    values = list(Value.objects.filter(version_id=review.version_id))
    agencies = list(agencies_for(partnership=review.partnership))
    rated = set(SelfRating.objects.filter(review=review).values_list("agency_id", "value_id"))
    reasons = list(
        NotRated.objects.filter(review=review).values_list("agency_id", "panel", "value_id")
    )
    excused_agencies = {(agency, value) for agency, _panel, value in reasons if agency}
    excused_panels = {(panel, value) for _agency, panel, value in reasons if panel}
    figures = panel_figures(review=review)
    missing = []
    for value in values:
        for agency in agencies:
            key = (agency.pk, value.pk)
            if key not in rated and key not in excused_agencies:
                missing.append(Missing(value=value, agency=agency))
        for panel in Panel.values:
            figure = figures[value.pk][panel]
            if not figure.shown and (panel, value.pk) not in excused_panels:
                too_few = PanelRating.objects.filter(
                    review=review, value=value, panel=panel
                ).exists()
                missing.append(Missing(value=value, panel=panel, too_few=too_few))
    return missing


@dataclass(frozen=True)
class Gap:
    """An agency's own rating less a panel's average: positive when the agency rates itself
    higher than the panel does."""

    panel: str
    size: float

    @property
    def flagged(self) -> bool:
        return abs(self.size) >= GAP_FLAG

    @property
    def label(self) -> str:
        return PANEL_LABELS[self.panel]


@dataclass(frozen=True)
class TrendPoint:
    quarter: str
    self_score: int | None
    family: float | None
    frontline: float | None


@dataclass(frozen=True)
class GapCell:
    agency: Agency
    self_score: int | None
    not_rated_because: str
    gaps: tuple[Gap, ...]
    trend: tuple[TrendPoint, ...]

    @property
    def flagged(self) -> bool:
        return any(gap.flagged for gap in self.gaps)


@dataclass(frozen=True)
class GapRow:
    value: Value
    family: PanelFigure
    frontline: PanelFigure
    cells: tuple[GapCell, ...]


@dataclass(frozen=True)
class GapMatrix:
    review: Review
    agencies: tuple[Agency, ...]
    rows: tuple[GapRow, ...]
    note: str

    @property
    def flagged(self) -> list[tuple[GapRow, GapCell]]:
        return [(row, cell) for row in self.rows for cell in row.cells if cell.flagged]


def _gap(self_score: int | None, figure: PanelFigure) -> Gap | None:
    if self_score is None or figure.mean is None:
        return None
    return Gap(panel=figure.panel, size=round(self_score - figure.mean, 1))


@dataclass(frozen=True)
class _Quarter:
    quarter: str
    self_scores: Mapping[tuple[str, int], int]
    panels: Mapping[tuple[str, str], float | None]


def _quarter_view(
    review: Review, figures: Mapping[int, Mapping[str, PanelFigure]] | None = None
) -> _Quarter:
    """One review's self-ratings by (value key, agency) and released panel averages by
    (value key, panel), so quarters rating different charter versions line up."""
    self_scores = {
        (key, agency): score
        for key, agency, score in SelfRating.objects.filter(review=review).values_list(
            "value__key", "agency_id", "score"
        )
    }
    keys = dict(Value.objects.filter(version_id=review.version_id).values_list("pk", "key"))
    panels = {
        (keys[value_id], panel): figure.mean
        for value_id, by_panel in (figures or panel_figures(review=review)).items()
        for panel, figure in by_panel.items()
    }
    return _Quarter(review.quarter, self_scores, panels)


def gap_matrix(*, review: Review) -> GapMatrix:
    """Value by agency: each agency's own rating beside the family panel's and frontline
    staff's released averages, each gap of two points or more flagged, and each cell's trend
    over this and up to seven earlier quarters (values matched by key)."""
    agencies = tuple(agencies_for(partnership=review.partnership))
    earlier = list(
        reviews_for(partnership=review.partnership)
        .filter(quarter__lt=review.quarter)
        .order_by("-quarter")[: TREND_QUARTERS - 1]
    )
    figures = panel_figures(review=review)
    quarters = [_quarter_view(r) for r in reversed(earlier)] + [_quarter_view(review, figures)]
    this = quarters[-1]
    because = {
        (agency_id, value_id): text
        for agency_id, value_id, text in NotRated.objects.filter(
            review=review, agency__isnull=False
        ).values_list("agency_id", "value_id", "because")
    }
    rows = []
    for value in Value.objects.filter(version_id=review.version_id):
        family, frontline = figures[value.pk][Panel.FAMILY], figures[value.pk][Panel.FRONTLINE]
        cells = []
        for agency in agencies:
            own = this.self_scores.get((value.key, agency.pk))
            gaps = tuple(g for g in (_gap(own, family), _gap(own, frontline)) if g is not None)
            trend = tuple(
                TrendPoint(
                    quarter=q.quarter,
                    self_score=q.self_scores.get((value.key, agency.pk)),
                    family=q.panels.get((value.key, Panel.FAMILY)),
                    frontline=q.panels.get((value.key, Panel.FRONTLINE)),
                )
                for q in quarters
            )
            cells.append(
                GapCell(
                    agency=agency,
                    self_score=own,
                    not_rated_because=because.get((agency.pk, value.pk), ""),
                    gaps=gaps,
                    trend=trend,
                )
            )
        rows.append(GapRow(value=value, family=family, frontline=frontline, cells=tuple(cells)))
    return GapMatrix(
        review=review, agencies=agencies, rows=tuple(rows), note=disclosure_note(review=review)
    )


@dataclass(frozen=True)
class ValueSides:
    """Every constituency's view of one value, side by side, for the meeting."""

    value: Value
    family: PanelFigure
    frontline: PanelFigure
    self_ratings: tuple[SelfRating, ...]
    not_rated: tuple[NotRated, ...]
    shortfalls: tuple[Shortfall, ...]
    actions: tuple[Action, ...]


def meeting(*, review: Review) -> list[ValueSides]:
    """The meeting view's data: for each value, the family panel, frontline staff, each
    agency's own rating with its evidence, why anyone did not rate, the shortfalls and the
    actions."""
    figures = panel_figures(review=review)
    by_value: dict[str, dict[int | None, list]] = {
        name: defaultdict(list) for name in ("self", "not_rated", "shortfalls", "actions")
    }
    for rating in SelfRating.objects.filter(review=review).select_related("agency"):
        by_value["self"][rating.value_id].append(rating)
    for reason in NotRated.objects.filter(review=review).select_related("agency"):
        by_value["not_rated"][reason.value_id].append(reason)
    for shortfall in Shortfall.objects.filter(review=review):
        by_value["shortfalls"][shortfall.value_id].append(shortfall)
    for action in actions_of(review=review):
        by_value["actions"][action.value_id].append(action)
    return [
        ValueSides(
            value=value,
            family=figures[value.pk][Panel.FAMILY],
            frontline=figures[value.pk][Panel.FRONTLINE],
            self_ratings=tuple(by_value["self"][value.pk]),
            not_rated=tuple(by_value["not_rated"][value.pk]),
            shortfalls=tuple(by_value["shortfalls"][value.pk]),
            actions=tuple(by_value["actions"][value.pk]),
        )
        for value in Value.objects.filter(version_id=review.version_id)
    ]


def actions_of(*, review: Review) -> QuerySet[Action]:
    milestones = Milestone.objects.order_by("position", "pk")
    return (
        Action.objects.filter(review=review)
        .select_related("owner_agency", "value", "carried_from__review")
        .prefetch_related(Prefetch("milestones", milestones))
    )


def actions_due(*, review: Review, by: date) -> QuerySet[Action]:
    """Actions not done whose due date has come by ``by``: for the partnership home."""
    return actions_of(review=review).exclude(status="done").filter(due_on__lte=by)


@dataclass(frozen=True)
class Bringable:
    """A circle's or conversation's action that can be brought into a review."""

    source: str
    source_id: int
    text: str
    owner_agency: Agency
    due_on: date
    # The circle's title or the conversation's question, and its id, to link to it.
    where: str
    where_id: int


def bringable_actions(*, review: Review) -> list[Bringable]:
    """Actions from the partnership's circles and conversations ("you said, we did") not
    yet in this review."""
    brought = set(
        Action.objects.filter(review=review, source_id__isnull=False).values_list(
            "source", "source_id"
        )
    )
    found = [
        Bringable(
            Source.CIRCLE, a.pk, a.text, a.owner_agency, a.due_on, a.circle.title, a.circle_id
        )
        for a in circle_selectors.partnership_actions(partnership=review.partnership)
        if (Source.CIRCLE, a.pk) not in brought
    ]
    found += [
        Bringable(
            Source.CONVERSATION,
            a.pk,
            a.text,
            a.owner_agency,
            a.due_on,
            a.conversation.question,
            a.conversation_id,
        )
        for a in conversation_selectors.partnership_actions(partnership=review.partnership)
        if (Source.CONVERSATION, a.pk) not in brought
    ]
    return sorted(found, key=lambda b: (b.due_on, b.source, b.source_id))


def released_figures(*, partnership: Partnership) -> list[ReleasedFigure]:
    """Each value's family and frontline panel averages (0 to 6) from the latest review
    whose ratings are closed, through the disclosure guard; key ``value-key:panel``, so a
    later quarter's figure takes its place."""
    review = (
        reviews_for(partnership=partnership)
        .exclude(state=ReviewState.OPEN)
        .select_related("version")
        .first()
    )
    if review is None:
        return []
    values = {value.pk: value for value in Value.objects.filter(version_id=review.version_id)}
    return [
        ReleasedFigure(
            key=f"{values[value_pk].key}:{panel}",
            label=_("Values review: %(panel)s on “%(value)s”")
            % {"panel": figure.label, "value": values[value_pk].name},
            value=figure.mean,
            unit="",
            as_of=review.quarter,
            hidden_because=figure.hidden_because,
        )
        for value_pk, by_panel in panel_figures(review=review).items()
        for panel, figure in by_panel.items()
    ]
