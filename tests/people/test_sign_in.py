"""Signing in: argon2 hashes, and throttling after repeated failures."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD
from village.people.models import Member


@pytest.fixture(autouse=True)
def empty_cache(db: None) -> None:
    cache.clear()


def test_sign_in_and_out(make_member: Callable[..., Member]) -> None:
    member = make_member("staff")
    client = Client()
    response = client.post(
        reverse("people:login"), {"username": member.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert member.display_name in client.get(reverse("people:home")).content.decode()
    client.post(reverse("people:logout"))
    assert client.get(reverse("circles:list")).status_code == 302


def test_wrong_password_is_explained_without_saying_which_part(
    make_member: Callable[..., Member],
) -> None:
    member = make_member("staff")
    page = (
        Client()
        .post(reverse("people:login"), {"username": member.user.username, "password": "wrong"})
        .content.decode()
    )
    assert "That email and password do not match" in page


def test_repeated_failures_lock_the_account_for_a_while(make_member: Callable[..., Member]) -> None:
    member = make_member("staff")
    client = Client()
    for _ in range(5):
        client.post(reverse("people:login"), {"username": member.user.username, "password": "no"})
    locked = client.post(
        reverse("people:login"), {"username": member.user.username, "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert "Please wait before trying again" in locked.content.decode()


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2(db: None) -> None:
    user = get_user_model().objects.create_user(username="a@example.org", password="x-long-pass")
    assert user.password.startswith("argon2$")
