"""Old rows survive the move to random keys: reflections keep their public ids and secret
hashes, check-ins and responses are copied, and old responses gain "audience"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

OLD = [("circles", "0001_initial"), ("pulse", "0001_initial"), ("people", "0002_team")]
NEW = [("circles", "0002_random_keys_and_mix"), ("pulse", "0002_mix_and_guest_rounds")]


@pytest.mark.django_db(transaction=True)
def test_old_rows_move_to_random_keys_and_gain_an_audience() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(OLD)
    apps = executor.loader.project_state(OLD).apps
    partnership = apps.get_model("people", "Partnership").objects.create(
        name="Old", slug="old", min_group_size=5
    )
    now = timezone.now()
    circle = apps.get_model("circles", "Circle").objects.create(
        partnership=partnership,
        title="Old circle",
        purpose="p",
        join_code="OLDCODE1",
        opens_at=now,
        closes_at=now + timedelta(hours=1),
    )
    prompt = apps.get_model("circles", "Prompt").objects.create(circle=circle, text="How?")
    reflection = apps.get_model("circles", "Reflection").objects.create(
        circle=circle,
        prompt=prompt,
        text="Old words",
        secret_hash="h" * 64,
        created_on=date.today(),
    )
    apps.get_model("circles", "CheckIn").objects.create(
        circle=circle, moment="arrive", score=3, word="ok", created_on=date.today()
    )
    round_ = apps.get_model("pulse", "Round").objects.create(
        partnership=partnership,
        title="Old round",
        round_code="OLDROUND",
        opens_at=now,
        closes_at=now + timedelta(days=1),
    )
    apps.get_model("pulse", "Response").objects.create(
        round=round_,
        submitted_on=date.today(),
        attributes={"agency": "1", "sector": "health", "role": "staff"},
        comment="Old comment",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(NEW)
    apps = executor.loader.project_state(NEW).apps
    moved = apps.get_model("circles", "Reflection").objects.get()
    assert moved.public_id == reflection.id and moved.secret_hash == "h" * 64
    assert isinstance(moved.id, int) and moved.id > 0
    assert apps.get_model("circles", "CheckIn").objects.get().word == "ok"
    response = apps.get_model("pulse", "Response").objects.get()
    assert response.comment == "Old comment"
    assert response.attributes["audience"] == "member"
    assert set(response.attributes.values()) == {"member", "unknown"}, "no snapshot: coarsened"
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_reports_released_before_summaries_gain_one() -> None:
    """The trends page reads each report's summary: older reports get theirs on migrating."""
    before = [("pulse", "0003_stored_ledger"), ("people", "0003_membership_state")]
    after = [("pulse", "0004_report_summary_and_retention")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    partnership = apps.get_model("people", "Partnership").objects.create(name="Old", slug="old")
    now = timezone.now()
    Round = apps.get_model("pulse", "Round")
    measures = [{"key": "cbi.personal", "instrument": "CBI", "name": "Personal"}]
    total = {"key": [], "count": 40, "means": {"cbi.personal": 41.5}, "reason": None}
    for version, filters in ((2, {"audience": "member", "took_part": "yes"}), (1, {})):
        round_ = Round.objects.create(
            partnership=partnership,
            title=f"Version {version}",
            round_code=f"OLD{version}",
            opens_at=now,
            closes_at=now,
            released=True,
        )
        apps.get_model("pulse", "ReleasedReport").objects.create(
            round=round_,
            data={
                "version": version,
                "measures": measures,
                "tables": [
                    {"query": {"breakdown": ["agency"], "filters": filters}, "total": {}},
                    {"query": {"breakdown": [], "filters": filters}, "total": total},
                ],
            },
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    summaries = list(apps.get_model("pulse", "ReleasedReport").objects.values_list("summary"))
    assert summaries == [({"measures": measures, "total": total},)] * 2
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
