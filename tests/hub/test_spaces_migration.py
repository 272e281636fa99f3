"""Space circles made before circles had leads keep their facilitator: the migration moves
it from the link to the circle itself, where the circles app lets them run it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

OLD = [
    ("hub", "0003_merge_stories_spaces_ancestors"),
    ("circles", "0005_reflection_without_row_locks"),
]
NEW = [("hub", "0004_space_circle_lead")]


@pytest.mark.django_db(transaction=True)
def test_a_space_circles_facilitator_becomes_its_lead() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(OLD)
    apps = executor.loader.project_state(OLD).apps
    partnership = apps.get_model("people", "Partnership").objects.create(
        name="Old", slug="old", min_group_size=5
    )
    user = apps.get_model("auth", "User").objects.create(username="sam", email="sam@example.org")
    sam = apps.get_model("people", "Member").objects.create(
        user=user,
        partnership=partnership,
        display_name="Sam",
        roles=["staff"],
        constituency="frontline",
    )
    space = apps.get_model("hub", "LearningSpace").objects.create(
        partnership=partnership, topic="Sleep", facilitator=sam, started_by=sam
    )
    now = timezone.now()
    circles = [
        apps.get_model("circles", "Circle").objects.create(
            partnership=partnership,
            title=title,
            purpose="p",
            join_code=f"OLDCODE{number}",
            opens_at=now,
            closes_at=now + timedelta(hours=1),
        )
        for number, title in enumerate(("Led", "Nobody"))
    ]
    link = apps.get_model("hub", "SpaceCircle")
    link.objects.create(space=space, circle=circles[0], facilitator=sam)
    link.objects.create(space=space, circle=circles[1], facilitator=None)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(NEW)
    apps = executor.loader.project_state(NEW).apps
    leads = dict(apps.get_model("circles", "Circle").objects.values_list("title", "led_by_id"))
    assert leads == {"Led": sam.pk, "Nobody": None}
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
