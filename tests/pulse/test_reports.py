"""Report pages, CSV export, print view and trends read only the released tables."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.pulse.conftest import full_answers
from village.people import services as people_services
from village.people.models import Agency, Member
from village.pulse import selectors, services
from village.pulse.models import Response, Round


def _respond(round_: Round, members: list[Member], *, comment: str = "") -> None:
    """Each member answers (they were in the audience when the round opened)."""
    start = Response.objects.count()
    for i, member in enumerate(members, start):
        services.response_submit(
            round_=round_,
            member=member,
            browser_key=f"member-{i}",
            answers=full_answers(round_.instruments, value=1 + i % 5),
            comment=f"{comment} {i}" if comment else "",
        )


@pytest.fixture
def reported(
    make_round: Callable[..., Round],
    make_staff: Callable[..., list[Member]],
    lead: Member,
    agency: Agency,
) -> Round:
    small = people_services.agency_create(
        partnership=agency.partnership, name="Tiny Housing", sector="housing"
    )
    big, tiny = make_staff(12, agency=agency), make_staff(2, agency=small)
    round_ = make_round()
    _respond(round_, big, comment='=HYPERLINK("http://x")')
    _respond(round_, tiny)
    return services.round_close(round_=round_, actor=lead)


def test_report_shows_big_groups_and_explains_hidden_ones(reported: Round, lead: Member) -> None:
    page = client_for(lead).get(reverse("pulse:report", kwargs={"pk": reported.pk}))
    content = page.content.decode()
    assert "Northshire Social Work" in content and "Tiny Housing" in content
    assert "Fewer than 5 people answered in this group" in content
    assert 'role="img"' in content and "aria-label=" in content
    assert "Groups of fewer than 5 people are not shown" in content


def test_comments_are_shown_only_when_enough_people_wrote_one(
    make_round: Callable[..., Round], make_staff: Callable[..., list[Member]], lead: Member
) -> None:
    staff = make_staff(12)
    few = make_round(title="Few")
    _respond(few, staff[:9], comment="Nine of us")
    _respond(few, staff[9:])
    services.round_close(round_=few, actor=lead)
    report = selectors.report_for(round_=few)
    assert report is not None and report.comments is not None
    assert report.comments.comments == ()
    assert "Fewer than 10 people wrote a comment" in report.comments.message
    many = make_round(title="Many")
    _respond(many, staff[:10], comment="Ten of us")
    services.round_close(round_=many, actor=lead)
    shown = selectors.report_for(round_=many)
    assert shown is not None and shown.comments is not None
    assert len(shown.comments.comments) == 10
    assert list(shown.comments.comments) != sorted(shown.comments.comments)  # shuffled


def test_csv_goes_through_the_same_tables_and_neutralises_formulas(
    reported: Round, lead: Member
) -> None:
    response = client_for(lead).get(reverse("pulse:report_csv", kwargs={"pk": reported.pk}))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == selectors.CSV_HEADER
    comments = [row for row in rows if row[0] == "Comment"]
    assert len(comments) == 12
    assert all(row[5].startswith("'=HYPERLINK") for row in comments)
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    hidden = [row for row in rows if row[2] == "Tiny Housing"]
    assert hidden and all(row[3] == "" and row[6] for row in hidden), "hidden, with a reason"


def test_agency_names_that_look_like_formulas_are_neutralised(
    make_round: Callable[..., Round],
    make_staff: Callable[..., list[Member]],
    lead: Member,
    agency: Agency,
) -> None:
    evil = people_services.agency_create(
        partnership=agency.partnership, name="=cmd|'/c calc'!A1", sector="other"
    )
    answering = make_staff(6, agency=evil) + make_staff(6, agency=agency)
    round_ = make_round()
    _respond(round_, answering)
    services.round_close(round_=round_, actor=lead)
    content = client_for(lead).get(reverse("pulse:report_csv", kwargs={"pk": round_.pk}))
    assert "'=cmd|" in content.content.decode()


def test_agency_filter_and_print_view(reported: Round, lead: Member, agency: Agency) -> None:
    client = client_for(lead)
    url = reverse("pulse:report", kwargs={"pk": reported.pk})
    filtered = client.get(url, {"agency": str(agency.pk)}).content.decode()
    assert "Within Northshire Social Work" in filtered
    assert client.get(url, {"agency": "not-an-agency"}).status_code == 200
    printed = client.get(reverse("pulse:report_print", kwargs={"pk": reported.pk}))
    assert "Print this page" in printed.content.decode()


def test_trends_show_each_closed_round_only_when_it_can(
    make_round: Callable[..., Round], make_staff: Callable[..., list[Member]], lead: Member
) -> None:
    staff = make_staff(8)
    first = make_round(title="First round")
    _respond(first, staff)
    services.round_close(round_=first, actor=lead)
    tiny = make_round(title="Tiny round")
    _respond(tiny, staff[:3])
    services.round_close(round_=tiny, actor=lead)
    page = client_for(lead).get(reverse("pulse:trends")).content.decode()
    assert "First round" in page and "Tiny round" in page
    assert "Fewer than 5 people answered" in page
    assert page.count('class="village-chart"') >= 1
    assert 'role="img"' in page


def test_an_open_round_has_no_report_yet(make_round: Callable[..., Round], lead: Member) -> None:
    round_ = make_round()
    page = client_for(lead).get(reverse("pulse:report", kwargs={"pk": round_.pk}))
    assert "when the check-in closes" in page.content.decode()
    assert Client().get(reverse("pulse:report", kwargs={"pk": round_.pk})).status_code == 302
