"""One realistic session, driven over HTTP: named members and guests take part in a circle and
a pulse round, each with their own browser (client and cookies), members signed in.

The scenario records the ground truth an attacker is trying to recover: who wrote each
reflection, each check-in word and each pulse comment. The tests then read the database as a
dump would, system columns included, and try to link the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.pulse.conftest import lead, make_round
from village.circles import services as circle_services
from village.circles.models import Circle, Phase
from village.people import services as people_services
from village.people.browser_key import COOKIE_NAME
from village.people.models import CareerStage, Constituency, Member, Partnership, Role
from village.pulse import selectors
from village.pulse import services as pulse_services
from village.pulse.models import Round

# (agency, team, career stage) for each member who takes part. Some combinations are shared
# by many, some by one person only: the ones a stored-attributes attack would single out.
MEMBER_PROFILES: tuple[tuple[int, int | None, str], ...] = (
    (0, 0, CareerStage.ESTABLISHED),
    (0, 0, CareerStage.ESTABLISHED),
    (0, 0, CareerStage.ESTABLISHED),
    (0, 0, CareerStage.ESTABLISHED),
    (0, 0, CareerStage.ESTABLISHED),
    (0, 1, CareerStage.NEW),
    (1, 2, CareerStage.ESTABLISHED),
    (1, 2, CareerStage.ESTABLISHED),
    (1, 2, CareerStage.NEARING_RETIREMENT),
    (2, None, CareerStage.NEW),
    (2, None, CareerStage.ESTABLISHED),
    (2, None, CareerStage.NEARING_RETIREMENT),
)
GUESTS = 4
__all__ = ["lead", "make_round"]  # the pulse fixtures, shared with test_mix.py


@dataclass
class Person:
    """One named person and their own browser."""

    name: str
    client: Client
    member: Member | None

    @property
    def browser_key(self) -> str:
        return self.client.cookies[COOKIE_NAME].value

    @property
    def session_key(self) -> str:
        cookie = self.client.cookies.get("sessionid")
        return cookie.value if cookie else ""


@dataclass
class Session:
    partnership: Partnership
    circle: Circle
    round: Round
    people: list[Person]
    staff: list[Member]
    # What each person wrote, so a test can score an attacker's guesses.
    reflection_author: dict[str, str] = field(default_factory=dict)
    checkin_author: dict[str, str] = field(default_factory=dict)
    comment_author: dict[str, str] = field(default_factory=dict)


def _member(partnership: Partnership, name: str, roles: list[str], **details: Any) -> Member:
    email = f"{name.lower()}@example.org"
    user = get_user_model().objects.create_user(username=email, email=email, password="x" * 20)
    return people_services.member_create(
        partnership=partnership,
        user=user,
        display_name=name,
        roles=roles,
        constituency=Constituency.FRONTLINE,
        **details,
    )


def _ok(response: Any) -> None:
    assert response.status_code in (200, 302), response.status_code


def _circle_journey(session: Session, facilitator: Client) -> None:
    circle = session.circle
    code = circle.join_code
    prompt = circle.prompts.first()
    assert prompt is not None
    for index, person in enumerate(session.people):
        client = person.client
        _ok(client.get(reverse("circles:room", kwargs={"code": code})))
        _ok(client.post(reverse("circles:join_circle", kwargs={"code": code}), {"agree": "on"}))
        word = f"word{index}"
        session.checkin_author[f"arrive:{word}"] = person.name
        _ok(
            client.post(
                reverse("circles:checkin", kwargs={"code": code, "moment": "arrive"}),
                {"score": str(1 + index % 5), "word": word},
            )
        )
        text = f"Reflection number {index} from someone in the room"
        session.reflection_author[text] = person.name
        _ok(
            client.post(
                reverse("circles:reflect", kwargs={"code": code}),
                {"prompt": prompt.pk, "text": text},
            )
        )
    phase = reverse("circles:move_phase", kwargs={"pk": circle.pk})
    _ok(facilitator.post(phase, {"phase": Phase.GROUP}))
    lead = Member.objects.get(pk=circle.created_by_id)
    theme = circle_services.theme_create(
        circle=circle,
        actor=lead,
        name="Workload",
        reflection_ids=[str(r) for r in circle.reflections.values_list("public_id", flat=True)],
    )
    _ok(facilitator.post(phase, {"phase": Phase.VOTE}))
    for person in session.people:
        _ok(
            person.client.post(
                reverse("circles:dots", kwargs={"code": code}), {f"theme_{theme.pk}": "2"}
            )
        )
    _ok(facilitator.post(phase, {"phase": Phase.CLOSE}))
    for index, person in enumerate(session.people):
        word = f"bye{index}"
        session.checkin_author[f"leave:{word}"] = person.name
        _ok(
            person.client.post(
                reverse("circles:checkin", kwargs={"code": code, "moment": "leave"}),
                {"score": str(1 + (index * 3) % 5), "word": word},
            )
        )
    _ok(facilitator.post(phase, {"phase": Phase.ENDED}))


def _pulse_journey(session: Session, lead: Client) -> None:
    code = session.round.round_code
    for index, person in enumerate(session.people):
        client = person.client
        _ok(client.get(reverse("pulse:start", kwargs={"code": code})))
        steps = selectors.steps_for(round_=session.round)
        for step in steps[:-1]:
            value = str(3 if step.instrument and step.instrument.id == "cbi" else 1 + index % 4)
            data = {f"item_{item.number}": value for item in step.items} | {"next": "1"}
            _ok(client.post(reverse("pulse:answer", args=[code, step.number]), data))
        comment = f"Comment number {index} about how work is going"
        session.comment_author[comment] = person.name
        done = client.post(
            reverse("pulse:answer", kwargs={"code": code, "step": len(steps)}),
            {"comment": comment, "agency": "", "role": "", "career_stage": "", "next": "1"},
        )
        assert "Your score:" in client.get(done["Location"]).content.decode()
    _ok(lead.post(reverse("pulse:close", kwargs={"pk": session.round.pk})))


@pytest.fixture
def session(db: None, settings: Any) -> Session:
    """Twelve members and four guests through a circle and a pulse round, over HTTP."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    partnership = people_services.partnership_create(name="Eastshire", slug="eastshire")
    agencies = [
        people_services.agency_create(partnership=partnership, name=name, sector=sector)
        for name, sector in (
            ("Eastshire Social Work", "social_work"),
            ("Eastshire Health", "health"),
            ("Eastshire Schools", "education"),
        )
    ]
    teams = [
        people_services.team_create(partnership=partnership, agency=agencies[a], name=name)
        for a, name in ((0, "Duty"), (0, "Fostering"), (1, "Health visiting"))
    ]
    facilitator = _member(partnership, "Fran", [Role.FACILITATOR, Role.PARTNER_LEAD])
    staff = [
        _member(
            partnership,
            f"Staff{index:02d}",
            [Role.STAFF],
            agency=agencies[agency],
            team=teams[team] if team is not None else None,
            career_stage=stage,
        )
        for index, (agency, team, stage) in enumerate(MEMBER_PROFILES)
    ]
    people = [Person(name=m.display_name, client=client_for(m), member=m) for m in staff]
    people += [Person(name=f"Guest{i}", client=Client(), member=None) for i in range(GUESTS)]
    now = timezone.now()
    circle = circle_services.circle_create(
        partnership=partnership,
        created_by=facilitator,
        title="Privacy circle",
        purpose="To try to link answers to people.",
        agreements=["Be kind."],
        prompts=["What is working?"],
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=2),
    )
    options: dict[str, Any] = {}
    if any(f.name == "guests_allowed" for f in Round._meta.get_fields()):
        options["guests_allowed"] = True
    round_ = pulse_services.round_schedule(
        partnership=partnership,
        created_by=facilitator,
        title="Privacy round",
        instruments=list(pulse_services.DEFAULT_INSTRUMENTS),
        comment_question="Anything else?",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=7),
        notify=False,
        **options,
    )
    session = Session(
        partnership=partnership, circle=circle, round=round_, people=people, staff=staff
    )
    lead_client = client_for(facilitator)
    _circle_journey(session, lead_client)
    _pulse_journey(session, lead_client)
    return session


@dataclass(frozen=True)
class Row:
    """One row of a dump: its system columns and its values by column name."""

    table: str
    system: dict[str, Any]
    values: dict[str, Any]


def dump() -> dict[str, list[Row]]:
    """Every table, every row, with the system columns the database keeps for each row."""
    if connection.vendor == "postgresql":
        system = ["xmin::text::bigint AS sys_xmin", "ctid::text AS sys_ctid"]
    else:
        system = ["rowid AS sys_rowid"]
    tables: dict[str, list[Row]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            try:
                cursor.execute(f'SELECT {", ".join(system)}, * FROM "{table}"')  # noqa: S608
            except Exception:  # a WITHOUT ROWID table on SQLite: it has no rowid to read
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            names = [column[0] for column in cursor.description]
            tables[table] = [
                Row(
                    table=table,
                    system={
                        n: v for n, v in zip(names, values, strict=True) if n.startswith("sys_")
                    },
                    values={
                        n: v for n, v in zip(names, values, strict=True) if not n.startswith("sys_")
                    },
                )
                for values in cursor.fetchall()
            ]
    return tables
