"""The attack: on the demo partnership (teams of 2-6 people), ask for every report page, every
filter the report offers, the print view, the CSV export and the trends page, through the real
views; collect every count they release; and show, with the engine's exact checker and the
tests' independent oracle, that no group smaller than the minimum can be worked out by
combining them in any way (sums, differences, totals minus cells, across tables and filters,
response rates against scores), nor by subtracting one round's figures from another's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.engines.disclosure._disclosure_oracle import exact_counts_are_safe
from tests.pulse.conftest import full_answers
from village.demo import demo_load
from village.engines.disclosure import LogEntry, Population, find_small_group, unpack_audiences
from village.people import services as people_services
from village.people.models import Constituency, Member, Role
from village.pulse import reports, selectors, services
from village.pulse.models import ReleasedReport, Round


@pytest.fixture
def demo() -> list[Round]:
    demo_load()
    return list(Round.objects.filter(released=True, intended_for="staff").order_by("pk"))


def _everything_a_manager_can_ask_for(round_: Round) -> list[str]:
    """Fetch every page and export for this round, with every filter value offered."""
    lead = Member.objects.get(user__username="lead@demo.village")
    client = client_for(lead)
    report_url = reverse("pulse:report", kwargs={"pk": round_.pk})
    page = client.get(report_url)
    assert page.status_code == 200
    agencies = [key for key, _label in page.context["report"].agencies]
    assert len(agencies) >= 5
    seen = [page.content.decode()]
    for agency in agencies:
        for name in ("pulse:report", "pulse:report_print"):
            url = reverse(name, kwargs={"pk": round_.pk})
            response = client.get(url, {"agency": agency})
            assert response.status_code == 200
            seen.append(response.content.decode())
    seen.append(
        client.get(reverse("pulse:report_print", kwargs={"pk": round_.pk})).content.decode()
    )
    seen.append(client.get(reverse("pulse:report_csv", kwargs={"pk": round_.pk})).content.decode())
    seen.append(client.get(reverse("pulse:trends")).content.decode())
    return seen


def _groups(population: Population, tables: list[Mapping[str, Any]]) -> list[np.ndarray]:
    """Every released (shown) cell, as the set of respondents it counts."""
    groups = []
    for table in tables:
        filters = dict(table["query"]["filters"])
        breakdown = table["query"]["breakdown"]
        if table["total"]["reason"] is None:
            groups.append(population.mask(filters))
        for cell in table["cells"]:
            if cell["reason"] is None:
                conditions = {**filters, **dict(zip(breakdown, cell["key"], strict=True))}
                groups.append(population.mask(conditions))
    return groups


def _as_sets(groups: list[np.ndarray]) -> list[frozenset[int]]:
    return [frozenset(int(i) for i in np.flatnonzero(g)) for g in groups]


@pytest.mark.django_db
def test_no_small_group_can_be_derived_from_everything_the_reports_offer(
    demo: list[Round],
) -> None:
    assert len(demo) == 2
    for round_ in demo:
        pages = _everything_a_manager_can_ask_for(round_)
        data = ReleasedReport.objects.get(round=round_).data
        minimum = data["minimum"]

        # Every number in the CSV export is one of the released cells, and vice versa.
        rows = list(csv.reader(io.StringIO(pages[-2])))[1:]
        exported = {(r[0], r[1], r[2], r[3]) for r in rows if r[0] not in ("Comment",)}
        expected = {
            (r[0], r[1], r[2], str(r[3]))
            for r in selectors.report_csv_rows(round_=round_)
            if r[0] != "Comment"
        }
        assert exported == expected

        # The population as the guard saw it (small teams already rolled up): answers and
        # the members asked who did not answer, so rates and scores are checked together.
        guard = reports.report_guard(round_)
        population = guard.population
        teams = population.domains["team"]
        sizes = {t: int(population.mask({"team": t}).sum()) for t in teams}
        # Stored attributes are coarsened until every combination has `minimum` people in
        # the snapshot, so no team cell is small; the rolled-up teams are still there.
        assert sizes and all(size == 0 or size >= minimum for size in sizes.values())

        groups = _groups(population, [*data["tables"], *data["rates"]])
        assert len(groups) > 20
        assert find_small_group(groups, minimum=minimum) is None
        assert exact_counts_are_safe(population, _as_sets(groups), minimum)
        # The checker has teeth: releasing a group of one beside them would be caught.
        one = np.zeros_like(population.mask({"team": teams[0]}))
        one[0] = True
        leaked = [*groups, one]
        assert find_small_group(leaked, minimum=minimum) is not None

        # Hidden cells are explained on the pages, in plain words.
        assert any("so it is hidden to protect their privacy" in page for page in pages)


def _audiences(round_: Round) -> list[np.ndarray]:
    data = ReleasedReport.objects.get(round=round_).data
    return reports.released_audiences(data, reports.round_audience(round_))


def _near_pairs(rounds: list[Round], minimum: int) -> int:
    """Pairs of groups from different rounds whose people differ by 1 to minimum - 1."""
    found = 0
    for i, first in enumerate(rounds):
        for second in rounds[i + 1 :]:
            for a in _audiences(first):
                for b in _audiences(second):
                    differ = np.setxor1d(a, b).size
                    found += int(0 < differ < minimum)
    return found


@pytest.mark.django_db
def test_no_round_can_be_subtracted_from_another(demo: list[Round]) -> None:
    """Cross-round differencing: the demo's rounds, then a new round asked of everyone plus
    one newcomer, answered by all; no two groups shown in different rounds may cover
    people who differ by fewer than the minimum."""
    lead = Member.objects.get(user__username="lead@demo.village")
    minimum = lead.partnership.min_group_size
    assert _near_pairs(demo, minimum) == 0
    user = get_user_model().objects.create_user(username="new@demo.village")
    people_services.member_create(
        partnership=lead.partnership,
        user=user,
        display_name="Newcomer",
        roles=[Role.STAFF],
        constituency=Constituency.FRONTLINE,
        agency=lead.agency,
    )
    later = services.round_schedule(
        partnership=lead.partnership,
        created_by=lead,
        title="Winter check-in",
        instruments=list(services.DEFAULT_INSTRUMENTS),
        opens_at=timezone.now() - timedelta(minutes=1),
        closes_at=timezone.now() + timedelta(days=1),
        notify=False,
    )
    for member in services.audience_members(later):
        services.response_submit(
            round_=later,
            member=member,
            browser_key=f"winter-{member.pk}",
            answers=full_answers(later.instruments),
        )
    services.round_close(round_=later, actor=lead)
    report = selectors.report_for(round_=later)
    assert report is not None and not report.overall.total.shown
    assert _near_pairs([*demo, later], minimum) == 0


@pytest.mark.django_db
def test_the_same_report_whoever_looks_first(demo: list[Round]) -> None:
    """Tables were released once at close: viewing in any order changes nothing."""
    round_ = demo[0]
    before = ReleasedReport.objects.get(round=round_).data
    _everything_a_manager_can_ask_for(round_)
    assert ReleasedReport.objects.get(round=round_).data == before
    rebuilt = reports.report_guard(
        round_,
        history=[LogEntry.from_dict(entry) for entry in before["history"]],
    )
    assert [e.to_dict() for e in rebuilt.history] == before["history"]


def _as_set(audiences: list[np.ndarray]) -> set[bytes]:
    return {audience.tobytes() for audience in audiences}


@pytest.mark.django_db
def test_each_report_stores_the_audiences_its_tables_showed(demo: list[Round]) -> None:
    """The stored ledger is the one rebuilt from the report's tables and its snapshot, so
    reading it back instead of rebuilding it hides exactly the same cells."""
    assert len(demo) >= 2
    for round_ in demo:
        packed = bytes(ReleasedReport.objects.get(round=round_).audiences)
        stored = unpack_audiences(packed)
        assert stored, "a released report with shown groups stores their audiences"
        assert _as_set(stored) == _as_set(_audiences(round_))


@pytest.mark.django_db
def test_reports_released_before_the_ledger_was_stored_still_count(demo: list[Round]) -> None:
    """A report with no stored audiences (released by an older Village) is rebuilt, so a
    new round is checked against it just the same."""
    latest = demo[-1]
    with_stored = reports.ledger_for(latest)
    ReleasedReport.objects.exclude(round=latest).update(audiences=b"")
    rebuilt = reports.ledger_for(latest)
    assert len(with_stored) == len(rebuilt) > 0
    decisions = []
    for audience in _audiences(demo[0]):
        for candidate in (audience, audience[1:]):  # the same people, and one fewer
            assert with_stored.near(candidate) == rebuilt.near(candidate)
            decisions.append(rebuilt.near(candidate))
    assert True in decisions and False in decisions
