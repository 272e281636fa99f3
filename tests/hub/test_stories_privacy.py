"""Anonymous stories of change against a full dump: members tell stories over HTTP, some
anonymously and some by name, with named work written between them; then every table is read
as a dump would read it, system columns included, and each anonymous story is tried against
the rows that name a person: by a stored column, and by a shared transaction (PostgreSQL's
xmin)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from tests.conftest import client_for
from tests.hub.conftest import People
from tests.privacy.conftest import dump
from village.hub import services
from village.hub.models import Project, Story

POSTGRES = connection.vendor == "postgresql"
PERSON_TABLES = (
    "people_member",
    "auth_user",
    "django_session",
    "people_auditevent",
    "hub_selection",
    "hub_indicatorvalue",
)
DOMAIN = "Changes in the lives of children and families"


@pytest.fixture
def told(project: Project, people: People) -> list[int]:
    """Each person tells one anonymous story over the web; a lead records named work and a
    named story between them; the panel selects an anonymous one."""
    member_ids = []
    for n, who in enumerate(("family", "staff", "partner_lead", "facilitator", "admin")):
        member = getattr(people, who)
        member_ids.append(member.pk)
        response = client_for(member).post(
            reverse("hub:story_tell", args=[project.pk]),
            {"domain": DOMAIN, "title": f"Change {n}", "text": "We were heard.", "anonymous": "on"},
        )
        assert response.status_code == 302
        services.story_tell(
            project=project,
            actor=people.lead,
            domain=DOMAIN,
            title=f"Named {n}",
            text="I saw it.",
            anonymous=False,
        )
    anonymous = Story.objects.filter(told_by__isnull=True).first()
    assert anonymous is not None
    services.story_select(story=anonymous, actor=people.facilitator, reason="It shows trust.")
    return member_ids


def test_an_anonymous_story_row_holds_no_person(told: list[int]) -> None:
    tables = dump()
    anonymous = [r for r in tables["hub_story"] if r.values["told_by_id"] is None]
    assert len(anonymous) == 5
    for row in anonymous:
        stored = {str(value) for value in row.values.values()}
        assert not stored & {str(pk) for pk in told} - {str(row.values["project_id"])}
        assert not any(":" in str(value) for key, value in row.values.items() if "on" in key)


@pytest.mark.skipif(not POSTGRES, reason="xmin exists on PostgreSQL only")
def test_no_transaction_writes_an_anonymous_story_and_a_person(told: list[int]) -> None:
    tables = dump()
    anonymous = {
        row.system["sys_xmin"] for row in tables["hub_story"] if row.values["told_by_id"] is None
    }
    people = {row.system["sys_xmin"] for t in PERSON_TABLES for row in tables.get(t, [])}
    named = {
        row.system["sys_xmin"]
        for row in tables["hub_story"]
        if row.values["told_by_id"] is not None
    }
    assert len(anonymous) == 1, "rewritten together, so xmin says nothing of when"
    assert people and not anonymous & (people | named)


def test_where_anonymous_stories_lie_says_nothing_of_the_order_they_were_told(
    project: Project, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found: on PostgreSQL anonymous stories lay on disk (ctid) and in xmin in the order
    they were told. Each anonymous story now writes the project's unselected anonymous
    stories again, in random order; here the random order is made a reversal, so the test
    can see it happen. On SQLite a story's rowid is its random key, so its place is random."""
    monkeypatch.setattr(services, "shuffled", lambda rows: list(reversed(rows)))
    for title in ("A", "B", "C"):
        services.story_tell(
            project=project,
            actor=people.family,
            domain=DOMAIN,
            title=title,
            text="We were heard.",
            anonymous=True,
        )
    rows = [r for r in dump()["hub_story"] if r.values["told_by_id"] is None]
    if POSTGRES:
        on_disk = sorted(rows, key=lambda r: tuple(map(int, r.system["sys_ctid"][1:-1].split(","))))
        assert [r.values["title"] for r in on_disk] == ["C", "B", "A"]
    else:
        assert all(r.system["sys_rowid"] == r.values["id"] for r in rows)
