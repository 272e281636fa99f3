"""Subtraction attacks on released reports (issue 8, "Across reports" and "Guests and abuse").

Each test plays the attacker through the real services and selectors: rounds are scheduled,
answered and closed, and the test then tries to work out one person's answers from what the
reports show.

Guests' answers are created as the storage contract says they are stored: a guest's
``Response.attributes`` is exactly ``{"audience": "guest"}`` (the mix and guest rounds, which
write them, are built apart from the reports).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.engines.disclosure._disclosure_oracle import smallest_recoverable_atoms
from tests.pulse.conftest import full_answers
from village.engines.disclosure import Population, Respondent
from village.engines.instruments import get_instrument, score
from village.people import services as people_services
from village.people.models import Agency, Member
from village.pulse import selectors, services
from village.pulse.models import AudienceSnapshot, Participation, ReleasedReport, Response, Round

AUDIENCE, TOOK_PART = "audience", "took_part"  # the stored contract and the report's filters


def _answer(round_: Round, members: list[Member], *, value: int = 3, comment: str = "") -> None:
    for member in members:
        services.response_submit(
            round_=round_,
            member=member,
            browser_key=f"key-{member.pk}",
            answers=full_answers(round_.instruments, value=value),
            comment=comment,
        )


def _guest_answers(
    round_: Round, count: int, *, value: int, comment: str = "", **extra: str
) -> None:
    """Guests' stored answers, as the anonymous storage writes them."""
    scores = {}
    for instrument_id in round_.instruments:
        given = full_answers([instrument_id], value=value)[instrument_id]
        result = score(
            instrument=get_instrument(instrument_id),
            answers={int(k): v for k, v in given.items()},
        )
        scores.update({f"{instrument_id}.{s.id}": round(s.score, 4) for s in result.subscales})
    for _ in range(count):
        Response.objects.create(
            round=round_,
            submitted_on=timezone.localdate(),
            attributes={"audience": "guest", **extra},
            scores=scores,
            answers=full_answers(round_.instruments, value=value),
            comment=comment,
        )


def _everyone(round_: Round) -> Mapping[str, Any]:
    report = selectors.report_for(round_=round_)
    assert report is not None
    return {"shown": report.overall.total.shown, "count": report.overall.total.count}


@pytest.mark.django_db
def test_two_rounds_one_newcomer_apart_cannot_be_subtracted(
    make_round: Callable[..., Round], make_staff: Callable[..., list[Member]], lead: Member
) -> None:
    """Reproduces "two rounds whose audiences differ by one person can be subtracted to
    recover the newcomer's scores": everyone else answers both rounds the same way, so the
    difference of the two rounds' totals would be the newcomer's answers."""
    staff = [lead, *make_staff(10)]
    first = make_round(title="March")
    _answer(first, staff, value=2)
    services.round_close(round_=first, actor=lead)
    assert _everyone(first)["shown"]

    newcomer = make_staff(1)
    second = make_round(title="April")
    _answer(second, staff, value=2)
    _answer(second, newcomer, value=5)
    services.round_close(round_=second, actor=lead)
    data = ReleasedReport.objects.get(round=second).data
    for table in [*data["tables"], *data["rates"]]:
        cells = [table["total"], *table["cells"]]
        assert all(c["reason"] in ("across_rounds", "small_group", "remainder") for c in cells)
    page = client_for(lead).get(reverse("pulse:report", kwargs={"pk": second.pk}))
    assert "covers almost the same people as a group shown in an earlier report" in (
        page.content.decode()
    )

    # Five more people later, the round is far enough from both earlier ones to be shown.
    joined = make_staff(5)
    third = make_round(title="May")
    _answer(third, [*staff, *newcomer, *joined], value=3)
    services.round_close(round_=third, actor=lead)
    assert _everyone(third)["shown"]


def _ground_truth(round_: Round) -> tuple[Population, dict[int, int]]:
    """Everyone asked, with whether they answered: what the reports are really about."""
    answered = set(
        Participation.objects.filter(round=round_, completed=True).values_list(
            "member_id", flat=True
        )
    )
    rows = list(AudienceSnapshot.objects.filter(round=round_).order_by("pk"))
    people = Population.snapshot(
        respondents=[
            Respondent(
                attributes={
                    **row.attributes(),
                    TOOK_PART: "yes" if row.member_id in answered else "no",
                }
            )
            for row in rows
        ]
    )
    return people, {i: row.member_id for i, row in enumerate(rows)}


def _true_group(
    people: Population, conditions: Mapping[str, str], *, answers: bool
) -> frozenset[int]:
    wanted = {k: v for k, v in conditions.items() if k not in (AUDIENCE, TOOK_PART)}
    return frozenset(
        i
        for i, person in enumerate(people.respondents)
        if all(
            person.attributes.get(k, "none" if k == "team" else "unknown") == v
            for k, v in wanted.items()
        )
        and (not answers or person.attributes[TOOK_PART] == "yes")
    )


@pytest.mark.django_db
def test_response_rates_and_scores_cannot_be_subtracted_from_each_other(
    make_round: Callable[..., Round],
    make_staff: Callable[..., list[Member]],
    lead: Member,
    agency: Agency,
) -> None:
    """Reproduces "the response-rate table hid a count that the score table's Everyone row
    then revealed": every figure shown in the score tables and the response-rate table is
    mapped to the people it really counts, and no group under the minimum may follow from
    them all together. Here the rate table hides how many of the 12 asked in social work
    answered (two did not), but the score table shows that 10 did."""
    partnership = agency.partnership
    health = people_services.agency_create(partnership=partnership, name="Health", sector="health")
    police = people_services.agency_create(partnership=partnership, name="Police", sector="police")
    social, nurses, officers = (
        make_staff(11, agency=agency),
        make_staff(12, agency=health),
        make_staff(6, agency=police),
    )
    round_ = make_round()
    _answer(round_, social[:10])
    _answer(round_, nurses)
    _answer(round_, officers)
    services.round_close(round_=round_, actor=lead)
    data = ReleasedReport.objects.get(round=round_).data
    people, _ids = _ground_truth(round_)

    groups = []
    for table, answers in [(t, True) for t in data["tables"]] + [
        (t, t["query"]["filters"].get(TOOK_PART) == "yes") for t in data["rates"]
    ]:
        if table["query"]["filters"].get(AUDIENCE) == "guest":
            continue
        filters = dict(table["query"]["filters"])
        if table["total"]["reason"] is None:
            groups.append(_true_group(people, filters, answers=answers))
        for cell in table["cells"]:
            if cell["reason"] is None:
                conditions = {
                    **filters,
                    **dict(zip(table["query"]["breakdown"], cell["key"], strict=True)),
                }
                groups.append(_true_group(people, conditions, answers=answers))
    assert len(groups) > 5
    assert smallest_recoverable_atoms(people, groups, data["minimum"]) is None


@pytest.mark.django_db
def test_guests_cannot_pad_a_round_of_one_to_read_that_person(
    make_round: Callable[..., Round], make_staff: Callable[..., list[Member]], lead: Member
) -> None:
    """Reproduces the guest subtraction: a round asked of one person, answered many times as
    a guest with known answers, showed the person's scores by subtraction and, with nine guest
    comments, the person's own comment word for word."""
    solo_agency = people_services.agency_create(
        partnership=lead.partnership, name="Solo", sector="other"
    )
    (person,) = make_staff(1, agency=solo_agency)
    round_ = make_round(audience_agencies=[solo_agency])
    _answer(round_, [person], value=5, comment="I am struggling with my drinking")
    _guest_answers(round_, 9, value=1, comment="Guest padding")
    services.round_close(round_=round_, actor=lead)

    report = selectors.report_for(round_=round_)
    assert report is not None
    assert not report.overall.total.shown  # one member: hidden, not padded by guests
    assert report.guests is not None and report.guests.total.shown
    # The guests' average is exactly their own known answers: the member is not mixed in.
    data = ReleasedReport.objects.get(round=round_).data
    guests = next(t for t in data["tables"] if t["query"]["filters"].get(AUDIENCE) == "guest")
    known = next(r for r in Response.objects.filter(round=round_) if r.comment == "Guest padding")
    assert guests["total"]["means"] == {k: round(v, 1) for k, v in known.scores.items()}
    client = client_for(lead)
    for name in ("pulse:report", "pulse:report_print", "pulse:report_csv"):
        page = client.get(reverse(name, kwargs={"pk": round_.pk})).content.decode()
        assert "drinking" not in page
        assert "Guest padding" not in page  # nine guest comments: under the minimum of ten


@pytest.mark.django_db
def test_a_guests_own_agency_and_role_are_never_used(
    make_round: Callable[..., Round],
    make_staff: Callable[..., list[Member]],
    lead: Member,
    agency: Agency,
) -> None:
    staff = make_staff(6, agency=agency)
    health = people_services.agency_create(
        partnership=agency.partnership, name="Health", sector="health"
    )
    make_staff(5, agency=health)  # asked too: the lone partner lead hides among them
    round_ = make_round()
    _answer(round_, staff)
    _guest_answers(round_, 6, value=1, agency=str(agency.pk), role="staff")
    services.round_close(round_=round_, actor=lead)
    data = ReleasedReport.objects.get(round=round_).data
    by_agency = next(t for t in data["tables"] if t["query"]["breakdown"] == ["agency"])
    shown = {c["key"][0]: c["count"] for c in by_agency["cells"] if c["reason"] is None}
    assert shown.get(str(agency.pk)) == 5  # six members, rounded; the six guests are not there
