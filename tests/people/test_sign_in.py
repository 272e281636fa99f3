"""Signing in and out through django-allauth: argon2 hashes, throttling that cannot be used to
lock someone else out, client addresses kept only as keyed hashes in the cache, and a
sign-out that leaves nothing for the next person on a shared computer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD, client_for
from village.circles.models import Circle
from village.people.browser_key import COOKIE_NAME
from village.people.models import Member
from village.pulse import services as pulse_services
from village.pulse.models import Draft

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture(autouse=True)
def empty_cache(db: None) -> None:
    caches["default"].clear()


def _sign_in(client: Client, email: str, password: str, **extra: str) -> object:
    return client.post(reverse("people:login"), {"login": email, "password": password}, **extra)


def test_sign_in_and_out(make_member: Callable[..., Member]) -> None:
    member = make_member("staff")
    client = Client()
    response = _sign_in(client, member.user.email, PASSWORD)
    assert response.status_code == 302
    assert member.display_name in client.get(reverse("people:home")).content.decode()
    client.post(reverse("people:logout"))
    assert client.get(reverse("circles:list")).status_code == 302


def test_sign_out_needs_a_post(make_member: Callable[..., Member]) -> None:
    member = make_member("staff")
    client = client_for(member)
    client.get(reverse("people:logout"))
    assert member.display_name in client.get(reverse("people:home")).content.decode()


def test_wrong_password_is_explained_without_saying_which_part(
    make_member: Callable[..., Member],
) -> None:
    member = make_member("staff")
    page = _sign_in(Client(), member.user.email, "wrong").content.decode()
    assert "That email and password do not match" in page


def test_failing_on_purpose_does_not_lock_the_owner_out(
    make_member: Callable[..., Member],
) -> None:
    """Finding: five wrong passwords locked anyone's account for 15 minutes, so anyone could
    lock a facilitator out just before a session. Now the guesser slows only themselves."""
    facilitator = make_member("facilitator")
    attacker = Client()
    for _ in range(6):
        _sign_in(attacker, facilitator.user.email, "not-their-password", **ATTACKER)
    refused = _sign_in(attacker, facilitator.user.email, PASSWORD, **ATTACKER)
    assert "too many attempts to sign in from here" in refused.content.decode()
    owner = Client()
    assert _sign_in(owner, facilitator.user.email, PASSWORD, **OWNER).status_code == 302


def test_one_client_guessing_many_accounts_is_slowed(make_member: Callable[..., Member]) -> None:
    attacker = Client()
    emails = [make_member("staff", name=f"n{i}").user.email for i in range(11)]
    pages = [_sign_in(attacker, email, "guess", **ATTACKER).content.decode() for email in emails]
    assert "too many attempts" not in pages[0]
    assert "too many attempts" in pages[-1]


def test_throttling_keeps_no_client_address(make_member: Callable[..., Member]) -> None:
    """The counters live in the cache under a keyed hash of the address, never the address,
    and no table holds the address."""
    member = make_member("staff")
    for _ in range(3):
        _sign_in(Client(), member.user.email, "wrong", **ATTACKER)
    stored = repr(dict(caches["default"]._cache))  # type: ignore[attr-defined]
    keys = list(caches["default"]._cache)  # type: ignore[attr-defined]
    assert any("login_failed" in key for key in keys)
    assert ATTACKER["REMOTE_ADDR"] not in stored
    assert ATTACKER["REMOTE_ADDR"] not in "".join(keys)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            assert ATTACKER["REMOTE_ADDR"] not in repr(cursor.fetchall()), table


def test_sign_out_forgets_the_browser_key_and_drafts(
    circle: Circle, make_member: Callable[..., Member]
) -> None:
    """Finding: on a shared computer the browser key survived signing out, and the next
    person saw Change and Withdraw on the last person's reflection and their half-finished
    check-in answers."""
    from tests.pulse.conftest import full_answers

    member = make_member("staff", name="Sam")
    client = client_for(member)
    client.post(reverse("circles:join_circle", kwargs={"code": circle.join_code}), {"agree": "on"})
    client.post(
        reverse("circles:checkin", kwargs={"code": circle.join_code, "moment": "arrive"}),
        {"score": "3"},
    )
    client.post(
        reverse("circles:reflect", kwargs={"code": circle.join_code}),
        {"prompt": circle.prompts.first().pk, "text": "Something only I should change"},
    )
    room = reverse("circles:room", kwargs={"code": circle.join_code})
    assert "Withdraw" in client.get(room).content.decode()
    key = client.cookies[COOKIE_NAME].value
    round_ = pulse_services.round_schedule(
        partnership=member.partnership,
        created_by=make_member("partner_lead", name="Lee"),
        title="Check-in",
        instruments=list(pulse_services.DEFAULT_INSTRUMENTS),
        comment_question="Anything else?",
        opens_at=circle.opens_at,
        closes_at=circle.closes_at,
        guests_allowed=True,
    )
    pulse_services.draft_save(
        round_=round_,
        member=member,
        browser_key=key,
        step=1,
        answers=full_answers(round_.instruments[:1]),
    )
    other = pulse_services.draft_save(
        round_=round_, member=None, browser_key="k" * 43, step=1, answers={}
    )
    assert Draft.objects.count() == 2

    client.post(reverse("people:logout"))

    assert client.cookies[COOKIE_NAME].value != key
    assert list(Draft.objects.values_list("pk", flat=True)) == [other.pk]
    client.post(reverse("circles:join_circle", kwargs={"code": circle.join_code}), {"agree": "on"})
    client.post(
        reverse("circles:checkin", kwargs={"code": circle.join_code, "moment": "arrive"}),
        {"score": "3"},
    )
    page = client.get(room).content.decode()
    assert "Something only I should change" in page and "Withdraw" not in page


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2(db: None) -> None:
    user = get_user_model().objects.create_user(username="a@example.org", password="x-long-pass")
    assert user.password.startswith("argon2$")
