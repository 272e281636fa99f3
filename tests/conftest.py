"""Shared fixtures: a partnership with a member in every role, and a second partnership."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from village.circles import services as circle_services
from village.circles.models import Circle
from village.circles.starters import REGULAR
from village.people import services as people_services
from village.people.models import Agency, Constituency, Member, Partnership, Role

PASSWORD = "a-long-test-password-1"
# Every admin made by make_member has two-step verification on with this secret.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ACCOUNT_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The authenticator app's current code for a secret."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


ROLES = tuple(Role.values)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; tests that only need accounts use a quick hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Any) -> None:
    """Queued work runs at once in tests; tests of the worker itself use DATABASE_TASKS."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Throttle counts and form tokens live in the cache: each test starts with none."""
    cache.clear()


@pytest.fixture
def partnership(db: None) -> Partnership:
    return people_services.partnership_create(name="Northshire Partnership", slug="northshire")


@pytest.fixture
def other_partnership(db: None) -> Partnership:
    return people_services.partnership_create(name="Southshire Partnership", slug="southshire")


@pytest.fixture
def agency(partnership: Partnership) -> Agency:
    return people_services.agency_create(
        partnership=partnership, name="Northshire Social Work", sector="social_work"
    )


@pytest.fixture
def make_member(agency: Agency) -> Callable[..., Member]:
    def make(role: str, *, partnership: Partnership | None = None, name: str = "") -> Member:
        home = partnership or agency.partnership
        email = f"{role}-{home.slug}-{name or 'x'}@example.org"
        user = people_services.user_create(email=email, password=PASSWORD, email_verified=True)
        if role == Role.ADMIN:
            people_services.two_step_activate(user=user, secret=TOTP_SECRET)
        return people_services.member_create(
            partnership=home,
            user=user,
            display_name=name or f"{role.title()} Person",
            roles=[role],
            constituency=Constituency.FRONTLINE,
            agency=agency if home.pk == agency.partnership_id else None,
            job_title="Senior Practitioner",
        )

    return make


@pytest.fixture
def facilitator(make_member: Callable[..., Member]) -> Member:
    return make_member(Role.FACILITATOR, name="Fran")


@pytest.fixture
def make_circle(facilitator: Member) -> Callable[..., Circle]:
    def make(**overrides: object) -> Circle:
        now = timezone.now()
        values: dict[str, object] = {
            "partnership": facilitator.partnership,
            "created_by": facilitator,
            "title": "Test circle",
            "purpose": "To test.",
            "agreements": [str(a) for a in REGULAR.agreements],
            "prompts": [str(p) for p in REGULAR.prompts],
            "opens_at": now - timedelta(minutes=5),
            "closes_at": now + timedelta(hours=2),
        }
        values.update(overrides)
        return circle_services.circle_create(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def circle(make_circle: Callable[..., Circle]) -> Circle:
    return make_circle()


def client_for(member: Member | None) -> Client:
    client = Client()
    if member is not None:
        client.force_login(member.user, backend=ACCOUNT_BACKEND)
    return client


OK, LOGIN, FORBIDDEN, MISSING = "ok", "login", "forbidden", "missing"


def guest_in(circle: Circle, *, arrive: bool = True) -> Client:
    """A browser of its own that joined the circle as a guest and, by default, checked in."""
    client = Client()
    code = circle.join_code
    client.post(reverse("circles:join_circle", kwargs={"code": code}), {"agree": "on"})
    if arrive:
        client.post(
            reverse("circles:checkin", kwargs={"code": code, "moment": "arrive"}), {"score": "3"}
        )
    return client


def access_outcome(response: Any) -> str:
    """What a response means for access: shown, sent to sign in, refused, or not found."""
    status = response.status_code
    if status in (200, 204):
        return OK
    if status == 302:
        return LOGIN if "/sign-in/" in response["Location"] else OK
    return {403: FORBIDDEN, 404: MISSING}[status]
