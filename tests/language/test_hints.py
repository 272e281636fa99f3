"""Live language hints: what the endpoint answers, to whom, that it keeps and logs nothing,
and that a circle reflection shows the same hints after posting without JavaScript."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import client_for, guest_in
from village.circles.models import Circle, Reflection
from village.people import throttle
from village.people.models import Role

pytestmark = pytest.mark.django_db

HINTS = reverse("language:hints")
DRAFT = "The family were hard to reach and non-compliant with the plan."
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _hints(client: Client, text: str, box: str = "id_text") -> str:
    response = client.post(HINTS, {"text": text, "for": box})
    assert response.status_code == 200
    return response.content.decode()


def test_each_flagged_word_comes_with_kinder_words_to_click_and_the_reason() -> None:
    page = _hints(Client(), DRAFT)
    assert "Words to think about" in page
    assert 'data-from="hard to reach" data-to="seldom heard"' in page
    assert 'data-from="non-compliant"' in page
    assert "Puts the gap in the people." in page


def test_kind_words_and_empty_drafts_get_no_panel() -> None:
    assert "Words to think about" not in _hints(Client(), "We listened and changed the plan.")
    assert _hints(Client(), "").strip() == ""


def test_a_draft_goes_in_the_body_never_the_address() -> None:
    assert Client().get(HINTS, {"text": DRAFT}).status_code == 405


def test_the_form_token_is_needed() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(HINTS, {"text": DRAFT}).status_code == 403


@pytest.mark.parametrize("role", [None, *Role.values])
def test_everyone_who_can_see_a_box_may_ask(role: str | None, make_member: Any) -> None:
    client = client_for(make_member(role)) if role else Client()
    assert "non-compliant" in _hints(client, DRAFT)


def test_a_guest_in_a_circle_may_ask(circle: Circle) -> None:
    assert "hard to reach" in _hints(guest_in(circle), DRAFT)


def test_nothing_is_written_and_no_log_record_holds_the_words(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "Jayden is hard to reach"
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        _hints(Client(), secret)
    assert [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])] == []
    for record in caplog.records:
        assert "Jayden" not in record.getMessage()
        assert "Jayden" not in repr(record.args)


def test_html_and_script_in_a_draft_or_box_name_come_back_as_plain_text() -> None:
    page = _hints(Client(), '<script>alert(1)</script> "hard to reach"', box='x"><script>')
    assert "<script>" not in page
    assert "hard to reach" in page


def test_a_huge_draft_is_read_only_so_far_and_answered_quickly() -> None:
    started = time.perf_counter()
    page = _hints(Client(), "hard to reach " + "a" * 1_000_000)
    assert time.perf_counter() - started < 2
    assert "hard to reach" in page


def test_the_reflection_box_has_a_hints_panel(circle: Circle) -> None:
    page = guest_in(circle).get(reverse("circles:room", kwargs={"code": circle.join_code}))
    html = page.content.decode()
    assert f'data-hints-url="{HINTS}"' in html
    assert 'aria-live="polite"' in html


def test_without_javascript_the_hints_show_after_posting_and_posting_is_not_blocked(
    circle: Circle,
) -> None:
    client = guest_in(circle)
    url = reverse("circles:reflect", kwargs={"code": circle.join_code})
    prompt = circle.prompts.first()
    assert prompt is not None
    data = {"prompt": prompt.pk, "text": DRAFT}
    first = client.post(url, data).content.decode()
    assert "Words to think about" in first
    assert 'data-from="non-compliant"' in first
    assert "Post it as it is" in first
    assert not Reflection.objects.exists()
    client.post(url, {**data, "confirmed": "True"})
    assert Reflection.objects.get().text == DRAFT


def _limited(settings: Any, *, browser: int = 3, address: int = 6) -> None:
    settings.VILLAGE_THROTTLE_LIMITS = {
        "hints": throttle.Limit(browser, address, throttle.MINUTE, "Hints are taking a break.")
    }


def test_a_client_asking_faster_than_anyone_types_gets_an_empty_quiet_429(settings: Any) -> None:
    _limited(settings, browser=100, address=3)
    client = Client(REMOTE_ADDR="203.0.113.40")
    for _ in range(3):
        assert "hard to reach" in _hints(client, DRAFT)
    refused = client.post(HINTS, {"text": DRAFT, "for": "id_text"})
    assert refused.status_code == 429
    assert refused.content == b""
    assert refused["Retry-After"] == "60"
    # Another address is counted on its own.
    assert "hard to reach" in _hints(Client(REMOTE_ADDR="203.0.113.41"), DRAFT)


def test_each_browser_is_counted_even_behind_one_address(circle: Circle, settings: Any) -> None:
    _limited(settings, browser=2, address=100)
    first, second = guest_in(circle), guest_in(circle)
    for _ in range(2):
        _hints(first, DRAFT)
    assert first.post(HINTS, {"text": DRAFT}).status_code == 429
    assert "hard to reach" in _hints(second, DRAFT)


def test_the_limit_keeps_no_address_and_logs_none(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _limited(settings, browser=100, address=1)
    address = "203.0.113.42"
    caplog.set_level(logging.DEBUG)
    client = Client(REMOTE_ADDR=address)
    _hints(client, DRAFT)
    assert client.post(HINTS, {"text": DRAFT}).status_code == 429
    internal = cache._cache  # type: ignore[attr-defined]  # the local-memory cache's own dict
    assert internal and all(address not in str(key) for key in internal)
    for record in caplog.records:
        assert address not in record.getMessage() and address not in repr(record.__dict__)
