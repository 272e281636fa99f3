"""Report and trend charts, measured as drawn in Chromium at 320 px and 1280 px: every piece
of chart text is at least 12 px on screen, inside its chart, and clear of every other piece
of text and every bar.

Findings: at 320 px report chart labels were about 6 px; trend labels collided with the axis
and were clipped even at 1280 px."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, add_person, screenshot, sign_in
from tests.pulse.conftest import full_answers
from village.people import services as people_services
from village.people.models import Agency, CareerStage, Constituency, Role
from village.pulse import services as pulse_services
from village.pulse.models import Round

pytestmark = pytest.mark.browser

MIN_TEXT_PX = 12
# Every text, bar and chart box as drawn: sizes are the computed font size times the
# drawing's scale on screen, so a scaled-down drawing shows its real, smaller text.
MEASURE = """() => [...document.querySelectorAll('svg.village-chart')].map((svg) => {
    const box = (el) => { const r = el.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    return {
        box: box(svg),
        texts: [...svg.querySelectorAll('text')].map((t) => ({
            text: t.textContent,
            size: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
            ...box(t),
        })),
        bars: [...svg.querySelectorAll('rect, line, polyline, circle')].map(box),
    };
})"""


def _overlap(a: dict[str, float], b: dict[str, float], slack: float = 0.5) -> bool:
    return (
        a["left"] < b["right"] - slack
        and b["left"] < a["right"] - slack
        and a["top"] < b["bottom"] - slack
        and b["top"] < a["bottom"] - slack
    )


def assert_charts_readable(page: Any, where: str) -> int:
    charts = page.evaluate(MEASURE)
    assert charts, f"{where}: no chart drawn"
    for chart in charts:
        box = chart["box"]
        texts = chart["texts"]
        for text in texts:
            assert text["size"] >= MIN_TEXT_PX, f"{where}: {text['text']!r} is {text['size']} px"
            inside = (
                text["left"] >= box["left"] - 1
                and text["right"] <= box["right"] + 1
                and text["top"] >= box["top"] - 1
                and text["bottom"] <= box["bottom"] + 1
            )
            assert inside, f"{where}: {text['text']!r} is cut off at the chart's edge"
            for bar in chart["bars"]:
                assert not _overlap(text, bar), f"{where}: {text['text']!r} is on a bar"
        for index, first in enumerate(texts):
            for second in texts[index + 1 :]:
                assert not _overlap(first, second), (
                    f"{where}: {first['text']!r} collides with {second['text']!r}"
                )
    return len(charts)


@pytest.fixture
def reports(agency: Agency) -> dict[str, Any]:
    """Three closed rounds: two with enough answers to show, one too small to show."""
    partnership = agency.partnership
    lead = add_person(agency, "lee.lead@example.org", "Lee Lead", Role.PARTNER_LEAD)
    parent = people_services.team_create(
        partnership=partnership,
        agency=agency,
        name="Children's services in the north and west localities",
    )
    teams = [
        people_services.team_create(
            partnership=partnership, agency=agency, name=name, parent=parent
        )
        for name in ("Duty and assessment (initial response)", "Long-term support")
    ]
    housing = people_services.agency_create(
        partnership=partnership, name="Riverside Housing Association", sector="housing"
    )
    staff = []
    for index in range(14):
        user = get_user_model().objects.create_user(username=f"s{index}@example.org")
        staff.append(
            people_services.member_create(
                partnership=partnership,
                user=user,
                display_name=f"Staff {index}",
                roles=[Role.STAFF],
                constituency=Constituency.FRONTLINE,
                agency=agency if index < 11 else housing,
                team=teams[index % 2] if index < 11 else None,
                career_stage=[CareerStage.NEW, CareerStage.ESTABLISHED][index % 2],
            )
        )
    now = timezone.now()
    rounds = []
    for number, (title, answering) in enumerate(
        (
            ("Spring check-in for every agency in the partnership", staff),
            ("Summer check-in", staff[:3]),
            ("Autumn check-in", staff),
        )
    ):
        round_ = pulse_services.round_schedule(
            partnership=partnership,
            created_by=lead,
            title=title,
            instruments=["cbi", "multiagency"],
            opens_at=now - timedelta(days=30 - number),
            closes_at=now + timedelta(days=1),
            notify=False,
        )
        for index, member in enumerate(answering):
            pulse_services.response_submit(
                round_=round_,
                member=member,
                browser_key=f"{number}-{index}",
                answers=full_answers(round_.instruments, value=1 + (index + number) % 5),
            )
        pulse_services.round_close(round_=round_, actor=lead)
        rounds.append(round_)
    return {"rounds": rounds}


@pytest.mark.parametrize("width", [320, 1280])
def test_report_and_trend_charts_are_readable(
    reports: dict[str, Any], new_page: Any, check_page: Any, width: int
) -> None:
    report_round: Round = reports["rounds"][0]
    page = new_page(width=width, height=900)
    sign_in(page, check_page, email="lee.lead@example.org", password=PASSWORD)
    page.goto(f"/pulse/{report_round.pk}/report/")
    expect(page.get_by_role("heading", name="By Team")).to_be_visible()
    check_page(page, "report with charts")
    assert assert_charts_readable(page, f"report at {width} px") >= 8
    screenshot(page, "pulse-report")
    page.goto("/pulse/trends/")
    expect(page.get_by_role("heading", level=1, name="Changes over time")).to_be_visible()
    check_page(page, "trends")
    assert assert_charts_readable(page, f"trends at {width} px") >= 4
    expect(page.get_by_text("Not shown: the table says why").first).to_be_visible()
    screenshot(page, "pulse-trends")
