"""The mix, random keys, coarsened attributes and rounds for members or open to guests.

Responses move to a new table with random integer keys (the SQLite rowid), copied in random
order so the old physical order is gone too. Old rows gain "audience": in a round nobody
answered as a guest every row is a member's; in a round with guests, a row whose attributes
match nobody in the snapshot is a guest's. Guests' self-chosen details are dropped and
members' are coarsened over the round's snapshot, as new answers are.
"""

import secrets

import django.db.models.deletion
from django.db import migrations, models

import village.anonymity
from village.engines.generalise import generalisation

ORDER = ("team", "career_stage", "role", "agency", "sector")
FIELDS = ("agency", "sector", "role", "career_stage", "team")
UNKNOWN = "unknown"


def forwards(apps, schema_editor):
    Round = apps.get_model("pulse", "Round")
    Participation = apps.get_model("pulse", "Participation")
    Snapshot = apps.get_model("pulse", "AudienceSnapshot")
    Old = apps.get_model("pulse", "Response")
    New = apps.get_model("pulse", "ResponseNew")
    for round_ in Round.objects.all():
        had_guests = Participation.objects.filter(round=round_).exclude(browser_hash="").exists()
        if had_guests:
            round_.guests_allowed = True
            round_.save(update_fields=["guests_allowed"])
        snapshot = [
            {name: getattr(row, name) for name in FIELDS}
            for row in Snapshot.objects.filter(round=round_)
        ]
        known = {tuple(str(p[n]) for n in FIELDS) for p in snapshot}
        rule = generalisation(
            population=snapshot,
            order=ORDER,
            minimum=round_.partnership.min_group_size,
            unknown=UNKNOWN,
        )
        rows = list(Old.objects.filter(round=round_))
        secrets.SystemRandom().shuffle(rows)
        copies = []
        for row in rows:
            attributes = row.attributes or {}
            own = tuple(str(attributes.get(n, UNKNOWN)) for n in FIELDS)
            if had_guests and own not in known:
                stored = {"audience": "guest"}
            else:
                stored = {"audience": "member", **rule.apply(attributes)}
            copies.append(
                New(
                    id=village.anonymity.random_key(),
                    round=round_,
                    submitted_on=row.submitted_on,
                    attributes=stored,
                    scores=row.scores,
                    answers=row.answers,
                    comment=row.comment,
                )
            )
        New.objects.bulk_create(copies)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0002_team"),
        ("pulse", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="round",
            name="guests_allowed",
            field=models.BooleanField(default=False, verbose_name="open to guests"),
        ),
        migrations.RemoveField(model_name="draft", name="about"),
        migrations.CreateModel(
            name="ResponseNew",
            fields=[
                ("id", village.anonymity.RandomKeyField(primary_key=True, serialize=False)),
                ("submitted_on", models.DateField()),
                ("attributes", models.JSONField(default=dict)),
                ("scores", models.JSONField(default=dict)),
                ("answers", models.JSONField(default=dict)),
                ("comment", models.TextField(blank=True, max_length=2000)),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="pulse.round",
                    ),
                ),
            ],
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="Response"),
        migrations.RenameModel(old_name="ResponseNew", new_name="Response"),
        migrations.AlterField(
            model_name="response",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="responses",
                to="pulse.round",
            ),
        ),
        migrations.AlterModelOptions(name="response", options={"ordering": ["id"]}),
        migrations.CreateModel(
            name="PendingResponse",
            fields=[
                ("id", village.anonymity.RandomKeyField(primary_key=True, serialize=False)),
                ("marker", models.CharField(max_length=64)),
                ("sealed", models.BinaryField()),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending",
                        to="pulse.round",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("round", "marker"), name="pending_response_once"
                    )
                ],
            },
        ),
    ]
