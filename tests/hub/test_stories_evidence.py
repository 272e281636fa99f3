"""Evidence from Village: an indicator reads a released check-in figure or a values review
panel rating live, and only once released to the whole partnership; another partnership's
figures cannot be chosen; only those who record values choose; hostile input is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import FORBIDDEN, access_outcome, client_for
from tests.conversations.conftest import conversation, make_conversation
from tests.conversations.test_results import voted, voting
from tests.hostile import HOSTILE, check
from tests.hub.conftest import People, build_theory
from tests.pulse.conftest import full_answers, lead, make_round, make_staff
from tests.reviews.conftest import person
from village.conversations import selectors as conversation_selectors
from village.conversations import services as conversation_services
from village.conversations.models import Conversation
from village.hub import selectors, services
from village.hub.models import Element, IndicatorSource, Project, SourceKind
from village.hub.policy import HubError
from village.people.models import Agency, Constituency, Member, Role
from village.pulse import selectors as pulse_selectors
from village.pulse import services as pulse_services
from village.reviews import services as review_services

# The pulse's and conversations' fixtures these tests use.
__all__ = [
    "conversation",
    "lead",
    "make_conversation",
    "make_round",
    "make_staff",
    "voted",
    "voting",
]


def _indicator(project: Project, people: People) -> Element:
    build_theory(project, people.lead)
    return services.element_add(
        project=project, actor=people.lead, kind="indicator", label="Staff wellbeing"
    )


def _answer(round_: object, members: list[Member], value: int) -> None:
    for i, member in enumerate(members):
        pulse_services.response_submit(
            round_=round_,  # type: ignore[arg-type]
            member=member,
            browser_key=f"key-{member.pk}-{i}",
            answers=full_answers(round_.instruments, value=value),  # type: ignore[attr-defined]
        )


@pytest.fixture
def released(
    make_round: Callable[..., object], make_staff: Callable[..., list[Member]], lead: Member
):
    staff = make_staff(6)
    round_ = make_round(title="Spring check-in")
    _answer(round_, staff, 3)
    assert not selectors.released_figures(partnership=lead.partnership)[SourceKind.PULSE]
    pulse_services.round_close(round_=round_, actor=lead)
    return round_, staff


def test_only_released_figures_are_offered_and_an_indicator_reads_the_latest(
    project: Project,
    people: People,
    released,
    make_round: Callable[..., object],
    lead: Member,
) -> None:
    indicator = _indicator(project, people)
    figures = selectors.released_figures(partnership=project.partnership)[SourceKind.PULSE]
    assert figures and all(f.value is not None for f in figures)
    figure = figures[0]
    services.indicator_source_set(
        indicator=indicator, actor=people.lead, kind=SourceKind.PULSE, key=figure.key
    )
    live = selectors.live_value(indicator=indicator)
    assert live is not None and live.figure == figure
    trend = {
        t.name: t.rows[-1].value for t in pulse_selectors.trends_for(partnership=lead.partnership)
    }
    assert f"{figure.value:g}" in trend.values()
    page = client_for(people.staff).get(reverse("hub:element", args=[project.pk, indicator.pk]))
    assert f"Now {figure.value:g}, from Spring check-in" in page.content.decode()

    # A later round with too few answers: the indicator follows it and says why it is hidden.
    tiny = make_round(title="Summer check-in")
    _answer(tiny, list(released[1])[:2], 5)
    assert selectors.live_value(indicator=indicator).figure == figure  # not released yet
    pulse_services.round_close(round_=tiny, actor=lead)
    later = selectors.live_value(indicator=indicator)
    assert later is not None and later.figure is not None
    assert later.figure.value is None and "Summer check-in" in later.figure.as_of
    page = client_for(people.staff).get(reverse("hub:element", args=[project.pk, indicator.pk]))
    assert "Not shown in Summer check-in" in page.content.decode()


def test_a_figure_not_released_or_of_another_partnership_cannot_be_chosen(
    project: Project, people: People, make_member: Callable[..., Member], other_partnership
) -> None:
    indicator = _indicator(project, people)
    for kind, key in (
        (SourceKind.PULSE, "staff:anything"),
        (SourceKind.CONVERSATION, "1"),
        (SourceKind.REVIEW, "family-rights:family"),
        ("elsewhere", "x"),
    ):
        with pytest.raises(HubError):
            services.indicator_source_set(
                indicator=indicator, actor=people.lead, kind=kind, key=key
            )
    assert not IndicatorSource.objects.exists()


def test_another_partnerships_released_figure_is_not_offered(
    project: Project, people: People, released, other_partnership
) -> None:
    indicator = _indicator(project, people)
    key = selectors.released_figures(partnership=project.partnership)[SourceKind.PULSE][0].key
    assert not selectors.released_figures(partnership=other_partnership)[SourceKind.PULSE]
    outsider = person(
        other_partnership, "Otto", roles=[Role.ADMIN], constituency=Constituency.MANAGER
    )
    with pytest.raises(HubError):
        services.indicator_source_set(
            indicator=indicator, actor=outsider, kind=SourceKind.PULSE, key=key
        )


def test_a_values_review_panel_rating_is_read_once_ratings_close(
    project: Project, people: People
) -> None:
    partnership = project.partnership
    draft = review_services.charter_load_default(partnership=partnership, actor=people.admin)
    review_services.version_publish(version=draft, actor=people.admin)
    review = review_services.review_open(
        partnership=partnership, actor=people.admin, quarter="2026-Q3"
    )
    value = review.version.values.order_by("position").first()
    for n in range(6):
        member = person(
            partnership, f"Family{n}", roles=[Role.FAMILY], constituency=Constituency.FAMILY
        )
        review_services.panel_rate(review=review, actor=member, ratings={value.pk: 2 + n % 2})
    assert not selectors.released_figures(partnership=partnership)[SourceKind.REVIEW]
    review_services.ratings_close(review=review, actor=people.admin)
    figures = {
        f.key: f for f in selectors.released_figures(partnership=partnership)[SourceKind.REVIEW]
    }
    family = figures[f"{value.key}:family"]
    assert family.value == pytest.approx(2.5) and family.as_of == "2026-Q3"
    assert figures[f"{value.key}:frontline"].value is None
    indicator = _indicator(project, people)
    services.indicator_source_set(
        indicator=indicator, actor=people.facilitator, kind=SourceKind.REVIEW, key=family.key
    )
    assert selectors.live_value(indicator=indicator).figure.value == pytest.approx(2.5)


def test_only_those_who_record_values_choose_a_source_on_the_page(
    project: Project, people: People, released
) -> None:
    indicator = _indicator(project, people)
    url = reverse("hub:indicator_source", args=[project.pk, indicator.pk])
    key = selectors.released_figures(partnership=project.partnership)[SourceKind.PULSE][0].key
    for who in ("staff", "family", "partner_lead", "observer"):
        client = client_for(getattr(people, who))
        assert access_outcome(client.post(url, {"figure": f"pulse|{key}"})) == FORBIDDEN
        page = client.get(reverse("hub:element", args=[project.pk, indicator.pk])).content.decode()
        assert "Read it from Village" not in page
    assert not IndicatorSource.objects.exists()
    lead_client = client_for(people.lead)
    assert (
        "Read it from Village"
        in lead_client.get(reverse("hub:element", args=[project.pk, indicator.pk])).content.decode()
    )
    assert lead_client.post(url, {"figure": f"pulse|{key}"}).status_code == 302
    assert IndicatorSource.objects.get().key == key
    assert lead_client.post(url, {"clear": "1"}).status_code == 302
    assert not IndicatorSource.objects.exists()


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_figures_are_refused(project: Project, people: People, value: str) -> None:
    indicator = _indicator(project, people)
    url = reverse("hub:indicator_source", args=[project.pk, indicator.pk])
    client = client_for(people.lead)
    for figure in (value, f"pulse|{value}", f"{value}|{value}"):
        check(client.post(url, {"figure": figure}, follow=True), value)
    assert not IndicatorSource.objects.exists()


def test_a_statements_support_is_read_once_the_conversations_results_are_shared(
    voted: Conversation, facilitator: Member, agency: Agency, make_member: Callable[..., Member]
) -> None:
    partnership = voted.partnership
    conversation_services.results_refresh(conversation=voted)
    assert not selectors.released_figures(partnership=partnership)[SourceKind.CONVERSATION]
    conversation_services.conversation_close(conversation=voted, actor=facilitator)
    conversation_services.results_refresh(conversation=voted)
    figures = selectors.released_figures(partnership=partnership)[SourceKind.CONVERSATION]
    results = conversation_selectors.results_for(conversation=voted)
    expected = {str(s.pk): s.figures["balanced"] for s in results.statements}
    assert {f.key: f.value for f in figures} == expected
    assert any(value is not None for value in expected.values())
    lead = make_member(Role.STAFF, name="Lou")
    project = services.project_create(
        partnership=partnership,
        actor=lead,
        title="Substance use guidance",
        kind="new",
        started_on=date(2026, 1, 31),
        agencies=[agency],
    )
    indicator = services.element_add(project=project, actor=lead, kind="indicator", label="Support")
    shown = next(f for f in figures if f.value is not None)
    services.indicator_source_set(
        indicator=indicator, actor=lead, kind=SourceKind.CONVERSATION, key=shown.key
    )
    live = selectors.live_value(indicator=indicator)
    assert live is not None and live.figure is not None and live.figure.unit == "%"
    assert live.figure.value == shown.value
