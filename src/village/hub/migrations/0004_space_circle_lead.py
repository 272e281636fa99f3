# A space circle's facilitator moves to the circle itself (circles.Circle.led_by), where the
# circles app lets them run it; the copy on SpaceCircle goes.

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def lead_from_link(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Each space circle is led by whoever started it, as its link recorded."""
    space_circle = apps.get_model("hub", "SpaceCircle")
    circle = apps.get_model("circles", "Circle")
    for link in space_circle.objects.exclude(facilitator=None):
        circle.objects.filter(pk=link.circle_id).update(led_by_id=link.facilitator_id)


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0003_merge_stories_spaces_ancestors"),
        ("circles", "0006_circle_led_by"),
    ]

    operations = [
        migrations.RunPython(lead_from_link, migrations.RunPython.noop),
        migrations.RemoveField(model_name="spacecircle", name="facilitator"),
    ]
