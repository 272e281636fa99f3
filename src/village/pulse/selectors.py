"""Every read of pulse data a page or export needs.

Report pages and exports read only the tables released when the round closed
(``ReleasedReport.data``); they never query responses, so what they show is exactly what the
disclosure guard released, whoever looks and in whatever order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from village.engines.instruments import (
    Instrument,
    Item,
    estimated_minutes,
    estimated_seconds,
    get_instrument,
    load_instruments,
)
from village.people import join_codes
from village.people.models import Member, Partnership
from village.pulse.charts import BarChart, bar_chart
from village.pulse.models import (
    Audience,
    AudienceSnapshot,
    Draft,
    LicenceConfirmation,
    Participation,
    ReleasedReport,
    Round,
)
from village.pulse.reports import (
    ASKED,
    AUDIENCE,
    DIMENSIONS,
    GUEST,
    GUESTS,
    MEMBERS,
    STRUCTURAL,
    TOOK_PART,
    WITHIN_AGENCY,
    YES,
    find_table,
    members_filter,
)
from village.pulse.services import (
    DEFAULT_SETS,
    draft_hash,
    has_answered,
    licence_is_confirmed,
)
from village.released import ReleasedFigure


def _dimension_label(name: str) -> str:
    return {
        "agency": _("Agency"),
        "sector": _("Sector"),
        "role": _("Role"),
        "career_stage": _("Career stage"),
        "team": _("Team"),
    }.get(name, name)


# -- rounds and answering ------------------------------------------------------------------


def rounds_for(*, partnership: Partnership) -> QuerySet[Round]:
    return Round.objects.filter(partnership=partnership)


def round_by_code(*, code: str) -> Round | None:
    normalised = join_codes.normalise(code)
    if not normalised:
        return None
    return Round.objects.select_related("partnership").filter(round_code=normalised).first()


def rounds_to_answer(*, member: Member) -> list[Round]:
    """Open rounds this member was asked to answer and has not finished."""
    now = timezone.now()
    done = Participation.objects.filter(member=member, completed=True).values("round_id")
    asked = AudienceSnapshot.objects.filter(member=member).values("round_id")
    rounds = Round.objects.filter(
        partnership=member.partnership,
        opened=True,
        closed=False,
        opens_at__lte=now,
        closes_at__gt=now,
        pk__in=asked,
    ).exclude(pk__in=done)
    return [r for r in rounds if not has_answered(round_=r, member=member, browser_key="")]


def audience_size(*, round_: Round) -> int:
    """How many people were asked: known to whoever scheduled it, so not a disclosure."""
    return AudienceSnapshot.objects.filter(round=round_).count()


def answers_as_member(*, round_: Round, member: Member | None) -> bool:
    return member is not None and member.partnership_id == round_.partnership_id


def draft_for(*, round_: Round, browser_key: str) -> Draft | None:
    return Draft.objects.filter(
        round=round_, key_hash=draft_hash(round_=round_, key=browser_key)
    ).first()


def has_completed(*, round_: Round, member: Member | None, browser_key: str) -> bool:
    """Answered already, whether the answer still waits in the mix or was released."""
    return has_answered(round_=round_, member=member, browser_key=browser_key)


# Questions on one page at most: a step stays short enough to answer on a small phone.
MAX_QUESTIONS_PER_STEP = 7


@dataclass(frozen=True)
class Step:
    """One page: some items of one instrument (part ``part`` of ``parts``), or the comment."""

    number: int
    total: int
    instrument: Instrument | None
    items: tuple[Item, ...] = ()
    part: int = 1
    parts: int = 1

    @property
    def is_last(self) -> bool:
        return self.number == self.total


def _parts(instrument: Instrument) -> list[tuple[Item, ...]]:
    """The instrument's items in order, in as few even parts of at most 7 as will do."""
    count = math.ceil(instrument.item_count / MAX_QUESTIONS_PER_STEP)
    size, extra = divmod(instrument.item_count, count)
    parts, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        parts.append(instrument.items[start:end])
        start = end
    return parts


def steps_for(*, round_: Round) -> list[Step]:
    """Each instrument in parts of at most 7 questions, then a last step for the comment if
    the round asks for one. Guests are not asked about themselves: what they say of
    themselves is never stored."""
    pages: list[tuple[Instrument | None, tuple[Item, ...], int, int]] = []
    for instrument_id in round_.instruments:
        instrument = get_instrument(instrument_id)
        parts = _parts(instrument)
        pages += [(instrument, items, i, len(parts)) for i, items in enumerate(parts, 1)]
    if round_.comment_question:
        pages.append((None, (), 1, 1))
    total = len(pages)
    return [
        Step(number=i, total=total, instrument=inst, items=items, part=part, parts=parts)
        for i, (inst, items, part, parts) in enumerate(pages, 1)
    ]


def instruments_of(*, round_: Round) -> list[Instrument]:
    return [get_instrument(i) for i in round_.instruments]


def default_instruments(*, partnership: Partnership, intended_for: str) -> list[str]:
    """The default set for this audience, less any whose licence is not confirmed here."""
    return [
        instrument_id
        for instrument_id in DEFAULT_SETS[intended_for]
        if licence_is_confirmed(partnership=partnership, instrument_id=instrument_id)
    ]


def time_estimate(*, instrument_ids: Sequence[str], comment: bool) -> str:
    """How long answering takes, in words, from the items: the same on every page and email."""
    seconds = estimated_seconds([get_instrument(i) for i in instrument_ids], comment=comment)
    minutes = estimated_minutes(seconds)
    return ngettext("about %(count)s minute", "about %(count)s minutes", minutes) % {
        "count": minutes
    }


def round_time_estimate(*, round_: Round) -> str:
    return time_estimate(instrument_ids=round_.instruments, comment=bool(round_.comment_question))


# -- licences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenceStatus:
    instrument: Instrument
    confirmation: LicenceConfirmation | None


def licences_for(*, partnership: Partnership) -> list[LicenceStatus]:
    confirmations = {
        c.instrument: c
        for c in LicenceConfirmation.objects.filter(partnership=partnership).select_related(
            "confirmed_by"
        )
    }
    return [
        LicenceStatus(instrument=instrument, confirmation=confirmations.get(instrument.id))
        for instrument in load_instruments().values()
        if instrument.licence.requires_confirmation
    ]


def instrument_choices(*, partnership: Partnership, intended_for: str) -> list[tuple[str, str]]:
    """The instruments written for this audience, labelled with their length and, if
    unlicensed here, that they are locked."""
    choices = []
    for instrument in load_instruments().values():
        if intended_for not in instrument.audiences:
            continue
        label = _("%(name)s (%(short)s): %(count)s questions, %(time)s") % {
            "name": instrument.name,
            "short": instrument.short_name,
            "count": instrument.item_count,
            "time": time_estimate(instrument_ids=[instrument.id], comment=False),
        }
        if not licence_is_confirmed(partnership=partnership, instrument_id=instrument.id):
            label += " " + _("(needs your partnership's licence, confirmed by an admin)")
        choices.append((instrument.id, label))
    return choices


# -- reports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    label: str
    count: int | None
    means: tuple[str, ...]
    message: str

    @property
    def shown(self) -> bool:
        return not self.message


@dataclass(frozen=True)
class ReportTable:
    title: str
    heading: str
    measures: tuple[str, ...]
    rows: tuple[ReportRow, ...]
    total: ReportRow
    charts: tuple[tuple[str, BarChart | None], ...] = ()


@dataclass(frozen=True)
class RateRow:
    label: str
    invited: int | None
    took_part: int | None
    rate: str
    message: str


COMMENTS_PER_PAGE = 50


@dataclass(frozen=True)
class CommentGroup:
    """One page of a group's comments, in the report's fixed shuffled order."""

    comments: tuple[str, ...]
    message: str
    total: int = 0
    page: int = 1
    pages: int = 1
    first: int = 1
    deleted_on: date | None = None

    @property
    def last(self) -> int:
        return self.first + len(self.comments) - 1

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


@dataclass(frozen=True)
class ReportPage:
    round: Round
    note: str
    minimum: int
    comment_minimum: int
    overall: ReportTable
    tables: tuple[ReportTable, ...]
    bands: tuple[ReportTable, ...]
    rates: tuple[RateRow, ...]
    comments: CommentGroup | None
    guests: ReportTable | None
    guest_comments: CommentGroup | None
    agencies: tuple[tuple[str, str], ...]
    agency: str
    agency_label: str
    copyrights: tuple[str, ...] = field(default_factory=tuple)


def released_report(*, round_: Round) -> ReleasedReport | None:
    return ReleasedReport.objects.filter(round=round_).only("data", "comments_deleted_on").first()


def comments_deleted_message(*, count: int, day: date) -> str:
    return ngettext(
        "The text of the %(count)s comment was deleted on %(day)s, when the partnership's "
        "time for keeping what people write ran out.",
        "The text of the %(count)s comments was deleted on %(day)s, when the partnership's "
        "time for keeping what people write ran out.",
        count,
    ) % {"count": count, "day": f"{day:%-d %B %Y}"}


def _row(cell: Mapping[str, Any], label: str, measure_keys: Sequence[str]) -> ReportRow:
    means = tuple(
        f"{cell['means'][key]:g}" if cell["reason"] is None and key in cell["means"] else ""
        for key in measure_keys
    )
    return ReportRow(
        label=label,
        count=cell["count"] if cell["reason"] is None else None,
        means=means,
        message=cell["message"] if cell["reason"] else "",
    )


def _label(data: Mapping[str, Any], attribute: str, value: str) -> str:
    label = str(data["labels"].get(attribute, {}).get(value, value))
    if attribute == "team" and value in data.get("rolled_up", []):
        label = _("%(team)s (with smaller teams included)") % {"team": label}
    return label


def _report_table(
    data: Mapping[str, Any], table: Mapping[str, Any], *, title: str, with_charts: bool = True
) -> ReportTable:
    measures = data["measures"]
    keys = [m["key"] for m in measures]
    breakdown = table["query"]["breakdown"]
    attribute = breakdown[0] if breakdown else ""
    rows = tuple(
        _row(cell, _label(data, attribute, cell["key"][0]), keys) for cell in table["cells"]
    )
    total = _row(table["total"], _("Everyone in this table"), keys)
    charts: list[tuple[str, BarChart | None]] = []
    if with_charts and keys and rows:
        for index, measure in enumerate(measures):
            name = f"{measure['instrument']}: {measure['name']}"
            shown: list[tuple[str, float | None]] = [
                (row.label, float(row.means[index])) for row in rows if row.shown
            ]
            charts.append(
                (
                    name,
                    bar_chart(
                        title=_("%(measure)s, average by %(dimension)s")
                        % {"measure": name, "dimension": title.lower()},
                        rows=shown,
                        low=measure["minimum"],
                        high=measure["maximum"],
                    ),
                )
            )
    return ReportTable(
        title=title,
        heading=title,
        measures=tuple(f"{m['instrument']}: {m['name']}" for m in measures),
        rows=rows,
        total=total,
        charts=tuple(charts),
    )


def _band_table(data: Mapping[str, Any], band_set: Mapping[str, Any]) -> ReportTable | None:
    table = find_table(data["tables"], breakdown=[band_set["attribute"]], filters={})
    if table is None:
        return None
    measure = next(m for m in data["measures"] if m["key"] == band_set["measure"])
    name = f"{measure['instrument']}: {measure['name']}"
    rows = tuple(
        ReportRow(
            label=_label(data, band_set["attribute"], cell["key"][0]),
            count=cell["count"] if cell["reason"] is None else None,
            means=(),
            message=cell["message"] if cell["reason"] else "",
        )
        for cell in table["cells"]
        if cell["key"][0] in {b["id"] for b in band_set["bands"]}
    )
    counts = [(row.label, float(row.count or 0)) for row in rows if row.shown]
    high = max([value for _l, value in counts], default=1.0)
    chart = bar_chart(
        title=_("%(measure)s: how many people in each band") % {"measure": name},
        rows=counts,
        low=0,
        high=high,
    )
    total = _row(table["total"], _("Everyone"), [])
    return ReportTable(
        title=name, heading=name, measures=(), rows=rows, total=total, charts=((name, chart),)
    )


def _rates(data: Mapping[str, Any]) -> tuple[RateRow, ...]:
    """Asked, from the rate tables; answered, from the members' own score tables (one guard
    released both, so neither can be subtracted from the other)."""
    if data.get("version", 1) >= 2:
        invited = find_table(data["rates"], breakdown=["agency"], filters=ASKED)
        all_invited = find_table(data["rates"], breakdown=[], filters=ASKED)
        took = find_table(data["tables"], breakdown=["agency"], filters=MEMBERS)
        all_took = find_table(data["tables"], breakdown=[], filters=MEMBERS)
    else:
        invited = find_table(data["rates"], breakdown=["agency"], filters={})
        took = find_table(data["rates"], breakdown=["agency"], filters={TOOK_PART: YES})
        all_invited = find_table(data["rates"], breakdown=[], filters={})
        all_took = find_table(data["rates"], breakdown=[], filters={TOOK_PART: YES})
    if invited is None or took is None or all_invited is None or all_took is None:
        return ()

    def rate_row(label: str, asked: Mapping[str, Any], came: Mapping[str, Any]) -> RateRow:
        asked_n = asked["count"] if asked["reason"] is None else None
        came_n = came["count"] if came["reason"] is None else None
        rate = f"{round(100 * came_n / asked_n)}%" if asked_n and came_n is not None else ""
        return RateRow(
            label=label,
            invited=asked_n,
            took_part=came_n,
            rate=rate,
            message=came["message"] or asked["message"],
        )

    rows = [
        rate_row(_label(data, "agency", a["key"][0]), a, t)
        for a, t in zip(invited["cells"], took["cells"], strict=True)
    ]
    rows.append(rate_row(_("Everyone asked"), all_invited["total"], all_took["total"]))
    return tuple(rows)


def _comments(
    released: Mapping[str, Any] | None, *, page: int, deleted_on: date | None
) -> CommentGroup | None:
    """A page of the comments (a page past the end shows the last one)."""
    if not released:
        return None
    cell = released["cells"][0]
    comments = cell["comments"]
    pages = max(1, -(-len(comments) // COMMENTS_PER_PAGE))
    page = min(max(page, 1), pages)
    start = (page - 1) * COMMENTS_PER_PAGE
    return CommentGroup(
        comments=tuple(comments[start : start + COMMENTS_PER_PAGE]),
        message=cell["message"],
        total=len(comments) or cell.get("deleted", 0),
        page=page,
        pages=pages,
        first=start + 1,
        deleted_on=deleted_on,
    )


def _guests(data: Mapping[str, Any]) -> ReportTable | None:
    """Guests' answers as one group of their own, when the round had any."""
    table = find_table(data["tables"], breakdown=[], filters=GUESTS) if data.get("guests") else None
    if table is None:
        return None
    released = _report_table(data, table, title=_("Guests"), with_charts=False)
    return replace(released, total=replace(released.total, label=_("Guests")))


def report_for(
    *, round_: Round, agency: str = "", page: int = 1, guest_page: int = 1
) -> ReportPage | None:
    """The released report, optionally within one agency (a filter the report offers), with
    one page of its comments and one of its guests' comments."""
    report = released_report(round_=round_)
    if report is None:
        return None
    data = report.data
    deleted_on = report.comments_deleted_on
    members = members_filter(data)
    agencies = tuple(
        (key, label)
        for key, label in data["labels"]["agency"].items()
        if find_table(data["tables"], breakdown=["role"], filters={**members, "agency": key})
        is not None
    )
    if agency and agency not in dict(agencies):
        agency = ""
    overall_table = find_table(data["tables"], breakdown=[], filters=members)
    assert overall_table is not None
    overall = _report_table(data, overall_table, title=_("Everyone"), with_charts=False)
    if agency:
        breakdowns = [(d, {**members, "agency": agency}) for d in WITHIN_AGENCY]
    else:
        breakdowns = [(d, members) for d in DIMENSIONS]
    tables = []
    for dimension, filters in breakdowns:
        found = find_table(data["tables"], breakdown=[dimension], filters=filters)
        if found is not None:
            tables.append(_report_table(data, found, title=_dimension_label(dimension)))
    filtered_total = None
    if agency:
        first = find_table(
            data["tables"], breakdown=[WITHIN_AGENCY[0]], filters={**members, "agency": agency}
        )
        if first is not None:
            filtered_total = _report_table(
                data, {**first, "cells": []}, title=dict(agencies)[agency], with_charts=False
            )
    bands = tuple(t for b in data["bands"] if (t := _band_table(data, b)) is not None)
    return ReportPage(
        round=round_,
        note=data["note"],
        minimum=data["minimum"],
        comment_minimum=data["comment_minimum"],
        overall=filtered_total or overall,
        tables=tuple(tables),
        bands=() if agency else bands,
        rates=() if agency else _rates(data),
        comments=None
        if agency
        else _comments(data.get("comments"), page=page, deleted_on=deleted_on),
        guests=None if agency else _guests(data),
        guest_comments=None
        if agency or not data.get("guests")
        else _comments(data.get("guest_comments"), page=guest_page, deleted_on=deleted_on),
        agencies=agencies,
        agency=agency,
        agency_label=dict(agencies).get(agency, ""),
        copyrights=tuple(
            get_instrument(i).licence.copyright
            for i in round_.instruments
            if get_instrument(i).licence.copyright
        ),
    )


CSV_HEADER = ["table", "within", "group", "people (rounded)", "measure", "average", "why hidden"]


def report_csv_rows(*, round_: Round) -> list[list[object]]:
    """Every released table as rows: the same numbers the pages show, hidden cells explained."""
    report = released_report(round_=round_)
    if report is None:
        return []
    data = report.data
    rows: list[list[object]] = []
    measures = data["measures"]
    for table in data["tables"]:
        breakdown = table["query"]["breakdown"]
        filters = table["query"]["filters"]
        attribute = breakdown[0] if breakdown else ""
        within = "; ".join(
            f"{_dimension_label(k)}: {_label(data, k, v)}"
            for k, v in sorted(filters.items())
            if k not in STRUCTURAL
        )
        name = _dimension_label(attribute) if attribute else _("Everyone")
        if filters.get(AUDIENCE) == GUEST:
            name = _("Guests")
        cells = [(table["total"], _("Everyone in this table"))] + [
            (cell, _label(data, attribute, cell["key"][0])) for cell in table["cells"]
        ]
        for cell, label in cells:
            shown = cell["reason"] is None
            count = cell["count"] if shown else ""
            if table["query"]["measures"]:
                for measure in measures:
                    mean = cell["means"].get(measure["key"], "") if shown else ""
                    rows.append(
                        [
                            name,
                            within,
                            label,
                            count,
                            f"{measure['instrument']}: {measure['name']}",
                            mean,
                            cell["message"],
                        ]
                    )
            else:
                rows.append([name, within, label, count, "", "", cell["message"]])
    for rate in _rates(data):
        rows.append(
            [_("Response rate"), "", rate.label, rate.took_part or "", "", rate.rate, rate.message]
        )
    for key, label in (("comments", _("Comment")), ("guest_comments", _("Guest comment"))):
        if key == "guest_comments" and not data.get("guests"):
            continue
        if data.get(key):
            cell = data[key]["cells"][0]
            if report.comments_deleted_on is not None and cell["reason"] is None:
                message = comments_deleted_message(
                    count=cell.get("deleted", 0), day=report.comments_deleted_on
                )
                rows.append([label, "", "", "", "", "", message])
            elif cell["reason"] is None:
                rows += [[label, "", "", "", "", text, ""] for text in cell["comments"]]
            else:
                rows.append([label, "", "", "", "", "", cell["message"]])
    return rows


# -- trends ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendRow:
    round: Round
    value: str
    message: str


@dataclass(frozen=True)
class Trend:
    name: str
    chart: BarChart | None
    rows: tuple[TrendRow, ...]


TREND_AUDIENCES: dict[str, Promise] = {
    Audience.STAFF: gettext_lazy("check-ins for staff"),
    Audience.FAMILY: gettext_lazy("check-ins for families"),
}


def _trend_label(round_: Round) -> str:
    return f"{round_.title} ({date_format(round_.opens_at, 'M Y')})"


def trends_for(*, partnership: Partnership) -> list[Trend]:
    """Each subscale's overall average across closed rounds, only where a round could show it.

    Reads each report's small stored summary, never the whole report. Rounds for staff and
    rounds for families make separate trends, even for a questionnaire both answer: their
    averages describe different people."""
    rounds = list(
        Round.objects.filter(partnership=partnership, released=True)
        .select_related("report")
        .only("pk", "title", "opens_at", "intended_for", "report__summary")
        .order_by("opens_at", "pk")
    )
    measures: dict[tuple[str, str], Mapping[str, Any]] = {}
    for round_ in rounds:
        for measure in round_.report.summary["measures"]:
            measures.setdefault((round_.intended_for, measure["key"]), measure)
    trends = []
    for (audience, key), measure in measures.items():
        name = _("%(instrument)s: %(measure)s, %(audience)s") % {
            "instrument": measure["instrument"],
            "measure": measure["name"],
            "audience": TREND_AUDIENCES[audience],
        }
        rows = []
        series: list[tuple[str, float | None]] = []
        for round_ in rounds:
            summary = round_.report.summary
            if round_.intended_for != audience or key not in {
                m["key"] for m in summary["measures"]
            }:
                continue
            cell = summary["total"]
            if cell is not None and cell["reason"] is None:
                value = cell["means"][key]
                rows.append(TrendRow(round=round_, value=f"{value:g}", message=""))
                series.append((_trend_label(round_), float(value)))
            else:
                message = cell["message"] if cell else _("No report for this round.")
                rows.append(TrendRow(round=round_, value="", message=message))
                series.append((_trend_label(round_), None))
        chart = bar_chart(
            title=_("%(measure)s, average by check-in, oldest first") % {"measure": name},
            rows=series,
            low=measure["minimum"],
            high=measure["maximum"],
        )
        trends.append(Trend(name=name, chart=chart, rows=tuple(rows)))
    return trends


def released_figures(*, partnership: Partnership) -> list[ReleasedFigure]:
    """Each measure's overall average in the latest released round that has it, for staff
    and for families apart (key ``audience:measure``), or why that round hides it."""
    rounds = (
        Round.objects.filter(partnership=partnership, released=True)
        .select_related("report")
        .only("pk", "title", "opens_at", "intended_for", "report__summary")
        .order_by("-opens_at", "-pk")
    )
    figures: dict[str, ReleasedFigure] = {}
    for round_ in rounds:
        summary = round_.report.summary
        cell = summary["total"]
        for measure in summary["measures"]:
            key = f"{round_.intended_for}:{measure['key']}"
            if key in figures:
                continue
            shown = cell is not None and cell["reason"] is None
            figures[key] = ReleasedFigure(
                key=key,
                label=_("Check-ins: %(instrument)s, %(measure)s, %(audience)s")
                % {
                    "instrument": measure["instrument"],
                    "measure": measure["name"],
                    "audience": TREND_AUDIENCES[round_.intended_for],
                },
                value=float(cell["means"][measure["key"]]) if shown else None,
                unit="",
                as_of=_trend_label(round_),
                hidden_because="" if shown else (cell["message"] if cell else ""),
            )
    return sorted(figures.values(), key=lambda figure: figure.label)
