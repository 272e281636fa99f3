"""Teams (with a parent team) and each member's team and career stage, set by admins on
pages, so reports by team and career stage work for a real partnership.

Finding: no page created teams or set a member's team or career stage, so reports by team
and career stage showed "No team recorded" and "Not given" for any real partnership."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import FORBIDDEN, LOGIN, MISSING, OK, access_outcome, client_for
from tests.hostile import HOSTILE, SCRIPT, check
from tests.pulse.conftest import full_answers
from village.errors import UserError
from village.people import services
from village.people.models import Agency, AuditEvent, Member, Partnership, Role, Team
from village.pulse import selectors as pulse_selectors
from village.pulse import services as pulse_services

TEAMS = reverse("people:teams")
PLACES = reverse("people:member_places")


@pytest.fixture
def admin(make_member: Callable[..., Member]) -> Member:
    return make_member(Role.ADMIN, name="Ada")


@pytest.fixture
def duty(admin: Member, agency: Agency) -> Team:
    parent = services.team_create(
        partnership=admin.partnership, agency=agency, name="Children's services"
    )
    return services.team_create(
        partnership=admin.partnership, agency=agency, name="Duty", parent=parent
    )


def test_an_admin_makes_a_team_inside_another(admin: Member, agency: Agency) -> None:
    client = client_for(admin)
    client.post(TEAMS, {"name": "Children's services", "agency": agency.pk, "parent": ""})
    parent = Team.objects.get(name="Children's services")
    reply = client.post(TEAMS, {"name": "Duty team", "agency": agency.pk, "parent": parent.pk})
    assert reply.status_code == 302
    duty = Team.objects.get(name="Duty team")
    assert duty.parent == parent and duty.agency == agency
    assert AuditEvent.objects.filter(action="team.create", actor=admin).count() == 2
    page = client.get(TEAMS).content.decode()
    assert "Duty team" in page and "Inside Children&#x27;s services" in page


def test_a_team_is_renamed_and_moved_but_never_inside_itself(
    admin: Member, duty: Team, agency: Agency
) -> None:
    client = client_for(admin)
    parent = duty.parent
    assert parent is not None
    url = reverse("people:team_edit", args=[parent.pk])
    page = client.post(url, {"name": "Children's services", "parent": duty.pk}).content.decode()
    assert "“Children&#x27;s services” cannot be inside “Duty”" in page
    client.post(reverse("people:team_edit", args=[duty.pk]), {"name": "Duty and assessment"})
    duty.refresh_from_db()
    assert duty.name == "Duty and assessment" and duty.parent is None
    assert AuditEvent.objects.filter(action="team.update").exists()


def test_team_mistakes_get_specific_messages(admin: Member, duty: Team, agency: Agency) -> None:
    client = client_for(admin)
    other = services.agency_create(partnership=admin.partnership, name="Health", sector="health")
    cases = [
        ({"name": "", "agency": agency.pk}, "Give the team a name."),
        ({"name": "Duty", "agency": agency.pk}, "There is already a team called “Duty”"),
        ({"name": "Nurses", "agency": other.pk, "parent": duty.pk}, "in the same agency"),
        ({"name": "Nurses", "agency": "999999"}, "Choose an agency from the list."),
        ({"name": "x" * 201, "agency": agency.pk}, "Keep the team name to 200 characters."),
    ]
    for data, message in cases:
        page = client.post(TEAMS, data).content.decode()
        assert message in page, message
    assert Team.objects.count() == 2


def test_teams_of_another_partnership_cannot_be_reached(
    duty: Team, make_member: Callable[..., Member], other_partnership: Partnership
) -> None:
    outsider = client_for(make_member(Role.ADMIN, partnership=other_partnership))
    assert outsider.get(reverse("people:team_edit", args=[duty.pk])).status_code == 404
    assert "Duty" not in outsider.get(TEAMS).content.decode()
    with pytest.raises(UserError):
        services.team_create(
            partnership=other_partnership, agency=duty.agency, name="Stolen", parent=None
        )


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_admins_manage_teams_and_places(
    role: str, make_member: Callable[..., Member], duty: Team
) -> None:
    client = client_for(make_member(role))
    for url in (TEAMS, PLACES, reverse("people:team_edit", args=[duty.pk])):
        assert access_outcome(client.get(url)) == FORBIDDEN, url
        assert access_outcome(client.post(url, {"name": "X"})) == FORBIDDEN, url
    assert access_outcome(Client().get(TEAMS)) == LOGIN
    assert Team.objects.count() == 2


def _staff(admin: Member, agency: Agency, count: int) -> list[Member]:
    from django.contrib.auth import get_user_model

    people = []
    for index in range(count):
        user = get_user_model().objects.create_user(username=f"{agency.pk}-{index}@example.org")
        people.append(
            services.member_create(
                partnership=admin.partnership,
                user=user,
                display_name=f"Person {index}",
                roles=[Role.STAFF],
                constituency="frontline",
                agency=agency,
            )
        )
    return people


def _places(members: list[Member], team: Team | None, stage: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for member in members:
        data[f"team_{member.pk}"] = team.pk if team else ""
        data[f"career_stage_{member.pk}"] = stage
    return data


def test_an_admin_sets_many_members_teams_and_career_stages_at_once(
    admin: Member, duty: Team, agency: Agency
) -> None:
    people = _staff(admin, agency, 6)
    client = client_for(admin)
    page = client.get(PLACES).content.decode()
    assert all(person.display_name in page for person in people)
    reply = client.post(PLACES, _places(people, duty, "established"))
    assert reply.status_code == 302
    for person in people:
        person.refresh_from_db()
        assert person.team == duty and person.career_stage == "established"
    assert AuditEvent.objects.filter(action="member.place").count() == 6


def test_places_page_filters_by_agency(admin: Member, duty: Team, agency: Agency) -> None:
    other = services.agency_create(partnership=admin.partnership, name="Health", sector="health")
    (ours,), (theirs,) = _staff(admin, agency, 1), _staff(admin, other, 1)
    Member.objects.filter(pk=theirs.pk).update(display_name="Health Person")
    page = client_for(admin).get(PLACES, {"agency": other.pk}).content.decode()
    assert "Health Person" in page and ours.display_name not in page


def test_a_team_must_be_in_the_members_agency(admin: Member, duty: Team, agency: Agency) -> None:
    other = services.agency_create(partnership=admin.partnership, name="Health", sector="health")
    (person,) = _staff(admin, other, 1)
    page = client_for(admin).get(PLACES).content.decode()
    assert f'name="team_{person.pk}"' in page
    offered = re.search(rf'name="team_{person.pk}".*?</select>', page, re.S)
    assert offered is not None and "Duty" not in offered.group(0), "only their agency's teams"
    refused = client_for(admin).post(PLACES, _places([person], duty, "")).content.decode()
    assert "Choose a team from the list." in refused
    with pytest.raises(UserError, match="Duty is in Northshire Social Work, but Person 0 is in"):
        services.member_places_set(
            actor=admin, places=[services.Place(member=person, team=duty, career_stage="")]
        )
    person.refresh_from_db()
    assert person.team is None


def test_bad_places_get_specific_messages_and_change_nothing(
    admin: Member, duty: Team, agency: Agency
) -> None:
    people = _staff(admin, agency, 2)
    data = _places(people, duty, "established")
    data[f"career_stage_{people[1].pk}"] = "retired"
    data[f"team_{people[0].pk}"] = "999999"
    page = client_for(admin).post(PLACES, data).content.decode()
    assert "Choose a career stage from the list." in page
    assert "Choose a team from the list." in page
    assert not Member.objects.filter(team=duty).exists()


def test_reports_by_team_and_career_stage_use_what_admins_set(
    admin: Member, duty: Team, agency: Agency, make_member: Callable[..., Member]
) -> None:
    people = _staff(admin, agency, 6)
    client_for(admin).post(PLACES, _places(people, duty, "new"))
    lead = make_member(Role.PARTNER_LEAD, name="Lee")
    from django.utils import timezone

    round_ = pulse_services.round_schedule(
        partnership=admin.partnership,
        created_by=lead,
        title="After teams",
        instruments=["cbi"],
        opens_at=timezone.now(),
        closes_at=timezone.now() + timezone.timedelta(days=1),
        audience_roles=[Role.STAFF],
        notify=False,
    )
    for index, person in enumerate(people):
        pulse_services.response_submit(
            round_=round_,
            member=person,
            browser_key=f"k{index}",
            answers=full_answers(["cbi"]),
        )
    pulse_services.round_close(round_=round_, actor=lead)
    report = pulse_selectors.report_for(round_=round_)
    assert report is not None
    shown = {table.title: [row.label for row in table.rows if row.shown] for table in report.tables}
    assert any(label.startswith("Duty") for label in shown["Team"]), shown
    assert shown["Career stage"] == ["New to the work"], shown


def test_the_members_page_speaks_plainly(admin: Member, duty: Team, agency: Agency) -> None:
    (person,) = _staff(admin, agency, 1)
    services.member_update(
        actor=admin,
        member=person,
        roles=[Role.PARTNER_LEAD, Role.FAMILY],
        constituency="family",
        agency=agency,
        team=duty,
        career_stage="nearing_retirement",
    )
    html = client_for(admin).get(reverse("people:members")).content.decode()
    page = re.sub(r"<[^>]+>", " ", html)
    assert "partner_lead" not in page and "nearing_retirement" not in page
    assert "Partner lead" in page and "Family or lived-experience member" in page
    assert "Duty" in page and "Nearing retirement" in page


@pytest.mark.parametrize("kind", HOSTILE)
def test_team_and_places_forms_take_hostile_input(
    kind: str, admin: Member, duty: Team, agency: Agency
) -> None:
    value = HOSTILE[kind]
    client = client_for(admin)
    (person,) = _staff(admin, agency, 1)
    for url, data in (
        (TEAMS, {"name": value, "agency": value, "parent": value}),
        (TEAMS, {"name": value, "agency": agency.pk}),
        (reverse("people:team_edit", args=[duty.pk]), {"name": value, "parent": value}),
        (PLACES, {f"team_{person.pk}": value, f"career_stage_{person.pk}": value}),
    ):
        page = check(client.post(url, data), value)
        assert "This field is required." not in page
    shown = client.get(TEAMS).content.decode()
    assert SCRIPT not in shown


def test_team_forms_take_a_wrong_encoding(admin: Member, agency: Agency, duty: Team) -> None:
    client = client_for(admin)
    (person,) = _staff(admin, agency, 1)
    for url, body in (
        (TEAMS, f"name=%FF%FETeam%C3&agency={agency.pk}"),
        (reverse("people:team_edit", args=[duty.pk]), "name=%C3%28Duty&parent=%FF"),
        (PLACES, f"team_{person.pk}=%FF%FE&career_stage_{person.pk}=%C3%28"),
    ):
        reply = client.post(url, body.encode(), content_type="application/x-www-form-urlencoded")
        assert access_outcome(reply) == OK, url
    person.refresh_from_db()
    assert person.team is None and person.career_stage == ""


def test_a_missing_team_is_not_found(admin: Member) -> None:
    assert access_outcome(client_for(admin).get(reverse("people:team_edit", args=[9999]))) == (
        MISSING
    )
