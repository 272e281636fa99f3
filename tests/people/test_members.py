"""The members page: edit, deactivate, revoke and resend, per role and across partnerships;
two-step verification required for admins; choosing which partnership you are in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from tests.conftest import FORBIDDEN, MISSING, OK, PASSWORD, access_outcome, client_for, totp_code
from village.circles.models import Circle
from village.people import services
from village.people.models import AuditEvent, Constituency, Invitation, Member, Partnership, Role


@pytest.fixture
def admin(make_member: Callable[..., Member]) -> Member:
    return make_member(Role.ADMIN, name="Ada")


@pytest.fixture
def staff(make_member: Callable[..., Member]) -> Member:
    return make_member(Role.STAFF, name="Sam")


@pytest.fixture
def invitation(admin: Member) -> Invitation:
    invitation, _token = services.invitation_create(
        partnership=admin.partnership,
        created_by=admin,
        email="invited@example.org",
        roles=[Role.STAFF],
        constituency="frontline",
    )
    return invitation


def _edit(member: Member, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "roles": member.roles,
        "constituency": member.constituency,
        "agency": member.agency_id or "",
        "team": "",
        "career_stage": "",
    }
    data.update(changes)
    return data


def _actions(subject: Member, invitation: Invitation) -> dict[str, tuple[str, dict[str, object]]]:
    return {
        "edit": (
            reverse("people:member_edit", args=[subject.pk]),
            _edit(subject, roles=[Role.FACILITATOR]),
        ),
        "deactivate": (reverse("people:member_deactivate", args=[subject.pk]), {}),
        "revoke": (reverse("people:invitation_revoke", args=[invitation.pk]), {}),
        "resend": (reverse("people:invitation_resend", args=[invitation.pk]), {}),
    }


def test_admin_edits_a_member_and_it_is_audited(admin: Member, staff: Member) -> None:
    client = client_for(admin)
    page = client.get(reverse("people:member_edit", args=[staff.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("people:member_edit", args=[staff.pk]),
        _edit(
            staff,
            roles=[Role.STAFF, Role.FACILITATOR],
            constituency=Constituency.MANAGER,
            career_stage="established",
        ),
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.roles == [Role.FACILITATOR, Role.STAFF]
    assert staff.constituency == Constituency.MANAGER and staff.career_stage == "established"
    event = AuditEvent.objects.get(action="member.update")
    assert event.actor == admin and event.target_id == str(staff.pk)


def test_deactivating_asks_first_then_locks_them_out_of_the_partnership(
    admin: Member, staff: Member, circle: Circle
) -> None:
    from village.circles.models import Reflection

    staff_client = client_for(staff)
    staff_client.post(
        reverse("circles:join_circle", kwargs={"code": circle.join_code}), {"agree": "on"}
    )
    staff_client.post(
        reverse("circles:checkin", kwargs={"code": circle.join_code, "moment": "arrive"}),
        {"score": "3"},
    )
    staff_client.post(
        reverse("circles:reflect", kwargs={"code": circle.join_code}),
        {"prompt": circle.prompts.first().pk, "text": "Said before I left"},
    )
    before = list(Reflection.objects.values("id", "text"))
    url = reverse("people:member_deactivate", args=[staff.pk])
    client = client_for(admin)
    assert "Yes, deactivate" in client.get(url).content.decode()
    staff.refresh_from_db()
    assert staff.is_active
    client.post(url)
    staff.refresh_from_db()
    assert not staff.is_active
    assert access_outcome(staff_client.get(reverse("circles:list"))) == FORBIDDEN
    assert list(Reflection.objects.values("id", "text")) == before
    assert AuditEvent.objects.filter(action="member.deactivate", actor=admin).exists()


def test_an_admin_cannot_deactivate_themselves(admin: Member) -> None:
    client_for(admin).post(reverse("people:member_deactivate", args=[admin.pk]))
    admin.refresh_from_db()
    assert admin.is_active


def test_revoke_and_resend(admin: Member, invitation: Invitation) -> None:
    client = client_for(admin)
    old_hash = invitation.token_hash
    page = client.post(reverse("people:invitation_resend", args=[invitation.pk])).content.decode()
    assert "Invitation ready" in page
    invitation.refresh_from_db()
    assert invitation.token_hash != old_hash
    client.post(reverse("people:invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"invitation.resend", "invitation.revoke"} <= actions


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.STAFF, Role.PARTNER_LEAD, Role.FAMILY])
def test_other_roles_are_refused_every_action(
    role: str, make_member: Callable[..., Member], staff: Member, invitation: Invitation
) -> None:
    actor = make_member(role, name="Actor")
    client = client_for(actor)
    for name, (url, data) in _actions(staff, invitation).items():
        assert access_outcome(client.post(url, data)) == FORBIDDEN, name
    assert access_outcome(client.get(reverse("people:members"))) == FORBIDDEN
    staff.refresh_from_db()
    invitation.refresh_from_db()
    assert staff.is_active and staff.roles == [Role.STAFF] and invitation.is_open


def test_guests_are_sent_to_sign_in(staff: Member, invitation: Invitation) -> None:
    for url, data in _actions(staff, invitation).values():
        response = Client().post(url, data)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_an_admin_of_another_partnership_cannot_touch_these_members(
    make_member: Callable[..., Member],
    other_partnership: Partnership,
    staff: Member,
    invitation: Invitation,
) -> None:
    outsider = make_member(Role.ADMIN, partnership=other_partnership, name="Olga")
    client = client_for(outsider)
    for name, (url, data) in _actions(staff, invitation).items():
        assert access_outcome(client.post(url, data)) == MISSING, name
    staff.refresh_from_db()
    invitation.refresh_from_db()
    assert staff.is_active and staff.roles == [Role.STAFF] and invitation.is_open
    # Nor by putting another partnership's agency in the form.
    own = make_member(Role.STAFF, partnership=other_partnership, name="Own")
    client.post(reverse("people:member_edit", args=[own.pk]), _edit(own, agency=staff.agency_id))
    own.refresh_from_db()
    assert own.agency_id is None


def _turn_on_two_step(client: Client) -> None:
    """Confirm the password again, as allauth asks, then add an authenticator app."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})


def test_an_admin_without_two_step_is_sent_to_set_it_up(admin: Member) -> None:
    """Admins must use two-step verification before any admin page or action works."""
    Authenticator.objects.filter(user=admin.user).delete()
    client = Client()
    signed_in = client.post(
        reverse("people:login"), {"login": admin.user.email, "password": PASSWORD}, follow=True
    )
    assert (reverse("mfa_activate_totp"), 302) in signed_in.redirect_chain
    assert "Admins must use two-step verification" in signed_in.content.decode()
    for url in (reverse("people:members"), reverse("people:audit"), reverse("people:home")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse(
            "mfa_activate_totp"
        ), url
    response = client.post(
        reverse("people:members"),
        {"email": "x@example.org", "roles": [Role.STAFF], "constituency": "frontline"},
    )
    assert response["Location"] == reverse("mfa_activate_totp")
    assert not Invitation.objects.exists()
    _turn_on_two_step(client)
    assert client.get(reverse("people:members")).status_code == 200


def test_an_admin_signs_in_with_password_and_code(admin: Member) -> None:
    client = Client()
    response = client.post(
        reverse("people:login"), {"login": admin.user.email, "password": PASSWORD}, follow=True
    )
    assert "/2fa/authenticate/" in response.redirect_chain[-1][0]
    assert access_outcome(client.get(reverse("people:members"))) != OK
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert client.get(reverse("people:members")).status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get(reverse("people:members")).status_code == 200


def test_everyone_may_turn_on_two_step(staff: Member) -> None:
    client = Client()
    client.post(reverse("people:login"), {"login": staff.user.email, "password": PASSWORD})
    assert client.get(reverse("people:home")).status_code == 200
    _turn_on_two_step(client)
    assert Authenticator.objects.filter(user=staff.user, type="totp").exists()


def test_a_member_of_two_partnerships_sees_only_the_one_they_are_in(
    make_member: Callable[..., Member], other_partnership: Partnership, make_circle: Callable
) -> None:
    person = make_member(Role.FACILITATOR, name="Both")
    in_b = services.member_create(
        partnership=other_partnership,
        user=person.user,
        display_name="Both in B",
        roles=[Role.FACILITATOR],
        constituency=Constituency.FRONTLINE,
    )
    make_circle(title="Circle of A")
    services.agency_create(partnership=other_partnership, name="B agency", sector="health")
    from village.circles import services as circle_services

    circle_services.circle_create(
        partnership=other_partnership,
        created_by=in_b,
        title="Circle of B",
        purpose="B",
        agreements=["Be kind"],
        prompts=["How are you?"],
        opens_at=in_b.joined_at,
        closes_at=in_b.joined_at.replace(year=in_b.joined_at.year + 1),
    )
    client = client_for(person)
    page = client.get(reverse("circles:list")).content.decode()
    assert "Circle of A" in page and "Circle of B" not in page
    account = client.get(reverse("people:account")).content.decode()
    assert "Southshire Partnership" in account
    client.post(reverse("people:switch"), {"member": in_b.pk})
    page = client.get(reverse("circles:list")).content.decode()
    assert "Circle of B" in page and "Circle of A" not in page
    # Someone else's membership id is not a way in.
    stranger = make_member(Role.STAFF, partnership=other_partnership, name="Stranger")
    other_client = client_for(make_member(Role.STAFF, name="Alone"))
    other_client.post(reverse("people:switch"), {"member": stranger.pk})
    assert "Circle of B" not in other_client.get(reverse("circles:list")).content.decode()
    # A deactivated membership is no longer a choice.
    services.member_deactivate(
        actor=make_member(Role.ADMIN, partnership=other_partnership, name="Bo"), member=in_b
    )
    page = client.get(reverse("circles:list")).content.decode()
    assert "Circle of A" in page and "Circle of B" not in page
