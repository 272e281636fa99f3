"""Faults: designed error pages without the database, a post while the database is down,
and no token in any log line."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from village.circles.models import Circle, Reflection
from village.logs import RedactSecrets, redact
from village.people import services as people_services
from village.people.models import Member, Role

QUICK_EXIT = "Leave this page quickly"


@contextmanager
def database_down(error: type[Exception] = OperationalError) -> Iterator[None]:
    """Every query fails as it does while PostgreSQL restarts."""

    def refuse(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        raise error("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


@contextmanager
def captured_log() -> Iterator[io.StringIO]:
    """What Village's own log handler writes, after its filters."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecrets) for f in h.filters)
    ]
    assert handlers, "the console handler carries the redacting filter"
    stream = io.StringIO()
    old = [h.setStream(stream) for h in handlers]  # type: ignore[attr-defined]
    try:
        yield stream
    finally:
        for handler, previous in zip(handlers, old, strict=True):
            handler.setStream(previous)  # type: ignore[attr-defined]


def _joined_guest(circle: Circle) -> Client:
    client = Client()
    client.post(reverse("circles:join_circle", kwargs={"code": circle.join_code}), {"agree": "on"})
    client.post(
        reverse("circles:checkin", kwargs={"code": circle.join_code, "moment": "arrive"}),
        {"score": "3"},
    )
    return client


def test_a_post_while_the_database_is_down_keeps_the_words(circle: Circle) -> None:
    """Finding: during a PostgreSQL restart, posts got a bare 500 and their text was gone."""
    client = _joined_guest(circle)
    data = {
        "prompt": str(circle.prompts.first().pk),  # type: ignore[union-attr]
        "text": "Handovers between teams leave me anxious",
        "form_token": "d" * 22,
    }
    url = reverse("circles:reflect", kwargs={"code": circle.join_code})
    with database_down():
        response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 503
    assert "Not saved yet" in page and "Your words are still here" in page
    assert '<textarea class="ds_input" id="words-1" name="text"' in page
    assert "Handovers between teams leave me anxious</textarea>" in page
    assert f'action="{url}"' in page and 'name="form_token" value="' + "d" * 22 in page
    assert QUICK_EXIT in page
    assert not Reflection.objects.exists()
    again = client.post(url, data)
    assert again.status_code == 302
    assert client.post(url, data).status_code == 302
    assert Reflection.objects.filter(text=data["text"]).count() == 1


def test_a_lost_connection_mid_request_also_keeps_the_words(circle: Circle) -> None:
    from django.db import InterfaceError

    client = _joined_guest(circle)
    url = reverse("circles:reflect", kwargs={"code": circle.join_code})
    with database_down(InterfaceError):
        response = client.post(url, {"prompt": "1", "text": "Still here after the blip"})
    assert response.status_code == 503
    assert "Still here after the blip</textarea>" in response.content.decode()


def test_polling_while_the_database_is_down_gets_a_503_not_a_500(circle: Circle) -> None:
    client = _joined_guest(circle)
    url = reverse("circles:live", kwargs={"code": circle.join_code}) + "?v=0&phase=reflect"
    with database_down():
        response = client.get(url)
    assert response.status_code == 503
    assert "cannot reach its database" in response.content.decode()


def test_error_pages_are_designed_and_need_no_database(db: None) -> None:
    """Finding: the error pages had no quick exit and no design."""
    with database_down(RuntimeError):
        missing = Client().get("/no-such-page/")
        expired = Client(enforce_csrf_checks=True).post("/circles/join/", {"code": "x"})
    assert missing.status_code == 404 and expired.status_code == 403
    for response, heading in ((missing, "We could not find that page"), (expired, "expired")):
        page = response.content.decode()
        assert heading in page and QUICK_EXIT in page and "ds_page" in page


def test_an_oversized_post_gets_the_designed_400_page(db: None) -> None:
    body = "code=" + "x" * (11 * 1024 * 1024)
    response = Client().post(
        "/circles/join/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "We could not read what was sent" in page and QUICK_EXIT in page


def test_a_500_is_designed_and_its_log_line_has_no_token(
    partnership: object, make_member: Callable[..., Member]
) -> None:
    """Finding: invitation tokens appeared in error log lines, and the logged link worked."""
    _invitation, token = people_services.invitation_create(
        partnership=partnership,  # type: ignore[arg-type]
        created_by=make_member(Role.ADMIN),
        email="new@example.org",
        roles=["staff"],
        constituency="frontline",
        agency=None,
    )
    client = Client(raise_request_exception=False)
    with captured_log() as log, database_down(RuntimeError):
        response = client.get(f"/invitation/{token}/?token={token}")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, something went wrong on our side" in page and QUICK_EXIT in page
    written = log.getvalue()
    assert "Internal Server Error" in written and "Traceback" in written
    assert token not in written
    assert "/invitation/[redacted]/" in written


def test_a_csrf_failure_log_line_has_no_token(db: None) -> None:
    """Finding: invitation tokens appeared in CSRF log lines."""
    token = "Zk3_" + "a1B2c3D4e5" * 4
    client = Client(enforce_csrf_checks=True)
    with captured_log() as log:
        response = client.post(f"/invitation/{token}/", {"password1": "x"})
    assert response.status_code == 403
    assert "This page had expired" in response.content.decode()
    written = log.getvalue()
    assert "Forbidden" in written
    assert token not in written and "[redacted]" in written


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("Not Found: /circles/c/ABCD2345/live/", "ABCD2345"),
        ("GET /pulse/r/WXYZ6789/step/2/", "WXYZ6789"),
        ("GET /circles/join/?code=ABCD2345&x=1", "ABCD2345"),
        ("/accounts/password/reset/key/3-abc123def456/", "abc123def456"),
        ("GET /x/?reset_key=sdf8sdf7sd6f5s4df", "sdf8sdf7sd6f5s4df"),
        ("stray secret 0aF3kLm9QwErTy12UiOp-_zx in a message", "0aF3kLm9QwErTy12UiOp-_zx"),
    ],
)
def test_secrets_are_redacted_from_log_text(line: str, secret: str) -> None:
    assert secret not in redact(line)


def test_ordinary_log_text_is_left_alone() -> None:
    line = "Internal Server Error: /circles/12/facilitate/ in village.circles.views"
    assert redact(line) == line


def test_a_post_saved_before_its_live_note_failed_is_acknowledged_once(
    circle: Circle, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Posts are saved in a transaction of their own and live pages told after; when telling
    them fails, the post is still saved, and its author is told so, not asked to send again."""
    from django.db import OperationalError

    from village.circles import changes

    def fails(circle_id: int) -> int:
        raise OperationalError("the server closed the connection")

    client = _joined_guest(circle)
    monkeypatch.setattr(changes, "_bump", fails)
    words = "Supervision on Fridays keeps me steady"
    response = client.post(
        reverse("circles:reflect", kwargs={"code": circle.join_code}),
        {"prompt": str(circle.prompts.first().pk), "text": words, "form_token": "n" * 22},  # type: ignore[union-attr]
    )
    assert response.status_code == 302
    assert Reflection.objects.filter(text=words).count() == 1
    assert "not noted for live pages" in caplog.text and words not in caplog.text
