"""Random integer keys (the SQLite rowid) for reflections and check-ins, and the mix.

The rows move to new tables, copied in random order so the old physical order is gone too.
A reflection keeps its old UUID as its public id, so links and secret hashes still work.
"""

import secrets
import uuid

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import village.anonymity


def forwards(apps, schema_editor):
    shuffle = secrets.SystemRandom().shuffle
    reflections = list(apps.get_model("circles", "Reflection").objects.all())
    shuffle(reflections)
    apps.get_model("circles", "ReflectionNew").objects.bulk_create(
        apps.get_model("circles", "ReflectionNew")(
            id=village.anonymity.random_key(),
            public_id=row.id,
            circle_id=row.circle_id,
            prompt_id=row.prompt_id,
            theme_id=row.theme_id,
            text=row.text,
            author_label=row.author_label,
            secret_hash=row.secret_hash,
            created_on=row.created_on,
        )
        for row in reflections
    )
    checkins = list(apps.get_model("circles", "CheckIn").objects.all())
    shuffle(checkins)
    apps.get_model("circles", "CheckInNew").objects.bulk_create(
        apps.get_model("circles", "CheckInNew")(
            id=village.anonymity.random_key(),
            circle_id=row.circle_id,
            moment=row.moment,
            score=row.score,
            word=row.word,
            created_on=row.created_on,
        )
        for row in checkins
    )


def _fk(to, related_name, *, null=False, on_delete=django.db.models.deletion.CASCADE):
    return models.ForeignKey(
        blank=null, null=null, on_delete=on_delete, related_name=related_name, to=to
    )


class Migration(migrations.Migration):

    dependencies = [
        ("circles", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReflectionNew",
            fields=[
                ("id", village.anonymity.RandomKeyField(primary_key=True, serialize=False)),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("text", models.TextField(max_length=2000)),
                ("author_label", models.CharField(blank=True, max_length=200)),
                ("secret_hash", models.CharField(max_length=64)),
                ("created_on", models.DateField()),
                ("circle", _fk("circles.circle", "+")),
                ("prompt", _fk("circles.prompt", "+")),
                (
                    "theme",
                    _fk("circles.theme", "+", null=True, on_delete=django.db.models.deletion.SET_NULL),
                ),
            ],
        ),
        migrations.CreateModel(
            name="CheckInNew",
            fields=[
                ("id", village.anonymity.RandomKeyField(primary_key=True, serialize=False)),
                (
                    "moment",
                    models.CharField(
                        choices=[("arrive", "Arriving"), ("leave", "Leaving")], max_length=6
                    ),
                ),
                (
                    "score",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ]
                    ),
                ),
                ("word", models.CharField(blank=True, max_length=40)),
                ("created_on", models.DateField()),
                ("circle", _fk("circles.circle", "+")),
            ],
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="Reflection"),
        migrations.DeleteModel(name="CheckIn"),
        migrations.RenameModel(old_name="ReflectionNew", new_name="Reflection"),
        migrations.RenameModel(old_name="CheckInNew", new_name="CheckIn"),
        migrations.AlterField(
            model_name="reflection", name="circle", field=_fk("circles.circle", "reflections")
        ),
        migrations.AlterField(
            model_name="reflection", name="prompt", field=_fk("circles.prompt", "reflections")
        ),
        migrations.AlterField(
            model_name="reflection",
            name="theme",
            field=_fk(
                "circles.theme",
                "reflections",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
            ),
        ),
        migrations.AlterField(
            model_name="checkin", name="circle", field=_fk("circles.circle", "checkins")
        ),
        migrations.AlterModelOptions(name="reflection", options={"ordering": ["id"]}),
        migrations.AlterModelOptions(name="checkin", options={"ordering": ["id"]}),
        migrations.CreateModel(
            name="PendingAnswer",
            fields=[
                ("id", village.anonymity.RandomKeyField(primary_key=True, serialize=False)),
                (
                    "purpose",
                    models.CharField(
                        choices=[("arrive", "Arriving"), ("leave", "Leaving"), ("dots", "Dots")],
                        max_length=6,
                    ),
                ),
                ("marker", models.CharField(max_length=64)),
                ("sealed", models.BinaryField()),
                ("circle", _fk("circles.circle", "pending")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("circle", "purpose", "marker"), name="pending_answer_once"
                    )
                ],
            },
        ),
    ]
