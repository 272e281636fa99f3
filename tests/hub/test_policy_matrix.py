"""Every person in every state of a project against every act, through the services; and
nobody in another partnership is anyone to a project."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
import rules

from tests.hub.conftest import People, build_theory
from village.hub import policy, services
from village.hub.models import Element, GatePassage, Project
from village.hub.policy import Act, HubError, Person, State
from village.people import services as people_services
from village.people.models import Agency, Member, Partnership, Role

EDITORS = {"admin", "facilitator", "lead"}
EVERYONE = ("admin", "facilitator", "lead", "staff", "family", "partner_lead", "observer")


def _put_in_state(project: Project, state: State) -> None:
    """Sets the journey's point directly: the gate rules are tested in test_journey."""
    months = {State.SETTING_UP: None, State.RUNNING: 6, State.FINISHED: 18}[state]
    project.gate_reached = months
    project.save(update_fields=["gate_reached"])


def _acts(project: Project, actor: Member) -> dict[Act, Callable[[], object]]:
    indicator = Element.objects.get(project=project, kind="indicator")
    assumption = Element.objects.get(project=project, kind="assumption")
    return {
        Act.EDIT_PROJECT: lambda: services.lead_add(
            project=project, actor=actor, member=Member.objects.get(display_name="Fay")
        ),
        Act.EDIT_THEORY: lambda: services.evidence_set(
            assumption=assumption, actor=actor, evidence="some"
        ),
        Act.RECORD_VALUES: lambda: services.value_record(
            indicator=indicator, actor=actor, value=Decimal("3"), measured_on=date(2026, 5, 1)
        ),
        Act.ADD_DOCUMENT: lambda: services.document_add(
            project=project,
            actor=actor,
            kind="outcome_report",
            title="A report",
            text="It changed.",
        ),
    }


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("who", EVERYONE)
def test_the_policy_matrix_through_the_services(
    project: Project, people: People, state: State, who: str
) -> None:
    build_theory(project, people.lead)
    services.element_add(project=project, actor=people.lead, kind="indicator", label="Count")
    _put_in_state(project, state)
    actor = getattr(people, who)
    allowed = who in EDITORS and state != State.FINISHED
    for act, attempt in _acts(project, actor).items():
        if allowed:
            attempt()
        else:
            with pytest.raises(HubError):
                attempt()
        assert policy.abilities(project=project, member=actor)[act.value] is allowed
        assert rules.test_rule(f"hub.{act.value}", actor, project) is allowed
    assert policy.abilities(project=project, member=actor)[Act.READ.value] is True


@pytest.mark.parametrize("who", EVERYONE)
def test_passing_a_gate_is_for_leads_facilitators_and_admins(
    project: Project, people: People, who: str
) -> None:
    build_theory(project, people.lead)
    actor = getattr(people, who)
    if who in EDITORS:
        services.gate_pass(project=project, actor=actor, months=0)
        assert GatePassage.objects.filter(project=project, months=0).exists()
    else:
        with pytest.raises(HubError, match="Only the project's leads"):
            services.gate_pass(project=project, actor=actor, months=0)


def test_observers_cannot_start_projects_and_others_can(
    people: People, agency: Agency, partnership: Partnership
) -> None:
    for who in EVERYONE:
        member = getattr(people, who)
        assert policy.can_start_projects(member=member, partnership=partnership) is (
            who != "observer"
        )
    with pytest.raises(HubError, match="Observers"):
        services.project_create(
            partnership=partnership,
            actor=people.observer,
            title="Mine",
            kind="new",
            started_on=date(2026, 1, 1),
            agencies=[agency],
        )


def test_another_partnership_is_nobody_to_a_project(
    project: Project, people: People, make_member: Callable[..., Member], other_partnership
) -> None:
    build_theory(project, people.lead)
    outsider = make_member(Role.ADMIN, partnership=other_partnership, name="Out")
    assert policy.people_of(member=outsider, project=project) == frozenset()
    assert not any(policy.abilities(project=project, member=outsider).values())
    with pytest.raises(HubError, match="not open to you"):
        services.element_add(project=project, actor=outsider, kind="outcome", label="Ours now")
    with pytest.raises(HubError):
        services.gate_pass(project=project, actor=outsider, months=0)


def test_a_deactivated_lead_is_nobody(project: Project, people: People) -> None:
    people_services.member_deactivate(actor=people.admin, member=people.lead)
    people.lead.refresh_from_db()
    assert policy.people_of(member=people.lead, project=project) == frozenset()


def test_people_are_who_the_roles_and_leads_say(project: Project, people: People) -> None:
    assert policy.people_of(member=people.lead, project=project) == {Person.LEAD, Person.MEMBER}
    assert policy.people_of(member=people.admin, project=project) == {Person.ADMIN, Person.MEMBER}
    assert policy.people_of(member=people.family, project=project) == {Person.MEMBER}
