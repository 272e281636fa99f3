"""Invitations: single-use, expiring, only a hash stored, and never a way into an account.

Accepting never signs anyone in. A new account proves its address with a code before it
can sign in; an address that already has an account joins only after its owner signs in
with their own password.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, client_for
from village.errors import UserError
from village.people import services
from village.people.models import (
    AuditEvent,
    Constituency,
    Invitation,
    Member,
    Partnership,
    Role,
)


@pytest.fixture(autouse=True)
def empty_cache(db: None) -> None:
    caches["default"].clear()


@pytest.fixture
def admin(make_member: Callable[..., Member]) -> Member:
    return make_member(Role.ADMIN, name="Ada")


def _invite(admin: Member, email: str = "new.person@example.org") -> str:
    _invitation, token = services.invitation_create(
        partnership=admin.partnership,
        created_by=admin,
        email=email,
        roles=[Role.STAFF],
        constituency="frontline",
    )
    return token


def _url(token: str) -> str:
    return reverse("people:accept", kwargs={"token": token})


def _signed_in_email(client: Client) -> str | None:
    user = client.get(reverse("people:home")).wsgi_request.user
    return user.email if user.is_authenticated else None


def test_token_is_not_stored(admin: Member) -> None:
    token = _invite(admin)
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert AuditEvent.objects.filter(action="invitation.create").count() == 1


def test_accepting_makes_an_account_but_signs_nobody_in(admin: Member) -> None:
    token = _invite(admin)
    client = Client()
    assert "Join Northshire Partnership" in client.get(_url(token)).content.decode()
    response = client.post(
        _url(token), {"display_name": "New Person", "password": "correct horse battery"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("people:login")
    assert _signed_in_email(client) is None
    member = Member.objects.get(user__email="new.person@example.org")
    assert member.roles == [Role.STAFF] and member.partnership == admin.partnership
    again = Client().get(_url(token))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_a_new_account_proves_its_address_with_a_code_before_signing_in(admin: Member) -> None:
    token = _invite(admin)
    client = Client()
    client.post(_url(token), {"display_name": "New Person", "password": "correct horse battery"})
    mail.outbox.clear()
    response = client.post(
        reverse("people:login"),
        {"login": "new.person@example.org", "password": "correct horse battery"},
        follow=True,
    )
    assert _signed_in_email(client) is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.person@example.org"]
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.MULTILINE)
    assert code is not None, mail.outbox[0].body
    client.post(response.redirect_chain[-1][0], {"code": code.group(1)})
    assert _signed_in_email(client) == "new.person@example.org"


def test_inviting_another_partnerships_admin_does_not_open_their_account(
    make_member: Callable[..., Member], other_partnership: Partnership
) -> None:
    """Finding: an admin of one partnership invited the email address of another
    partnership's admin; opening that invitation with any password signed the attacker in as
    the victim, and the victim's own password still worked."""
    victim = make_member(Role.ADMIN, name="Victim")
    attacker = make_member(Role.ADMIN, partnership=other_partnership, name="Mallory")
    token = _invite(attacker, email=victim.user.email)
    client = Client()
    page = client.get(_url(token)).content.decode()
    assert "Sign in with your own password" in page
    response = client.post(_url(token), {"display_name": "Mallory", "password": "any password 1"})
    assert _signed_in_email(client) is None
    assert "Sign in with your own password" in response.content.decode()
    victim.user.refresh_from_db()
    assert victim.user.check_password(PASSWORD)
    assert not victim.user.check_password("any password 1")
    assert not Member.objects.filter(user=victim.user, partnership=other_partnership).exists()
    assert Invitation.objects.get().used_at is None


def test_an_existing_account_joins_after_signing_in_with_its_own_password(
    make_member: Callable[..., Member], other_partnership: Partnership
) -> None:
    person = make_member(Role.STAFF, name="Sam")
    other_admin = make_member(Role.ADMIN, partnership=other_partnership, name="Olga")
    token = _invite(other_admin, email=person.user.email)
    client = Client()
    sign_in_page = client.get(_url(token)).content.decode()
    assert "Sign in to join" in sign_in_page
    response = client.post(
        reverse("people:login"),
        {"login": person.user.email, "password": PASSWORD, "next": _url(token)},
    )
    assert response["Location"] == _url(token)
    client.post(_url(token), {"display_name": "Sam in Southshire"})
    joined = Member.objects.get(user=person.user, partnership=other_partnership)
    assert joined.roles == [Role.STAFF]
    assert "Southshire Partnership" in client.get(reverse("people:home")).content.decode()


def test_someone_signed_in_cannot_take_an_invitation_for_another_address(
    admin: Member, make_member: Callable[..., Member]
) -> None:
    token = _invite(admin, email="someone.else@example.org")
    outsider = make_member(Role.STAFF, partnership=None, name="Out")
    response = client_for(outsider).post(_url(token), {"display_name": "Out"})
    assert "for a different email address" in response.content.decode()
    assert Invitation.objects.get().used_at is None


def test_inviting_an_existing_member_is_refused_clearly(
    admin: Member, make_member: Callable[..., Member]
) -> None:
    """Finding: inviting someone who is already a member crashed with a 500 on acceptance."""
    staff = make_member(Role.STAFF, name="Sam")
    page = (
        client_for(admin)
        .post(
            reverse("people:members"),
            {"email": staff.user.email, "roles": [Role.STAFF], "constituency": "frontline"},
        )
        .content.decode()
    )
    assert "already a member of this partnership" in page
    # An invitation made before they joined: accepting says so plainly.
    _invitation, token = services.invitation_create(
        partnership=admin.partnership,
        created_by=admin,
        email="later@example.org",
        roles=[Role.STAFF],
        constituency="frontline",
    )
    user = services.user_create(email="later@example.org", password=PASSWORD, email_verified=True)
    services.member_create(
        partnership=admin.partnership,
        user=user,
        display_name="Later",
        roles=[Role.STAFF],
        constituency=Constituency.FRONTLINE,
    )
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = client.post(_url(token), {"display_name": "Later"})
    assert response.status_code == 200
    assert "You are already a member of Northshire Partnership" in response.content.decode()
    anonymous = Client().post(_url(token), {"display_name": "X", "password": "long enough pw 1"})
    assert anonymous.status_code == 200


def test_expired_revoked_and_unknown_links_are_explained(admin: Member) -> None:
    token = _invite(admin)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = Client().get(_url(token))
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    unknown = Client().get(_url("not-a-real-token"))
    assert unknown.status_code == 410 and "not recognised" in unknown.content.decode()
    revoked_token = _invite(admin, email="other@example.org")
    services.invitation_revoke(
        actor=admin, invitation=Invitation.objects.get(email="other@example.org")
    )
    revoked = Client().get(_url(revoked_token))
    assert revoked.status_code == 410 and "withdrawn" in revoked.content.decode()


def test_weak_password_is_refused_and_the_name_kept(admin: Member) -> None:
    token = _invite(admin)
    response = Client().post(_url(token), {"display_name": "Kept Name", "password": "12345678"})
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
    with pytest.raises(UserError, match="role"):
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


def test_password_reset_by_email(make_member: Callable[..., Member]) -> None:
    member = make_member(Role.STAFF, name="Sam")
    client = Client()
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": member.user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/password/reset/key/\S+", mail.outbox[0].body)
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    new_password = "a new and sturdy passphrase"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else "/" + path,
        {"password1": new_password, "password2": new_password},
    )
    user = get_user_model().objects.get(pk=member.user.pk)
    assert user.check_password(new_password)
    assert _signed_in_email(client) is None


def test_password_change_needs_the_current_password(make_member: Callable[..., Member]) -> None:
    member = make_member(Role.STAFF, name="Sam")
    client = client_for(member)
    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "wrong",
            "password1": "brand new phrase 1",
            "password2": "brand new phrase 1",
        },
    )
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)
    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "brand new phrase 1",
            "password2": "brand new phrase 1",
        },
    )
    member.user.refresh_from_db()
    assert member.user.check_password("brand new phrase 1")


def test_join_codes_are_forgiving_and_fresh() -> None:
    from village.people import join_codes

    assert join_codes.normalise(" ab-cd 2345 ") == "ABCD2345"
    assert join_codes.normalise("' OR 1=1 --") == "OR11"
    code = join_codes.new_code(taken=lambda c: False)
    assert code is not None and len(code) == join_codes.LENGTH
    assert set(code) <= set(join_codes.ALPHABET)
    assert join_codes.new_code(taken=lambda c: True) is None
