"""Report pages at scale: comments come a page at a time in the report's fixed order, and the
trends page reads each report's small stored summary, never the whole report."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.pulse.conftest import full_answers
from village.people.models import Member
from village.pulse import selectors, services
from village.pulse.models import ReleasedReport, Round

COMMENTS = 120


@pytest.fixture
def many_comments(
    make_round: Callable[..., Round], make_staff: Callable[..., list[Member]], lead: Member
) -> Round:
    staff = make_staff(COMMENTS)
    round_ = make_round()
    for i, member in enumerate(staff):
        services.response_submit(
            round_=round_,
            member=member,
            browser_key=f"key-{i}",
            answers=full_answers(round_.instruments, value=1 + i % 5),
            comment=f"Comment number {i:03d}",
        )
    return services.round_close(round_=round_, actor=lead)


def _main(content: str) -> str:
    return content[content.index("<main") : content.index("</main>")]


def _shown(content: str) -> list[str]:
    return re.findall(r"Comment number \d{3}", content)


def test_the_report_shows_fifty_comments_a_page_in_the_released_order(
    many_comments: Round, lead: Member
) -> None:
    """Found: the report page rendered all 4,942 comments at once (917 KB)."""
    released = ReleasedReport.objects.get(round=many_comments).data["comments"]["cells"][0]
    order = released["comments"]
    assert len(order) == COMMENTS
    client = client_for(lead)
    url = reverse("pulse:report", kwargs={"pk": many_comments.pk})
    pages = [_shown(client.get(url, {"page": n}).content.decode()) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [50, 50, 20]
    assert pages[0] + pages[1] + pages[2] == order, "the fixed shuffled order, never another"
    first = client.get(url).content.decode()
    assert "Comments 1 to 50 of 120." in first and "Page 1 of 3" in first
    assert 'href="?page=2#comments"' in first and "Previous page" not in first
    assert _shown(client.get(url, {"page": "2"}).content.decode()) == pages[1]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "٣", "99999999", "1e3", ""])
def test_a_bad_page_number_shows_a_page_and_never_fails(
    many_comments: Round, lead: Member, page: str
) -> None:
    response = client_for(lead).get(
        reverse("pulse:report", kwargs={"pk": many_comments.pk}), {"page": page}
    )
    assert response.status_code == 200
    assert len(_shown(response.content.decode())) == 50


def test_a_page_past_the_end_shows_the_last_page(many_comments: Round) -> None:
    report = selectors.report_for(round_=many_comments, page=40)
    assert report is not None and report.comments is not None
    assert (report.comments.page, report.comments.first, len(report.comments.comments)) == (
        3,
        101,
        20,
    )


def test_print_view_pages_comments_too_and_the_csv_has_them_all(
    many_comments: Round, lead: Member
) -> None:
    client = client_for(lead)
    printed = client.get(reverse("pulse:report_print", kwargs={"pk": many_comments.pk}))
    assert len(_shown(printed.content.decode())) == 50
    assert "All the comments are in the spreadsheet" in printed.content.decode()
    csv = client.get(reverse("pulse:report_csv", kwargs={"pk": many_comments.pk}))
    assert len(_shown(csv.content.decode())) == COMMENTS


def test_trends_read_the_stored_summary_not_the_whole_report(
    many_comments: Round, lead: Member
) -> None:
    """Found: the trends page decoded every released round's whole report to read one
    table. Now it reads a few hundred bytes a round: emptying the reports' tables changes
    nothing on it."""
    client = client_for(lead)
    before = _main(client.get(reverse("pulse:trends")).content.decode())
    summary = ReleasedReport.objects.get(round=many_comments).summary
    assert summary["total"]["count"] == COMMENTS and len(str(summary)) < 2000
    ReleasedReport.objects.update(data={})
    assert _main(client.get(reverse("pulse:trends")).content.decode()) == before
    assert f"{summary['total']['means']['cbi.personal']:g}" in before
