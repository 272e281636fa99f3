"""Anonymous means unlinkable in the database: read the tables directly and try to link."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from village.circles.models import CheckIn, Circle, Participant, Reflection
from village.people.browser_key import COOKIE_NAME
from village.people.models import Member

USER_AGENT = "DistinctiveBrowser/9.9 (tracking-test)"
ADDRESS = "203.0.113.77"
ANON_TEXT = "Anonymous words about being stretched thin"
NAMED_TEXT = "Named words about peer supervision helping"


def _post_reflection(client: Client, circle: Circle, text: str, *, name: str = "") -> None:
    room = reverse("circles:room", kwargs={"code": circle.join_code})
    extra = {"HTTP_USER_AGENT": USER_AGENT, "REMOTE_ADDR": ADDRESS}
    client.get(room, **extra)
    client.post(
        reverse("circles:join_circle", kwargs={"code": circle.join_code}), {"agree": "on"}, **extra
    )
    client.post(
        reverse("circles:checkin", kwargs={"code": circle.join_code, "moment": "arrive"}),
        {"score": "2", "word": "tired"},
        **extra,
    )
    data = {"prompt": circle.prompts.first().pk, "text": text}
    if name:
        data |= {"show_name": "on", "name_to_show": name}
    response = client.post(
        reverse("circles:reflect", kwargs={"code": circle.join_code}), data, **extra
    )
    assert response.status_code == 302


def _all_table_values() -> str:
    """Every value in every table, as one string to search."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names come from introspection)
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def _columns(model: type) -> dict[str, str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {column.name: column.type_code for column in description}


@pytest.fixture
def posted(circle: Circle, make_member: Callable[..., Member]) -> dict[str, object]:
    member = make_member("staff", name="Morag")
    member_client = client_for(member)
    guest_client = Client()
    _post_reflection(guest_client, circle, ANON_TEXT)
    _post_reflection(member_client, circle, NAMED_TEXT, name="Morag")
    return {
        "member": member,
        "guest_key": guest_client.cookies[COOKIE_NAME].value,
        "member_key": member_client.cookies[COOKIE_NAME].value,
    }


@pytest.mark.django_db(transaction=True)
def test_reflection_and_checkin_tables_hold_no_link_to_a_person(posted: dict[str, object]) -> None:
    reflection_columns = set(_columns(Reflection))
    assert reflection_columns == {
        "id",
        "public_id",
        "circle_id",
        "prompt_id",
        "theme_id",
        "text",
        "author_label",
        "secret_hash",
        "created_on",
    }
    assert set(_columns(CheckIn)) == {"id", "circle_id", "moment", "score", "word", "created_on"}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT created_on FROM {Reflection._meta.db_table}")  # noqa: S608
        days = [row[0] for row in cursor.fetchall()]
    assert all(len(str(day)) == 10 for day in days), "only the day is kept, never the time"


@pytest.mark.django_db(transaction=True)
def test_no_address_agent_or_browser_key_is_stored_anywhere(posted: dict[str, object]) -> None:
    everything = _all_table_values()
    assert USER_AGENT not in everything
    assert ADDRESS not in everything
    assert str(posted["guest_key"]) not in everything
    assert str(posted["member_key"]) not in everything


@pytest.mark.django_db(transaction=True)
def test_participant_rows_cannot_be_joined_to_reflections(posted: dict[str, object]) -> None:
    participants = list(Participant.objects.values("browser_hash", "member_id"))
    reflections = list(Reflection.objects.values("id", "secret_hash"))
    participant_values = {str(v) for row in participants for v in row.values() if v}
    for row in reflections:
        assert row["secret_hash"] not in participant_values
        assert str(row["id"]) not in participant_values
    assert {p["member_id"] for p in participants} == {None, posted["member"].pk}  # type: ignore[attr-defined]
    named = Reflection.objects.get(text=NAMED_TEXT)
    anonymous = Reflection.objects.get(text=ANON_TEXT)
    assert named.author_label == "Morag" and anonymous.author_label == ""


@pytest.mark.django_db(transaction=True)
def test_reflection_keys_are_random_not_ordered(circle: Circle) -> None:
    client = Client()
    texts = [f"Reflection number {word}" for word in ("one", "two", "three", "four", "five", "six")]
    _post_reflection(client, circle, texts[0])
    for text in texts[1:]:
        client.post(
            reverse("circles:reflect", kwargs={"code": circle.join_code}),
            {"prompt": circle.prompts.first().pk, "text": text},
        )
    listed = [r.text for r in Reflection.objects.all()]
    assert sorted(listed) == sorted(texts)
    assert listed == [r.text for r in Reflection.objects.order_by("id")]


@pytest.mark.django_db(transaction=True)
def test_no_log_record_holds_reflection_text(
    circle: Circle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_text = "Words that must never reach a log file"
    client = Client()
    _post_reflection(client, circle, secret_text)
    client.post(
        reverse("circles:reflect", kwargs={"code": circle.join_code}),
        {"prompt": "not-a-number", "text": secret_text + " again"},
    )
    client.get(reverse("circles:live", kwargs={"code": circle.join_code}) + "?v=0&phase=reflect")
    logged = "\n".join(record.getMessage() + repr(record.args) for record in caplog.records)
    assert secret_text not in logged
    assert client.cookies[COOKIE_NAME].value not in logged
