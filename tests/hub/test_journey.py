"""Projects, their theory of change and the 18-month journey, through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.hub.conftest import People, build_theory
from village.hub import selectors, services
from village.hub.models import IndicatorTarget, Project
from village.hub.policy import HubError
from village.people import services as people_services
from village.people.models import Agency, AuditEvent


def _indicator(project: Project, people: People, label: str = "Plans written with families"):
    indicator = services.element_add(
        project=project, actor=people.lead, kind="indicator", label=label
    )
    assumption = project.elements.filter(kind="assumption").first()
    services.connection_add(project=project, actor=people.lead, source=indicator, target=assumption)
    return indicator


def _baseline(indicator, people: People) -> None:
    services.value_record(
        indicator=indicator,
        actor=people.lead,
        value=Decimal("12"),
        measured_on=date(2026, 2, 1),
        is_baseline=True,
    )


def _story(project: Project, people: People) -> None:
    services.story_tell(
        project=project,
        actor=people.family,
        domain=selectors.domains_of(project=project)[0],
        title="We were listened to",
        text="The conference was in our words.",
        anonymous=True,
    )


def _plan(project: Project, people: People, kind: str = "evaluation_plan") -> None:
    services.document_add(
        project=project, actor=people.lead, kind=kind, title="Plan", text="What we measure."
    )


def test_whoever_starts_a_project_leads_it_and_agencies_own_it(
    project: Project, people: People, agency: Agency
) -> None:
    assert list(project.leads.all()) == [people.lead]
    assert list(project.agencies.all()) == [agency]
    assert AuditEvent.objects.filter(action="hub.project_create", actor=people.lead).exists()


def test_a_project_needs_an_owning_agency_of_its_own_partnership(
    people: People, agency: Agency, other_partnership
) -> None:
    other_agency = people_services.agency_create(
        partnership=other_partnership, name="Elsewhere", sector="health"
    )
    for agencies, words in (([], "at least one agency"), ([other_agency], "this partnership")):
        with pytest.raises(HubError, match=words):
            services.project_create(
                partnership=agency.partnership,
                actor=people.lead,
                title="A project",
                kind="new",
                started_on=date(2026, 1, 1),
                agencies=agencies,
            )


def test_gate_0_is_refused_until_there_is_a_theory_of_change(
    project: Project, people: People
) -> None:
    with pytest.raises(HubError, match="needs: A theory of change"):
        services.gate_pass(project=project, actor=people.lead, months=0)
    build_theory(project, people.lead)
    services.gate_pass(project=project, actor=people.lead, months=0)
    project.refresh_from_db()
    assert project.gate_reached == 0


def test_gates_are_passed_in_order(project: Project, people: People) -> None:
    build_theory(project, people.lead)
    with pytest.raises(HubError, match="next gate is at 0 months"):
        services.gate_pass(project=project, actor=people.lead, months=3)


def test_gate_3_names_each_indicator_without_a_baseline(project: Project, people: People) -> None:
    build_theory(project, people.lead)
    services.gate_pass(project=project, actor=people.lead, months=0)
    indicator = _indicator(project, people)
    with pytest.raises(HubError) as refused:
        services.gate_pass(project=project, actor=people.lead, months=3)
    assert "An evaluation plan" in str(refused.value)
    assert "“Plans written with families” has none yet" in str(refused.value)
    _plan(project, people)
    _baseline(indicator, people)
    services.gate_pass(project=project, actor=people.lead, months=3)


def test_an_indicator_added_after_gate_3_stops_gate_6_until_its_baseline(
    project: Project, people: People
) -> None:
    build_theory(project, people.lead)
    services.gate_pass(project=project, actor=people.lead, months=0)
    _baseline(_indicator(project, people), people)
    _plan(project, people)
    services.gate_pass(project=project, actor=people.lead, months=3)
    _story(project, people)
    late = _indicator(project, people, label="Children back home")
    with pytest.raises(HubError, match="“Children back home” has none yet"):
        services.gate_pass(project=project, actor=people.lead, months=6)
    _baseline(late, people)
    services.gate_pass(project=project, actor=people.lead, months=6)


def test_the_whole_journey_ends_read_only(project: Project, people: People) -> None:
    build_theory(project, people.lead)
    services.gate_pass(project=project, actor=people.lead, months=0)
    _baseline(_indicator(project, people), people)
    _plan(project, people)
    services.gate_pass(project=project, actor=people.lead, months=3)
    with pytest.raises(HubError, match="First stories of change"):
        services.gate_pass(project=project, actor=people.lead, months=6)
    _story(project, people)
    services.gate_pass(project=project, actor=people.lead, months=6)
    with pytest.raises(HubError, match="A mid-point review"):
        services.gate_pass(project=project, actor=people.lead, months=12)
    _plan(project, people, kind="midpoint_review")
    services.gate_pass(project=project, actor=people.lead, months=12)
    with pytest.raises(HubError, match="An outcome report"):
        services.gate_pass(project=project, actor=people.lead, months=18)
    _plan(project, people, kind="outcome_report")
    services.gate_pass(project=project, actor=people.lead, months=18)
    with pytest.raises(HubError, match="finished"):
        services.element_add(project=project, actor=people.admin, kind="outcome", label="More")
    assert selectors.next_gate(project=project) is None
    due = [gate.due_on for gate in selectors.journey_of(project=project)]
    assert due == [
        date(2026, 1, 31),
        date(2026, 4, 30),
        date(2026, 7, 31),
        date(2027, 1, 31),
        date(2027, 7, 31),
    ]


def test_a_changed_target_keeps_the_old_one_and_the_reason(
    project: Project, people: People
) -> None:
    build_theory(project, people.lead)
    indicator = _indicator(project, people)
    services.target_set(indicator=indicator, actor=people.lead, value=Decimal("50"))
    with pytest.raises(HubError, match="why the target changed"):
        services.target_set(indicator=indicator, actor=people.lead, value=Decimal("40"))
    with pytest.raises(HubError, match="already the target"):
        services.target_set(indicator=indicator, actor=people.lead, value=Decimal("50"), reason="x")
    services.target_set(
        indicator=indicator,
        actor=people.facilitator,
        value=Decimal("40"),
        reason="Fewer families than we planned for.",
    )
    history = list(IndicatorTarget.objects.filter(indicator=indicator))
    assert [(t.value, t.reason) for t in history] == [
        (Decimal("50"), ""),
        (Decimal("40"), "Fewer families than we planned for."),
    ]
    (view,) = selectors.indicators_of(project=project)
    assert view.target == Decimal("40")
    assert len(view.targets) == 2


def test_values_are_recorded_over_time_with_one_baseline(project: Project, people: People) -> None:
    build_theory(project, people.lead)
    indicator = _indicator(project, people)
    _baseline(indicator, people)
    with pytest.raises(HubError, match="already has a baseline"):
        _baseline(indicator, people)
    for day, amount in ((date(2026, 5, 1), "15"), (date(2026, 8, 1), "19.5")):
        services.value_record(
            indicator=indicator, actor=people.lead, value=Decimal(amount), measured_on=day
        )
    (view,) = selectors.indicators_of(project=project)
    assert view.baseline is not None and view.baseline.value == Decimal("12")
    assert [v.value for v in view.values] == [Decimal("12"), Decimal("15"), Decimal("19.5")]
    with pytest.raises(HubError, match="ten billion"):
        services.value_record(
            indicator=indicator, actor=people.lead, value=Decimal("1e12"), measured_on=date.today()
        )
    with pytest.raises(HubError, match="belong to indicators"):
        services.value_record(
            indicator=project.elements.get(kind="outcome"),
            actor=people.lead,
            value=Decimal("1"),
            measured_on=date.today(),
        )


def test_connections_follow_the_theory_and_evidence_changes(
    project: Project, people: People
) -> None:
    built = build_theory(project, people.lead)
    with pytest.raises(HubError, match="cannot connect to an activity"):
        services.connection_add(
            project=project, actor=people.lead, source=built.outcome, target=built.activity
        )
    with pytest.raises(HubError, match="already connected"):
        services.connection_add(
            project=project, actor=people.lead, source=built.activity, target=built.outcome
        )
    assert built.assumption.evidence == "untested"
    services.evidence_set(assumption=built.assumption, actor=people.lead, evidence="challenged")
    built.assumption.refresh_from_db()
    assert built.assumption.evidence == "challenged"
    with pytest.raises(HubError, match="Only an assumption"):
        services.evidence_set(assumption=built.outcome, actor=people.lead, evidence="supported")


def test_an_indicator_with_values_cannot_be_removed(project: Project, people: People) -> None:
    build_theory(project, people.lead)
    indicator = _indicator(project, people)
    _baseline(indicator, people)
    with pytest.raises(HubError, match="stays"):
        services.element_remove(element=indicator, actor=people.lead)
    outcome = project.elements.get(kind="outcome")
    services.element_remove(element=outcome, actor=people.lead)
    assert not project.elements.filter(kind="outcome").exists()
    assert not project.connections.filter(target=outcome.pk).exists()
