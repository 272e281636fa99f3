"""OpenID Connect sign-in against a real provider started on 127.0.0.1 for the test.

The provider (oidc-provider-mock, built on Authlib) serves discovery, an authorisation page,
a token endpoint issuing id_tokens signed with the key in its JWKS, and userinfo. The test
walks the whole flow over HTTP: Village sends the browser to the provider, the person
chooses an identity there, the provider sends the browser back with a code, and Village
exchanges the code, checks the signed id_token and reads userinfo.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import werkzeug.serving
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from oidc_provider_mock import app as provider_app

from tests.conftest import PASSWORD
from village.people import services
from village.people.models import Member, Partnership, Role

PROVIDER_ID = "northshire-idp"


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A running OIDC provider on 127.0.0.1; yields its issuer URL."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def identity_provider(
    provider: str, partnership: Partnership, monkeypatch: pytest.MonkeyPatch
) -> SocialApp:
    """Set up as an admin would, with `village identity_provider`."""
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "client-secret")
    out = StringIO()
    call_command(
        "identity_provider",
        partnership="northshire",
        id=PROVIDER_ID,
        name="Northshire Council account",
        server_url=provider,
        client_id="village",
        stdout=out,
    )
    assert f"/accounts/oidc/{PROVIDER_ID}/login/callback/" in out.getvalue()
    return SocialApp.objects.get(provider_id=PROVIDER_ID)


def _set_identity(provider: str, sub: str, claims: dict[str, Any]) -> None:
    httpx.put(f"{provider}/users/{sub}", json=claims).raise_for_status()


def _sign_in_through_provider(client: Client, sub: str) -> Any:
    """Drive the browser's part of the flow; returns Village's answer to the callback."""
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))
    assert start.status_code == 302
    authorize = start["Location"]
    assert "/oauth2/authorize" in authorize and "code_challenge=" in authorize
    chosen = httpx.post(authorize, data={"sub": sub}, follow_redirects=False)
    assert chosen.status_code == 302, chosen.text
    callback = urlsplit(chosen.headers["location"])
    assert callback.path == reverse("openid_connect_callback", kwargs={"provider_id": PROVIDER_ID})
    return client.get(f"{callback.path}?{callback.query}", follow=True)


def _signed_in_user(client: Client) -> Any:
    return client.get(reverse("people:home")).wsgi_request.user


def test_the_sign_in_page_offers_the_provider(identity_provider: SocialApp) -> None:
    page = Client().get(reverse("people:login")).content.decode()
    assert "Northshire Council account" in page


def test_a_member_signs_in_through_the_provider_by_verified_email(
    identity_provider: SocialApp, provider: str, make_member: Callable[..., Member]
) -> None:
    member = make_member(Role.STAFF, name="Sam")
    _set_identity(provider, "sam-at-idp", {"email": member.user.email, "email_verified": True})
    client = Client()
    response = _sign_in_through_provider(client, "sam-at-idp")
    assert response.status_code == 200
    assert _signed_in_user(client) == member.user
    assert member.display_name in client.get(reverse("people:home")).content.decode()
    account = SocialAccount.objects.get(user=member.user)
    assert account.uid == "sam-at-idp"
    # The account's own password still works: it was verified, so nothing was wiped.
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)
    # Next time the provider's subject alone finds the account.
    again = Client()
    _sign_in_through_provider(again, "sam-at-idp")
    assert _signed_in_user(again) == member.user


def test_an_unverified_email_claim_does_not_open_an_account(
    identity_provider: SocialApp, provider: str, make_member: Callable[..., Member]
) -> None:
    """Takeover through an identity provider that lets anyone claim any address."""
    member = make_member(Role.STAFF, name="Sam")
    _set_identity(provider, "mallory", {"email": member.user.email, "email_verified": False})
    client = Client()
    _sign_in_through_provider(client, "mallory")
    assert not _signed_in_user(client).is_authenticated
    assert not SocialAccount.objects.exists()
    assert get_user_model().objects.count() == 1


def test_an_unknown_person_gets_no_account(identity_provider: SocialApp, provider: str) -> None:
    _set_identity(provider, "stranger", {"email": "stranger@example.org", "email_verified": True})
    client = Client()
    page = _sign_in_through_provider(client, "stranger").content.decode()
    assert not _signed_in_user(client).is_authenticated
    assert not get_user_model().objects.exists()
    assert "Village is by invitation" in page


def test_an_admin_still_needs_their_second_step(
    identity_provider: SocialApp, provider: str, make_member: Callable[..., Member]
) -> None:
    admin = make_member(Role.ADMIN, name="Ada")
    _set_identity(provider, "ada", {"email": admin.user.email, "email_verified": True})
    client = Client()
    response = _sign_in_through_provider(client, "ada")
    assert "/2fa/authenticate/" in response.redirect_chain[-1][0]
    assert not _signed_in_user(client).is_authenticated


def test_a_provider_cannot_sign_in_members_of_another_partnership(
    identity_provider: SocialApp,
    provider: str,
    make_member: Callable[..., Member],
    other_partnership: Partnership,
) -> None:
    """A provider set up for Northshire asserts, verified, the address of a Southshire
    member: it is refused, because it does not speak for Southshire."""
    outsider = make_member(Role.STAFF, partnership=other_partnership, name="Sol")
    _set_identity(provider, "sol", {"email": outsider.user.email, "email_verified": True})
    client = Client()
    response = _sign_in_through_provider(client, "sol")
    assert response.status_code == 403
    assert "not set up for your partnership" in response.content.decode()
    assert not _signed_in_user(client).is_authenticated
    assert not SocialAccount.objects.exists()


def test_a_provider_without_email_verified_is_trusted_only_for_its_domains(
    provider: str,
    partnership: Partnership,
    make_member: Callable[..., Member],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Like Entra ID: no email_verified claim at all."""
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "client-secret")
    call_command(
        "identity_provider",
        partnership="northshire",
        id=PROVIDER_ID,
        name="Northshire Council account",
        server_url=provider,
        client_id="village",
        verified_domain=["northshire.example"],
        stdout=StringIO(),
    )
    member = make_member(Role.STAFF, name="Sam")  # an example.org address
    _set_identity(provider, "sam", {"email": member.user.email})
    refused = Client()
    _sign_in_through_provider(refused, "sam")
    assert not _signed_in_user(refused).is_authenticated
    services.user_create(email="kim@northshire.example", password=PASSWORD, email_verified=True)
    kim_user = get_user_model().objects.get(email="kim@northshire.example")
    services.member_create(
        partnership=partnership,
        user=kim_user,
        display_name="Kim",
        roles=[Role.STAFF],
        constituency="frontline",
    )
    _set_identity(provider, "kim", {"email": "kim@northshire.example"})
    client = Client()
    _sign_in_through_provider(client, "kim")
    assert _signed_in_user(client) == kim_user
