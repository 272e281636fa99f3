"""Career stage as a lens on the check-in report (issue 13, item 6): shown by stage when
every stage shown has at least the minimum group size, hidden below it, and never by
subtraction (the other stages from the total, or one agency's stages from another table).
Career stage is taken when the round opens (the audience snapshot) and stored on an answer
only coarsened, as docs/privacy.md says."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.engines.disclosure._disclosure_oracle import exact_counts_are_safe
from tests.pulse.conftest import full_answers
from village.engines.disclosure import Population, find_small_group
from village.people.models import CareerStage, Member
from village.pulse import reports, services
from village.pulse.models import ReleasedReport, Response, Round

STAGE = "career_stage"


def _staged(members: list[Member], stage: str) -> list[Member]:
    Member.objects.filter(pk__in=[m.pk for m in members]).update(career_stage=stage)
    return members


def _answer_and_close(round_: Round, members: list[Member], lead: Member) -> dict[str, Any]:
    for member in members:
        services.response_submit(
            round_=round_,
            member=member,
            browser_key=f"key-{member.pk}",
            answers=full_answers(round_.instruments, value=3),
            comment="",
        )
    services.round_close(round_=round_, actor=lead)
    return ReleasedReport.objects.get(round=round_).data


def _stage_tables(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [t for t in data["tables"] if STAGE in t["query"]["breakdown"]]


def _shown(population: Population, tables: list[Mapping[str, Any]]) -> list[np.ndarray]:
    """Every released cell and total, as the set of answers it counts."""
    groups = []
    for table in tables:
        filters = dict(table["query"]["filters"])
        if table["total"]["reason"] is None:
            groups.append(population.mask(filters))
        for cell in table["cells"]:
            if cell["reason"] is None:
                key = dict(zip(table["query"]["breakdown"], cell["key"], strict=True))
                groups.append(population.mask({**filters, **key}))
    return groups


@pytest.mark.django_db
def test_career_stages_big_enough_are_shown(
    make_round: Callable[..., Round], make_staff: Callable[..., list[Member]], lead: Member
) -> None:
    _staged([lead], CareerStage.ESTABLISHED)
    new = _staged(make_staff(6), CareerStage.NEW)
    established = _staged(make_staff(10), CareerStage.ESTABLISHED)
    nearing = _staged(make_staff(6), CareerStage.NEARING_RETIREMENT)
    round_ = make_round()
    data = _answer_and_close(round_, [lead, *new, *established, *nearing], lead)
    (table,) = [t for t in _stage_tables(data) if t["query"]["filters"] == reports.MEMBERS]
    shown = {c["key"][0]: c["count"] for c in table["cells"] if c["reason"] is None}
    # The engine may hide one more group so none can be subtracted; two stages still show.
    assert len(set(shown) & set(CareerStage.values)) >= 2
    assert all(count >= data["minimum"] for count in shown.values())
    page = client_for(lead).get(reverse("pulse:report", kwargs={"pk": round_.pk}))
    text = page.content.decode()
    assert "Career stage" in text
    assert "Nearing retirement" in text


@pytest.mark.django_db
def test_a_small_career_stage_is_hidden_and_cannot_be_subtracted(
    make_round: Callable[..., Round], make_staff: Callable[..., list[Member]], lead: Member
) -> None:
    """Two people nearing retirement among seventeen: their stage is coarsened on their
    answers, their cell is hidden, and the total minus the stages shown gives no group
    smaller than the minimum (a second cell is hidden too, or the total)."""
    _staged([lead], CareerStage.ESTABLISHED)
    new = _staged(make_staff(6), CareerStage.NEW)
    established = _staged(make_staff(8), CareerStage.ESTABLISHED)
    nearing = _staged(make_staff(2), CareerStage.NEARING_RETIREMENT)
    round_ = make_round()
    data = _answer_and_close(round_, [lead, *new, *established, *nearing], lead)
    minimum = data["minimum"]
    assert len(nearing) < minimum

    # Stored answers never carry the small stage: it is coarsened to unknown.
    stored = [r.attributes.get(STAGE) for r in Response.objects.filter(round=round_)]
    assert CareerStage.NEARING_RETIREMENT not in stored

    population = reports.report_guard(round_).population
    tables = _stage_tables(data)
    assert tables
    for table in tables:
        for cell in table["cells"]:
            if cell["reason"] is None:
                assert cell["count"] >= minimum
    everything = _shown(population, [*data["tables"], *data["rates"]])
    assert find_small_group(everything, minimum=minimum) is None
    sets = [frozenset(int(i) for i in np.flatnonzero(g)) for g in everything]
    assert exact_counts_are_safe(population, sets, minimum)
    # Counts are rounded, so the check above is on the true groups; here, what a reader sees:
    # the stage of the two is not shown, and the unknown group they were coarsened into only
    # when it truly holds at least the minimum.
    (overall,) = [t for t in tables if t["query"]["filters"] == reports.MEMBERS]
    cells = {c["key"][0]: c for c in overall["cells"]}
    assert (
        cells["nearing_retirement"]["reason"] is not None
        or not cells["nearing_retirement"]["count"]
    )
    if cells["unknown"]["reason"] is None:
        true = population.mask({**reports.MEMBERS, STAGE: "unknown"})
        assert int(true.sum()) >= minimum
