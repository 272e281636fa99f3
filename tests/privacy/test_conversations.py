"""Brave conversations against a full dump and across partnerships.

Members (signed in) and guests join through their group's links, vote and write statements
over HTTP. The tests then read every table as a dump would and try to join a vote to a
person: by a stored column, by any value equal to a pseudonym, by a shared transaction id
(PostgreSQL's xmin), and by time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import MISSING, access_outcome, client_for
from tests.privacy.conftest import dump
from village.conversations import selectors, services
from village.conversations.models import ConstituencyKind, Conversation, Link, Statement
from village.people.browser_key import COOKIE_NAME
from village.people.models import CareerStage, Member, Partnership, Role

POSTGRES = connection.vendor == "postgresql"
NEARING = CareerStage.NEARING_RETIREMENT.value
RARE_STAGE = (0, 7)  # the clients who say they are nearing retirement
ANONYMOUS_TABLES = (
    "conversations_vote",
    "conversations_voter",
    "conversations_statement",
    "conversations_moderationentry",
    "conversations_pendingstage",
)
PERSON_TABLES = (
    "people_member",
    "auth_user",
    "django_session",
    "people_auditevent",
    "account_emailaddress",
)


@dataclass
class Scene:
    conversation: Conversation
    members: list[Member]
    clients: list[Client]


@pytest.fixture
def scene(facilitator: Member, make_member: Callable[..., Member]) -> Scene:
    now = timezone.now()
    conversation = services.conversation_create(
        partnership=facilitator.partnership,
        created_by=facilitator,
        question="What should change?",
        context="Testing.",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=1),
        seeds=[f"Seed statement number {n}" for n in range(6)],
    )
    links = {
        kind: services.link_create(
            conversation=conversation,
            actor=facilitator,
            constituency=conversation.constituencies.get(kind=kind),
        )[0]
        for kind in (ConstituencyKind.FAMILY, ConstituencyKind.FRONTLINE, ConstituencyKind.MANAGER)
    }
    members = [make_member(Role.STAFF, name=f"staff{n}") for n in range(4)]
    members += [make_member(Role.FAMILY, name=f"family{n}") for n in range(3)]
    clients = [client_for(member) for member in members] + [Client() for _ in range(5)]
    kinds = list(links)
    statements = list(selectors.votable_statements(conversation=conversation))
    for index, client in enumerate(clients):
        link: Link = links[kinds[index % 3]]
        # A member and a guest in different constituencies add a rare career stage.
        stage = {"career_stage": NEARING} if index in RARE_STAGE else {}
        joined = client.post(reverse("conversations:join", kwargs={"code": link.code}), stage)
        assert joined.status_code == 302
        url = reverse("conversations:vote", kwargs={"pk": conversation.pk})
        for number, statement in enumerate(statements):
            value = str((index + number) % 3 - 1)
            assert client.post(url, {"statement": statement.pk, "value": value}).status_code == 302
        written = client.post(
            reverse("conversations:write", kwargs={"pk": conversation.pk}),
            {"text": f"Participant statement about services {index}"},
        )
        assert written.status_code == 302
    return Scene(conversation=conversation, members=members, clients=clients)


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def test_vote_and_voter_rows_hold_nothing_about_a_person(scene: Scene) -> None:
    assert _columns("conversations_vote") == {
        "id",
        "conversation_id",
        "statement_id",
        "pseudonym",
        "value",
        "channel",
        "voted_on",
    }
    assert _columns("conversations_voter") == {
        "id",
        "conversation_id",
        "pseudonym",
        "constituency_id",
        "declared_id",
        "channel",
        # Only if the voter chose to add it (issue 13): one of three stages, or empty.
        "career_stage",
        "joined_on",
    }
    for table in ANONYMOUS_TABLES:
        with connection.cursor() as cursor:
            description = connection.introspection.get_table_description(cursor, table)
        kinds = {connection.introspection.get_field_type(c.type_code, c) for c in description}
        assert "DateTimeField" not in kinds, f"{table} holds a precise time"


def test_no_stored_value_anywhere_equals_a_pseudonym(scene: Scene) -> None:
    """A pseudonym appears only in the vote and voter tables: nothing joins it to a person,
    a session or a browser."""
    tables = dump()
    pseudonyms = {row.values["pseudonym"] for row in tables["conversations_voter"]}
    assert len(pseudonyms) == len(scene.clients)
    keys = {
        client.cookies[COOKIE_NAME].value
        for client in scene.clients
        if COOKIE_NAME in client.cookies
    }
    found = []
    for table, rows in tables.items():
        if table in ("conversations_vote", "conversations_voter"):
            continue
        for row in rows:
            for column, value in row.values.items():
                text = str(value)
                if text in pseudonyms or text in keys:
                    found.append(f"{table}.{column}")
    assert not found, found


@pytest.mark.skipif(not POSTGRES, reason="xmin exists on PostgreSQL only")
def test_no_transaction_writes_a_vote_and_a_person(scene: Scene) -> None:
    tables = dump()
    # Seed statements are the facilitator's own, written with the audit row that names them.
    anonymous = {
        row.system["sys_xmin"]
        for table in ANONYMOUS_TABLES
        for row in tables.get(table, [])
        if not row.values.get("seed")
    }
    people = {row.system["sys_xmin"] for table in PERSON_TABLES for row in tables.get(table, [])}
    assert anonymous and people
    assert not anonymous & people


def test_a_held_back_career_stage_is_stored_nowhere_near_its_voter(scene: Scene) -> None:
    """Two voters are nearing retirement, fewer than the minimum in their constituencies:
    no voter row shows it. It waits in sealed rows holding nothing in clear, all written by
    the last join's transaction (on PostgreSQL), whoever declared, and the last to join
    declared nothing."""
    tables = dump()
    assert {row.values["career_stage"] for row in tables["conversations_voter"]} == {""}
    pending = tables["conversations_pendingstage"]
    assert len(pending) == len(RARE_STAGE)
    assert _columns("conversations_pendingstage") == {"id", "conversation_id", "sealed"}
    pseudonyms = [row.values["pseudonym"] for row in tables["conversations_voter"]]
    ids = [str(row.values["id"]) for row in tables["conversations_voter"]]
    for row in pending:
        sealed = bytes(row.values["sealed"])
        for clear in (NEARING, *pseudonyms, *ids):
            assert clear.encode() not in sealed
    if POSTGRES:
        last = max(row.system["sys_xmin"] for row in tables["conversations_voter"])
        assert {row.system["sys_xmin"] for row in pending} == {last}
        assert len(scene.clients) - 1 not in RARE_STAGE


def test_a_stage_reaches_its_group_together_and_never_fewer(scene: Scene) -> None:
    """Enough guests join the frontline group saying they are established: every one of
    them gets it at once, in one transaction, and no stored stage in any constituency is
    shared by fewer than the minimum."""
    conversation = scene.conversation
    size = conversation.partnership.min_group_size
    [link] = services.link_create(
        conversation=conversation,
        actor=conversation.created_by,
        constituency=conversation.constituencies.get(kind=ConstituencyKind.FRONTLINE),
    )
    for _ in range(size):
        joined = Client().post(
            reverse("conversations:join", kwargs={"code": link.code}),
            {"career_stage": CareerStage.ESTABLISHED},
        )
        assert joined.status_code == 302
    tables = dump()
    voters = tables["conversations_voter"]
    groups = Counter(
        (row.values["constituency_id"], row.values["declared_id"], row.values["career_stage"])
        for row in voters
        if row.values["career_stage"]
    )
    assert list(groups.values()) == [size]
    assert len(tables["conversations_pendingstage"]) == len(RARE_STAGE)
    if POSTGRES:
        stored = {row.system["sys_xmin"] for row in voters if row.values["career_stage"]}
        assert len(stored) == 1


def test_statements_carry_only_a_constituency(scene: Scene) -> None:
    statement = Statement.objects.filter(seed=False).first()
    assert statement is not None
    assert _columns("conversations_statement") == {
        "id",
        "conversation_id",
        "text",
        "seed",
        "author_constituency_id",
        "author_declared",
        "state",
        "reason",
        "reviewed",
        "original_id",
        "created_on",
        "moderated_on",
    }


def test_another_partnership_reaches_nothing(
    scene: Scene, make_member: Callable[..., Member], other_partnership: Partnership
) -> None:
    pk = scene.conversation.pk
    for role in (Role.ADMIN, Role.FACILITATOR, Role.STAFF, Role.FAMILY):
        outsider = make_member(role, partnership=other_partnership, name=f"out-{role}")
        client = client_for(outsider)
        listing = client.get(reverse("conversations:list")).content.decode()
        assert scene.conversation.question not in listing
        for name in ("manage", "edit", "moderate", "log", "log_csv"):
            url = reverse(f"conversations:{name}", kwargs={"pk": pk})
            assert access_outcome(client.get(url)) == MISSING, (role, name)
        statement = Statement.objects.filter(seed=False).first()
        assert statement is not None
        decide = reverse("conversations:decide", kwargs={"pk": pk, "statement_pk": statement.pk})
        assert access_outcome(client.post(decide, {"decision": "accept"})) == MISSING
        assert access_outcome(client.get(reverse("conversations:vote", kwargs={"pk": pk}))) != "ok"
        if role in (Role.ADMIN, Role.FACILITATOR):
            with pytest.raises(services.ConversationError):
                services.conversation_close(conversation=scene.conversation, actor=outsider)
    assert not Statement.objects.filter(state="accepted", seed=False).exists()
