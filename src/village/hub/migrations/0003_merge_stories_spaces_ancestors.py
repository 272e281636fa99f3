# Joins the three parts of the hub that were built side by side.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0002_ancestors"),
        ("hub", "0002_spaces"),
        ("hub", "0002_stories"),
    ]

    operations = []
