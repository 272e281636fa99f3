"""Invitations are single-use, expire, and only a hash of the token is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from village.people import services
from village.people.models import AuditEvent, Invitation, Member, Partnership, Role


@pytest.fixture
def admin(make_member) -> Member:  # type: ignore[no-untyped-def]
    return make_member(Role.ADMIN, name="Ada")


def _invite(admin: Member) -> str:
    _invitation, token = services.invitation_create(
        partnership=admin.partnership,
        created_by=admin,
        email="new.person@example.org",
        roles=[Role.STAFF],
        constituency="frontline",
    )
    return token


def test_token_is_not_stored(admin: Member) -> None:
    token = _invite(admin)
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert AuditEvent.objects.filter(action="invitation.create").count() == 1


def test_accepting_creates_a_member_once(admin: Member) -> None:
    token = _invite(admin)
    url = reverse("people:accept", kwargs={"token": token})
    client = Client()
    assert "Join Northshire Partnership" in client.get(url).content.decode()
    response = client.post(url, {"display_name": "New Person", "password": "correct horse battery"})
    assert response.status_code == 302
    member = Member.objects.get(user__email="new.person@example.org")
    assert member.roles == [Role.STAFF] and member.partnership == admin.partnership
    again = Client().get(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_expired_and_unknown_links_are_explained(admin: Member) -> None:
    token = _invite(admin)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = Client().get(reverse("people:accept", kwargs={"token": token}))
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    unknown = Client().get(reverse("people:accept", kwargs={"token": "not-a-real-token"}))
    assert unknown.status_code == 410 and "not recognised" in unknown.content.decode()


def test_weak_password_is_refused_and_the_name_kept(admin: Member) -> None:
    token = _invite(admin)
    response = Client().post(
        reverse("people:accept", kwargs={"token": token}),
        {"display_name": "Kept Name", "password": "12345678"},
    )
    page = response.content.decode()
    assert "Kept Name" in page and "There is a problem" in page
    assert not Member.objects.filter(display_name="Kept Name").exists()


def test_admin_makes_an_invitation_link_in_the_page(admin: Member) -> None:
    response = client_for(admin).post(
        reverse("people:members"),
        {"email": "x@example.org", "roles": [Role.FAMILY], "constituency": "family"},
    )
    page = response.content.decode()
    assert "Invitation ready" in page and "/invitation/" in page


def test_roles_must_be_known(admin: Member) -> None:
    with pytest.raises(ValueError, match="role"):
        services.invitation_create(
            partnership=admin.partnership,
            created_by=admin,
            email="x@example.org",
            roles=["superuser"],
            constituency="frontline",
        )


def test_partnership_minimum_cannot_go_below_five(partnership: Partnership) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.filter(pk=partnership.pk).update(min_group_size=3)


def test_join_codes_are_forgiving_and_fresh() -> None:
    from village.people import join_codes

    assert join_codes.normalise(" ab-cd 2345 ") == "ABCD2345"
    assert join_codes.normalise("' OR 1=1 --") == "OR11"
    code = join_codes.new_code(taken=lambda c: False)
    assert code is not None and len(code) == join_codes.LENGTH
    assert set(code) <= set(join_codes.ALPHABET)
    assert join_codes.new_code(taken=lambda c: True) is None
