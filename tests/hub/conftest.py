"""Hub fixtures: a member in every role, a project led by a staff member and owned by the
partnership's agency, and a way to build it a theory of change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from village.hub import services
from village.hub.models import Element, Project
from village.people.models import Agency, Member, Role


@dataclass
class People:
    admin: Member
    facilitator: Member
    lead: Member
    staff: Member
    family: Member
    partner_lead: Member
    observer: Member


@pytest.fixture
def people(make_member: Callable[..., Member]) -> People:
    return People(
        admin=make_member(Role.ADMIN, name="Ada"),
        facilitator=make_member(Role.FACILITATOR, name="Fran"),
        lead=make_member(Role.STAFF, name="Lee"),
        staff=make_member(Role.STAFF, name="Sam"),
        family=make_member(Role.FAMILY, name="Fay"),
        partner_lead=make_member(Role.PARTNER_LEAD, name="Pat"),
        observer=make_member(Role.OBSERVER, name="Olu"),
    )


def new_project(lead: Member, agency: Agency, **extra: str) -> Project:
    """A new project the lead starts, owned by the agency, begun on 31 January 2026."""
    return services.project_create(
        partnership=agency.partnership,
        actor=lead,
        title="Family group conferencing",
        kind="new",
        started_on=date(2026, 1, 31),
        agencies=[agency],
        **extra,
    )


@pytest.fixture
def project(people: People, agency: Agency) -> Project:
    return new_project(
        people.lead, agency, families_as_partners="Two parents co-design the conferences."
    )


@dataclass
class Built:
    activity: Element
    outcome: Element
    assumption: Element


def build_theory(project: Project, actor: Member) -> Built:
    """The smallest theory that passes the first gate."""
    activity = services.element_add(
        project=project, actor=actor, kind="activity", label="Family group conferences"
    )
    outcome = services.element_add(
        project=project, actor=actor, kind="outcome", label="Families feel heard"
    )
    assumption = services.element_add(
        project=project, actor=actor, kind="assumption", label="Families trust the convenor"
    )
    services.connection_add(project=project, actor=actor, source=activity, target=outcome)
    services.connection_add(project=project, actor=actor, source=activity, target=assumption)
    services.connection_add(project=project, actor=actor, source=assumption, target=outcome)
    return Built(activity, outcome, assumption)
