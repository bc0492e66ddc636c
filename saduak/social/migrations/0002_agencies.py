"""Loads the agency list (data/agencies.json) with the same loader as
`manage.py load_social_agencies`."""

from typing import Any

from django.db import migrations

from saduak.social.agencies import agencies_load


def load(apps: Any, schema_editor: Any) -> None:
    agencies_load(apps.get_model("social", "Agency"))


class Migration(migrations.Migration):
    dependencies = [("social", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
