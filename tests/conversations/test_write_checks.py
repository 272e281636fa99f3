"""The checks shown while a statement is typed (HTMX, a moment after typing stops): the
identifying-details warning, the language lens and near-duplicates. They write nothing, take
the draft in a post body rather than an address, and the page works the same without
JavaScript."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import FORBIDDEN, access_outcome
from tests.conversations.conftest import guest_via
from village.conversations.models import Conversation, Link, Statement

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _check(client: Client, conversation: Conversation, text: str) -> tuple[str, list[str]]:
    url = reverse("conversations:write_check", kwargs={"pk": conversation.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"text": text}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])]
    return response.content.decode(), writes


def test_the_write_page_asks_for_checks_as_people_type(
    conversation: Conversation, family_link: Link
) -> None:
    client = guest_via(family_link)
    page = client.get(reverse("conversations:write", kwargs={"pk": conversation.pk})).content
    check_url = reverse("conversations:write_check", kwargs={"pk": conversation.pk})
    assert f'hx-post="{check_url}"'.encode() in page
    assert b'hx-trigger="input changed delay:300ms"' in page
    assert b'id="write-checks"' in page and b'aria-live="polite"' in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Parents who are non-compliant get no help", "perhaps"),
        ("Call Sarah on 07700 900123 about this", "Check before you post"),
        ("families should read their own case notes", "Is this what you mean?"),
        ("x" * 141, "Please keep it to 140 characters"),
    ],
)
def test_each_check_shows_and_nothing_is_written(
    conversation: Conversation, family_link: Link, text: str, expected: str
) -> None:
    client = guest_via(family_link)
    shown, writes = _check(client, conversation, text)
    assert expected in shown
    assert writes == []
    assert "<html" not in shown  # only the part of the page that changes
    assert not Statement.objects.filter(seed=False).exists()


def test_live_warnings_are_polite_not_alarms(conversation: Conversation, family_link: Link) -> None:
    """Shown again at every pause in typing, so they must not interrupt as an alert does."""
    shown, _writes = _check(guest_via(family_link), conversation, "Call Sarah on 07700 900123")
    assert "Check before you post" in shown and 'role="alert"' not in shown


def test_a_plain_statement_or_nothing_shows_no_checks(
    conversation: Conversation, family_link: Link
) -> None:
    client = guest_via(family_link)
    for text in ("", "   ", "Parents should chair their own meetings"):
        shown, writes = _check(client, conversation, text)
        assert shown.strip() == "" and writes == []


def test_hostile_drafts_are_escaped(conversation: Conversation, family_link: Link) -> None:
    client = guest_via(family_link)
    for text in (
        "<script>alert(1)</script> non-compliant",
        "'; DROP TABLE conversations_statement; -- non-compliant",
        "\x00\ufffd non-compliant",
        "non-compliant " * 2000,
    ):
        shown, writes = _check(client, conversation, text)
        assert "<script>" not in shown and writes == []


def test_only_people_who_joined_get_checks(conversation: Conversation) -> None:
    url = reverse("conversations:write_check", kwargs={"pk": conversation.pk})
    assert access_outcome(Client().post(url, {"text": "non-compliant"})) == FORBIDDEN
    assert Client().get(url).status_code in (403, 405)


def test_without_javascript_posting_shows_the_same_checks(
    conversation: Conversation, family_link: Link
) -> None:
    client = guest_via(family_link)
    write = reverse("conversations:write", kwargs={"pk": conversation.pk})
    page = client.post(write, {"text": "Parents who are non-compliant get no help"}).content
    assert b"Words to think about" in page and b"Post it as it is" in page
    assert not Statement.objects.filter(seed=False).exists()
