"""Anonymous means unlinkable in the database: read the pulse tables directly after a member
and a guest answer, and try to link what was said to who said it."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from village.people.browser_key import COOKIE_NAME
from village.people.models import Member, Role
from village.pulse import selectors, services
from village.pulse.models import Draft, Participation, Response, Round

USER_AGENT = "DistinctiveBrowser/9.9 (pulse-tracking-test)"
ADDRESS = "203.0.113.78"
MEMBER_COMMENT = "Member words about a heavy caseload"
GUEST_COMMENT = "Guest words about feeling unheard"
EXTRA = {"HTTP_USER_AGENT": USER_AGENT, "REMOTE_ADDR": ADDRESS}


def _answer(client: Client, round_: Round, comment: str) -> None:
    code = round_.round_code
    client.get(reverse("pulse:start", kwargs={"code": code}), **EXTRA)
    for step in selectors.steps_for(round_=round_):
        if step.instrument is not None:
            data = {f"item_{item.number}": "3" for item in step.items} | {"next": "1"}
        else:
            data = {"comment": comment, "agency": "", "role": "staff", "next": "1"}
        done = client.post(
            reverse("pulse:answer", kwargs={"code": code, "step": step.number}), data, **EXTRA
        )
    scores = client.get(done["Location"], **EXTRA)
    assert "Your score:" in scores.content.decode()


def _all_table_values() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from introspection)
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def _columns(model: type) -> set[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {column.name for column in description}


@pytest.fixture
def answered(
    make_round: Callable[..., Round],
    make_member: Callable[..., Member],
    caplog: pytest.LogCaptureFixture,
) -> dict[str, object]:
    caplog.set_level(logging.DEBUG)
    member = make_member(Role.STAFF, name="Morag")
    round_ = make_round()
    member_client = client_for(member)
    guest_client = Client()
    _answer(member_client, round_, MEMBER_COMMENT)
    _answer(guest_client, round_, GUEST_COMMENT)
    # A third person leaves a draft, to check drafts and participation cannot be joined.
    drafter = Client()
    drafter.post(
        reverse("pulse:answer", kwargs={"code": round_.round_code, "step": 1}),
        {"item_1": "2", "save": "1"},
        **EXTRA,
    )
    # Closing releases what waits in the mix; the draft is kept here to check it cannot be
    # joined, so release the answers directly rather than close.
    services.pending_release(round_=round_, final=True)
    return {
        "round": round_,
        "member": member,
        "keys": [c.cookies[COOKIE_NAME].value for c in (member_client, guest_client, drafter)],
    }


@pytest.mark.django_db(transaction=True)
def test_response_rows_hold_no_person_participation_address_or_time(
    answered: dict[str, object],
) -> None:
    assert _columns(Response) == {
        "id",
        "round_id",
        "submitted_on",
        "attributes",
        "scores",
        "answers",
        "comment",
    }
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT submitted_on FROM {Response._meta.db_table}")  # noqa: S608
        days = [str(row[0]) for row in cursor.fetchall()]
    assert len(days) == 2 and all(len(day) == 10 for day in days), "the day only"
    member: Member = answered["member"]  # type: ignore[assignment]
    for response in Response.objects.all():
        flat = repr(response.attributes) + repr(response.answers) + repr(response.scores)
        assert member.display_name not in flat and str(member.user.email) not in flat
        assert response.attributes in (
            {"audience": "guest"},
            {"audience": "member", "agency": "unknown", "sector": "unknown", "role": "unknown"}
            | {"career_stage": "unknown", "team": "unknown"},
        ), "a guest stores only that; a member asked alone stores nothing more"


@pytest.mark.django_db(transaction=True)
def test_no_address_agent_or_browser_key_is_stored_anywhere(answered: dict[str, object]) -> None:
    everything = _all_table_values()
    assert USER_AGENT not in everything
    assert ADDRESS not in everything
    for key in answered["keys"]:  # type: ignore[attr-defined]
        assert key not in everything


@pytest.mark.django_db(transaction=True)
def test_drafts_participation_and_responses_share_no_joining_value(
    answered: dict[str, object],
) -> None:
    participations = list(Participation.objects.values("id", "member_id", "browser_hash"))
    drafts = list(Draft.objects.values("id", "key_hash"))
    responses = list(Response.objects.values("id"))
    assert len(drafts) == 1 and len(participations) == 2, "a draft writes no participation"
    participation_values = {str(v) for row in participations for v in row.values() if v}
    for draft in drafts:
        assert draft["key_hash"] not in participation_values
        assert str(draft["id"]) not in participation_values
    for response in responses:
        assert str(response["id"]) not in participation_values
    assert {p["member_id"] for p in participations} == {None, answered["member"].pk}  # type: ignore[attr-defined]
    assert _columns(Draft) == {
        "id",
        "round_id",
        "key_hash",
        "answers",
        "comment",
        "step",
        "updated_on",
    }


@pytest.mark.django_db(transaction=True)
def test_response_keys_are_random_and_listed_in_key_order(answered: dict[str, object]) -> None:
    ids = [r.id for r in Response.objects.all()]
    assert ids == sorted(ids)
    assert all(0 < i < 2**63 for i in ids) and len(set(ids)) == 2


@pytest.mark.django_db(transaction=True)
def test_no_log_record_or_audit_event_holds_comment_text(
    answered: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert MEMBER_COMMENT not in logged and GUEST_COMMENT not in logged
    from village.people.models import AuditEvent

    audit = repr(list(AuditEvent.objects.values()))
    assert MEMBER_COMMENT not in audit and GUEST_COMMENT not in audit
