"""Turning a round's rows into the disclosure engine's inputs, and releasing its report.

One guard releases everything in a round's report, over one population: every member's
answers, every guest's answers, and every member asked who did not answer (counted, never
averaged). Scores, response rates and comments are all groups of that population, so the
audit sees them together and no table can be subtracted from another. Guests are a group of
their own (``GUESTS``): never in a member cell, never in the members' "Everyone", and never
broken down by the agency or role they chose for themselves.

Across rounds, the guard is given a ledger: the audience (the members asked who match) of
every group shown in the partnership's earlier reports, rebuilt from those reports and
their audience snapshots. A group whose audience differs from one of those by fewer than the
minimum is refused.

The engine's results depend on what was released before, and releasing is the slow step, so a
round's standard tables are released once, in the fixed order of ``standard_queries``, when
the round closes; the result is stored as plain JSON (``ReleasedReport.data``) and every page
and export afterwards only reads it. Nothing here writes to the database.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from village.engines.disclosure import (
    Audience,
    Cell,
    CommentTable,
    DisclosureGuard,
    Ids,
    Ledger,
    LogEntry,
    Population,
    Query,
    Respondent,
    Table,
    pack_audiences,
    unpack_audiences,
)
from village.engines.instruments import Band, get_instrument
from village.engines.instruments.loader import raw_range
from village.people.models import CareerStage, Partnership, Role, Sector
from village.people.selectors import agencies_for, disclosure_policy, teams_for
from village.pulse.models import (
    NO_TEAM,
    NOT_GIVEN,
    ReleasedReport,
    Response,
    Round,
)
from village.pulse.services import stored_member_attributes

DIMENSIONS: tuple[str, ...] = ("agency", "sector", "role", "career_stage", "team")
WITHIN_AGENCY: tuple[str, ...] = ("role", "career_stage", "team")
COMMENT_QUESTION = "comment"
AUDIENCE, MEMBER, GUEST = "audience", "member", "guest"
TOOK_PART = "took_part"
YES, NO = "yes", "no"
MEMBERS: dict[str, str] = {AUDIENCE: MEMBER, TOOK_PART: YES}  # members who answered
GUESTS: dict[str, str] = {AUDIENCE: GUEST, TOOK_PART: YES}
ASKED: dict[str, str] = {AUDIENCE: MEMBER}  # every member asked, answered or not
STRUCTURAL: tuple[str, ...] = (AUDIENCE, TOOK_PART)
VERSION = 2


@dataclass(frozen=True)
class Measure:
    """One subscale of one instrument, as a score column: ``<instrument>.<subscale>``."""

    key: str
    instrument: str
    name: str
    minimum: float
    maximum: float
    higher_is: str


@dataclass(frozen=True)
class BandSet:
    """A banded subscale, reported as an attribute whose values are its band ids."""

    attribute: str
    measure: str
    bands: tuple[Band, ...]


def measures_for(instrument_ids: Iterable[str]) -> list[Measure]:
    measures = []
    for instrument_id in instrument_ids:
        instrument = get_instrument(instrument_id)
        for subscale in instrument.subscales:
            low, high = _range(instrument_id, subscale.id)
            measures.append(
                Measure(
                    key=f"{instrument_id}.{subscale.id}",
                    instrument=instrument.short_name,
                    name=subscale.name,
                    minimum=low,
                    maximum=high,
                    higher_is=subscale.higher_is,
                )
            )
    return measures


def _range(instrument_id: str, subscale_id: str) -> tuple[float, float]:
    instrument = get_instrument(instrument_id)
    subscale = next(s for s in instrument.subscales if s.id == subscale_id)
    low, high = raw_range(instrument, subscale)
    if subscale.conversion is not None:
        low, high = subscale.conversion[round(low)], subscale.conversion[round(high)]
    return float(low), float(high)


def band_sets_for(instrument_ids: Iterable[str]) -> list[BandSet]:
    sets = []
    for instrument_id in instrument_ids:
        for subscale in get_instrument(instrument_id).subscales:
            if subscale.bands:
                key = f"{instrument_id}.{subscale.id}"
                sets.append(BandSet(attribute=f"band:{key}", measure=key, bands=subscale.bands))
    return sets


def band_of(band_set: BandSet, score: float) -> str:
    for band in band_set.bands:
        if band.contains(score):
            return band.id
    return NOT_GIVEN


def domains_for(*, partnership: Partnership, band_sets: Sequence[BandSet]) -> dict[str, list[str]]:
    """Every value each attribute can take, so empty groups show as hidden, not missing."""
    domains = {
        "agency": [str(a.pk) for a in agencies_for(partnership=partnership)] + [NOT_GIVEN],
        "sector": [*Sector.values, NOT_GIVEN],
        "role": [*Role.values, NOT_GIVEN],
        "career_stage": [*CareerStage.values, NOT_GIVEN],
        "team": [str(t.pk) for t in teams_for(partnership=partnership)] + [NO_TEAM],
        AUDIENCE: [MEMBER, GUEST],
        TOOK_PART: [YES, NO],
    }
    for band_set in band_sets:
        domains[band_set.attribute] = [b.id for b in band_set.bands] + [NOT_GIVEN]
    return domains


def labels_for(*, partnership: Partnership, band_sets: Sequence[BandSet]) -> dict[str, Any]:
    not_given = _("Not given")
    labels: dict[str, dict[str, str]] = {
        "agency": {str(a.pk): a.name for a in agencies_for(partnership=partnership)},
        "sector": {value: str(label) for value, label in Sector.choices},
        "role": {value: str(label) for value, label in Role.choices},
        "career_stage": {value: str(label) for value, label in CareerStage.choices},
        "team": {str(t.pk): t.name for t in teams_for(partnership=partnership)},
    }
    labels["team"][NO_TEAM] = _("No team recorded")
    for band_set in band_sets:
        labels[band_set.attribute] = {b.id: b.label for b in band_set.bands}
    for values in labels.values():
        values.setdefault(NOT_GIVEN, not_given)
    return labels


def team_parents(*, partnership: Partnership) -> dict[str, str | None]:
    parents: dict[str, str | None] = {
        str(t.pk): (str(t.parent_id) if t.parent_id else None)
        for t in teams_for(partnership=partnership)
    }
    parents[NO_TEAM] = None
    return parents


def _clean(attributes: Mapping[str, str], domains: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """A member's reported attributes; a value no longer in the partnership (a deleted
    agency) counts as not given, and no team as ``NO_TEAM``."""
    cleaned = {
        name: attributes[name] if attributes.get(name) in domains[name] else NOT_GIVEN
        for name in DIMENSIONS
    }
    if cleaned["team"] == NOT_GIVEN:
        cleaned["team"] = NO_TEAM
    return cleaned


def _is_guest(stored: Mapping[str, str]) -> bool:
    """Rows stored before guests were marked are members' (a migration marks old rows)."""
    return stored.get(AUDIENCE, MEMBER) == GUEST


def response_population(
    round_: Round, stored: Mapping[int, Mapping[str, str]] | None = None
) -> Population:
    """Everyone the round's report is about: members' and guests' answers, and each member
    asked who did not answer. A guest's own description of themselves is never used.

    `stored` is stored_member_attributes(round_), when the caller already has it.
    """
    band_sets = band_sets_for(round_.instruments)
    domains = domains_for(partnership=round_.partnership, band_sets=band_sets)
    unknown = _clean({}, domains)
    respondents = []
    rows = Response.objects.filter(round=round_).order_by("id")
    for stored_attributes, scores, comment in rows.values_list("attributes", "scores", "comment"):
        guest = _is_guest(stored_attributes)
        attributes = {
            **(unknown if guest else _clean(stored_attributes, domains)),
            AUDIENCE: GUEST if guest else MEMBER,
            TOOK_PART: YES,
        }
        for band_set in band_sets:
            attributes[band_set.attribute] = band_of(band_set, float(scores[band_set.measure]))
        comment = comment.strip()
        respondents.append(
            Respondent(
                attributes=attributes,
                scores={key: float(value) for key, value in scores.items()},
                comments={COMMENT_QUESTION: comment} if comment else {},
            )
        )
    answered = _answered(round_)
    bands = {band_set.attribute: NOT_GIVEN for band_set in band_sets}
    asked = stored_member_attributes(round_) if stored is None else stored
    for member_id, stored_attributes in sorted(asked.items()):
        if member_id not in answered:
            attributes = {
                **_clean(stored_attributes, domains),
                AUDIENCE: MEMBER,
                TOOK_PART: NO,
                **bands,
            }
            respondents.append(Respondent(attributes=attributes))
    return Population.snapshot(respondents=respondents, domains=domains)


def _answered(round_: Round) -> set[int]:
    return set(
        round_.participations.filter(completed=True, member__isnull=False).values_list(
            "member_id", flat=True
        )
    )


def round_audience(
    round_: Round, stored: Mapping[int, Mapping[str, str]] | None = None
) -> Audience:
    """The members asked, as snapshotted when the round opened and coarsened as their answers
    are stored, with their member ids (`stored` as in response_population)."""
    domains = domains_for(partnership=round_.partnership, band_sets=())
    asked = stored_member_attributes(round_) if stored is None else stored
    return Audience.of(
        (member_id, {**_clean(attributes, domains), AUDIENCE: MEMBER})
        for member_id, attributes in asked.items()
    )


def released_audiences(data: Mapping[str, Any], audience: Audience) -> list[Ids]:
    """The audience of every group a released report showed, rebuilt from its tables."""
    audience = audience.mapped("team", data.get("reported_as", {}).get("team", {}))
    found = []
    for table in [*data.get("tables", []), *data.get("rates", [])]:
        filters = dict(table["query"]["filters"])
        cells = [(table["total"], filters)] + [
            (cell, {**filters, **dict(zip(table["query"]["breakdown"], cell["key"], strict=True))})
            for cell in table["cells"]
        ]
        found += [audience.covered(c) for cell, c in cells if cell["reason"] is None]
    return found


def ledger_for(round_: Round) -> Ledger:
    """What the partnership's reports released before this round's showed, by the people
    each group was about (so rebuilding an old report later gives the same result).

    Each report stores its own audiences when it is released; a report released before
    they were stored has them rebuilt from its tables and its round's snapshot."""
    audiences: list[Ids] = []
    earlier = ReleasedReport.objects.filter(round__partnership=round_.partnership).exclude(
        round=round_
    )
    own = ReleasedReport.objects.filter(round=round_).values_list("pk", flat=True).first()
    if own is not None:
        earlier = earlier.filter(pk__lt=own)
    for pk, packed in earlier.values_list("pk", "audiences"):
        if packed:
            audiences += unpack_audiences(bytes(packed))
        else:
            report = ReleasedReport.objects.select_related("round").get(pk=pk)
            audiences += released_audiences(report.data, round_audience(report.round))
    return Ledger(minimum=disclosure_policy(round_.partnership).minimum, audiences=audiences)


def members_filter(data: Mapping[str, Any]) -> dict[str, str]:
    """The filter of members' answers; reports released before guests were split had none."""
    return dict(MEMBERS) if data.get("version", 1) >= 2 else {}


def find_table(
    tables: Sequence[Mapping[str, Any]], *, breakdown: Sequence[str], filters: Mapping[str, str]
) -> Mapping[str, Any] | None:
    for table in tables:
        query = table["query"]
        if list(query["breakdown"]) == list(breakdown) and dict(query["filters"]) == dict(filters):
            return table
    return None


def report_summary(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the trends page needs from a released report, stored beside it when it is
    released: the measures and the members' overall cell (a few hundred bytes, where the
    whole report is megabytes for a large round)."""
    overall = find_table(data["tables"], breakdown=[], filters=members_filter(data))
    return {"measures": data["measures"], "total": overall["total"] if overall else None}


def _without_comments(cell: Mapping[str, Any]) -> dict[str, Any]:
    return {**cell, "comments": [], "deleted": cell.get("deleted", 0) + len(cell["comments"])}


def comments_deleted(data: Mapping[str, Any]) -> dict[str, Any]:
    """The report with every comment's text taken out (retention) and everything else kept:
    each comment group keeps how many comments it showed."""
    kept = dict(data)
    for key in ("comments", "guest_comments"):
        if data.get(key):
            kept[key] = {
                **data[key],
                "cells": [
                    {
                        **cell,
                        "comments": [],
                        "deleted": cell.get("deleted", 0) + len(cell["comments"]),
                    }
                    for cell in data[key]["cells"]
                ],
            }
    return kept


def standard_queries(
    *, measures: Sequence[str], band_sets: Sequence[BandSet], agencies: Sequence[str]
) -> list[Query]:
    """The fixed order the report's tables are released in: members who answered, each
    breakdown, band spreads, breakdowns within each agency (the report's agency filter),
    then guests as one group, then how many members were asked (overall and by agency)."""
    queries = [Query.of(filters=MEMBERS, measures=measures)]
    queries += [Query.of(breakdown=[d], filters=MEMBERS, measures=measures) for d in DIMENSIONS]
    queries += [Query.of(breakdown=[b.attribute], filters=MEMBERS) for b in band_sets]
    for agency in agencies:
        queries += [
            Query.of(breakdown=[d], filters={**MEMBERS, "agency": agency}, measures=measures)
            for d in WITHIN_AGENCY
        ]
    queries.append(Query.of(filters=GUESTS, measures=measures))
    return queries


def rate_queries() -> list[Query]:
    """How many were asked; how many answered is the members' tables' own counts."""
    return [Query.of(filters=ASKED), Query.of(breakdown=["agency"], filters=ASKED)]


def cell_dict(cell: Cell) -> dict[str, Any]:
    return {
        "key": list(cell.key),
        "count": cell.count,
        "means": dict(cell.means),
        "reason": str(cell.suppression.code) if cell.suppression else None,
        "message": cell.suppression.message if cell.suppression else "",
    }


def table_dict(table: Table) -> dict[str, Any]:
    return {
        "query": table.query.to_dict(),
        "note": table.note,
        "total": cell_dict(table.total),
        "cells": [cell_dict(cell) for cell in table.cells],
    }


def comments_dict(table: CommentTable, *, seed: int) -> dict[str, Any]:
    """Comments shuffled with a seed fixed per round: never in time order, same every view."""
    cells = []
    for cell in table.cells:
        comments = list(cell.comments)
        random.Random(seed).shuffle(comments)
        cells.append(
            {
                "key": list(cell.key),
                "comments": comments,
                "reason": str(cell.suppression.code) if cell.suppression else None,
                "message": cell.suppression.message if cell.suppression else "",
            }
        )
    return {"query": table.query.to_dict(), "cells": cells}


def report_guard(round_: Round, history: Sequence[LogEntry] = ()) -> DisclosureGuard:
    """The one guard over everything a round's report releases, with the earlier reports'
    audiences as its ledger."""
    stored = stored_member_attributes(round_)
    return DisclosureGuard(
        population=response_population(round_, stored),
        policy=disclosure_policy(round_.partnership),
        hierarchies={"team": team_parents(partnership=round_.partnership)},
        history=history,
        structural=STRUCTURAL,
        audience=round_audience(round_, stored),
        ledger=ledger_for(round_),
    )


@dataclass(frozen=True)
class Released:
    """A released report: its tables as JSON, and its packed audiences for the ledger."""

    data: dict[str, Any]
    audiences: bytes


def release(round_: Round) -> Released:
    """Release every standard table of a closed round once, in a fixed order, as JSON."""
    partnership = round_.partnership
    measures = measures_for(round_.instruments)
    band_sets = band_sets_for(round_.instruments)
    agencies = [str(a.pk) for a in agencies_for(partnership=partnership)]
    guard = report_guard(round_)
    keys = [m.key for m in measures]
    tables = [
        table_dict(guard.table(query))
        for query in standard_queries(measures=keys, band_sets=band_sets, agencies=agencies)
    ]
    comments = guest_comments = None
    if round_.comment_question:
        comments = comments_dict(
            guard.comments(question=COMMENT_QUESTION, query=Query.of(filters=MEMBERS)),
            seed=round_.pk,
        )
        guest_comments = comments_dict(
            guard.comments(question=COMMENT_QUESTION, query=Query.of(filters=GUESTS)),
            seed=round_.pk,
        )
    rate_tables = [table_dict(guard.table(query)) for query in rate_queries()]
    data = {
        "version": VERSION,
        "minimum": guard.policy.minimum,
        "comment_minimum": guard.policy.comment_minimum,
        "note": guard.policy.note,
        "measures": [m.__dict__ for m in measures],
        "bands": [
            {
                "attribute": b.attribute,
                "measure": b.measure,
                "bands": [
                    {"id": x.id, "label": x.label, "low": x.low, "high": x.high} for x in b.bands
                ],
            }
            for b in band_sets
        ],
        "labels": labels_for(partnership=partnership, band_sets=band_sets),
        "rolled_up": sorted(
            {
                reported
                for team, reported in guard.reported_as.get("team", {}).items()
                if team != reported
            }
        ),
        "reported_as": {name: dict(mapping) for name, mapping in guard.reported_as.items()},
        "guests": bool(guard.population.mask(GUESTS).any()),
        "tables": tables,
        "comments": comments,
        "guest_comments": guest_comments,
        "rates": rate_tables,
        "history": [entry.to_dict() for entry in guard.history],
        "audit": {
            "checks": guard.audit_stats.checks,
            "breaches": guard.audit_stats.breaches,
            "undecided": guard.audit_stats.undecided,
            "earlier_groups": len(guard.ledger) if guard.ledger is not None else 0,
        },
    }
    return Released(data=data, audiences=pack_audiences(guard.released_audiences))
