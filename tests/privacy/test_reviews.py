"""Values reviews' anonymous panel ratings against a full dump.

Twelve family members and twelve frontline staff rate two values each, every person with a
pair of scores nobody else gave, so the truth of who gave which rating is known. The tests
then read every table as a dump would, system columns included, and try to link a rating to
a person: by a stored column, by a marker, by a shared transaction id (PostgreSQL's xmin),
and by putting one person's ratings of two values back together from their keys."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection

from tests.privacy.conftest import dump
from tests.privacy.test_dump_attacks import chance_bound
from tests.reviews.conftest import person
from village.anonymity import unseal
from village.people import services as people_services
from village.people.models import AuditEvent, Constituency, Member, Role
from village.reviews import services
from village.reviews.models import Panel, PanelRater, PanelRating, PendingPanelRating, Review, Value

POSTGRES = connection.vendor == "postgresql"
PANEL_TABLES = ("reviews_panelrating", "reviews_pendingpanelrating", "reviews_panelrater")
PERSON_TABLES = (
    "people_member",
    "auth_user",
    "django_session",
    "people_auditevent",
    "account_emailaddress",
    "reviews_selfrating",
    "reviews_notrated",
    "reviews_representative",
)
PEOPLE = 12


@dataclass
class Scene:
    review: Review
    values: tuple[Value, Value]
    members: list[Member]
    # Each member's scores for the two values.
    pairs: dict[Member, tuple[int, int]]


def _scores(n: int) -> tuple[int, int]:
    """Twelve different pairs, each score given by two people of twelve for each value."""
    return n % 6 + 1, n // 2 + 1


@pytest.fixture
def scene(facilitator: Member, agency: object) -> Scene:
    partnership = facilitator.partnership
    admin = person(partnership, "Admin", roles=[Role.ADMIN], constituency=Constituency.MANAGER)
    draft = services.charter_load_default(partnership=partnership, actor=admin)
    services.version_publish(version=draft, actor=admin)
    review = services.review_open(partnership=partnership, actor=admin, quarter="2026-Q3")
    first, second = Value.objects.filter(version_id=review.version_id).order_by("position")[:2]
    members = [
        person(
            partnership,
            f"{kind}{n}",
            roles=[Role.FAMILY if kind == "family" else Role.STAFF],
            constituency=kind,
        )
        for kind in (Constituency.FAMILY, Constituency.FRONTLINE)
        for n in range(PEOPLE)
    ]
    lead = people_services.member_create(
        partnership=partnership,
        user=people_services.user_create(email="lead@example.org", password="x" * 20),
        display_name="Lead",
        roles=[Role.PARTNER_LEAD],
        constituency=Constituency.MANAGER,
        agency=agency,  # type: ignore[arg-type]
    )
    pairs = {}
    for n, member in enumerate(members):
        pairs[member] = _scores(n % PEOPLE)
        a, b = pairs[member]
        services.panel_rate(review=review, actor=member, ratings={first.pk: a, second.pk: b})
        if n % 5 == 0:  # named rows written between anonymous ones
            services.self_rate(
                review=review,
                actor=lead,
                agency=agency,  # type: ignore[arg-type]
                value=first,
                score=1 + n % 6,
            )
    services.ratings_close(review=review, actor=admin)
    return Scene(review, (first, second), members, pairs)


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def test_panel_rows_hold_nothing_about_a_person(scene: Scene) -> None:
    # career_stage: only a stage shared by at least the minimum of the panel (issue 13).
    assert _columns("reviews_panelrating") == {
        "id",
        "review_id",
        "panel",
        "value_id",
        "score",
        "career_stage",
    }
    assert _columns("reviews_pendingpanelrating") == {
        "id",
        "review_id",
        "panel",
        "marker",
        "sealed",
    }
    assert _columns("reviews_panelrater") == {"id", "review_id", "panel", "marker"}
    assert PanelRating.objects.count() == 2 * len(scene.members)
    assert PanelRater.objects.count() == len(scene.members)
    assert not PendingPanelRating.objects.exists()


def test_a_sealed_rating_carries_no_person_and_rating_writes_no_audit(scene: Scene) -> None:
    family = person(
        scene.review.partnership, "Late", roles=[Role.FAMILY], constituency=Constituency.FAMILY
    )
    review = scene.review
    Review.objects.filter(pk=review.pk).update(state="open")
    review.refresh_from_db()
    audit = AuditEvent.objects.count()
    services.panel_rate(review=review, actor=family, ratings={scene.values[0].pk: 3})
    assert AuditEvent.objects.count() == audit
    pending = PendingPanelRating.objects.get()
    payload = unseal(sealed=pending.sealed, context=f"reviews.panel:{review.pk}")
    assert payload == {
        "panel": Panel.FAMILY,
        "career_stage": "",
        "ratings": {str(scene.values[0].pk): 3},
    }


def test_no_stored_value_equals_a_marker_outside_the_panel_tables(scene: Scene) -> None:
    tables = dump()
    markers = {row.values["marker"] for row in tables["reviews_panelrater"]}
    assert len(markers) == len(scene.members)
    found = [
        f"{table}.{column}"
        for table, rows in tables.items()
        if table not in PANEL_TABLES
        for row in rows
        for column, value in row.values.items()
        if str(value) in markers
    ]
    assert not found, found


@pytest.mark.skipif(not POSTGRES, reason="xmin exists on PostgreSQL only")
def test_no_transaction_writes_a_panel_rating_and_a_person(scene: Scene) -> None:
    tables = dump()
    anonymous = {row.system["sys_xmin"] for t in PANEL_TABLES for row in tables.get(t, [])}
    people = {row.system["sys_xmin"] for t in PERSON_TABLES for row in tables.get(t, [])}
    assert anonymous and people
    assert not anonymous & people


def test_key_and_physical_order_do_not_follow_the_order_people_rated(scene: Scene) -> None:
    """Guess that the k-th rating of a value, in key order (the SQLite rowid) or physical
    order (PostgreSQL's ctid), came from the k-th person to rate. The ratings here left the
    mix in one batch when ratings closed (batches released while open loosely follow time,
    as privacy.md says; tests/reviews/test_reviews.py checks their sizes). A guess can only be right
    when the score matches that person's; each score is given by one person in six, so
    random order matches about one guess in six. Without the mix every guess would match."""
    right = guesses = 0
    orders = ["id"] + (["ctid"] if POSTGRES else [])
    for order in orders:
        for offset, panel in enumerate(Panel.values):
            raters = scene.members[offset * PEOPLE : (offset + 1) * PEOPLE]
            for position, value in enumerate(scene.values):
                query = f"SELECT score FROM reviews_panelrating WHERE value_id = %s AND panel = %s ORDER BY {order}"  # noqa: E501, S608
                with connection.cursor() as cursor:
                    cursor.execute(query, [value.pk, panel])
                    stored = [score for (score,) in cursor.fetchall()]
                given = [scene.pairs[member][position] for member in raters]
                assert sorted(stored) == sorted(given)
                right += sum(a == b for a, b in zip(stored, given, strict=True))
                guesses += len(given)
    assert right <= chance_bound(guesses, minimum=6), (right, guesses)
