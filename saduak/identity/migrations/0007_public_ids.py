"""Non-guessable public ids for the records whose addresses carried a sequential
id (passkeys, sign-in sessions, partners). Existing rows each get their own
UUID before the column becomes unique."""

import uuid

from django.db import migrations, models

MODELS = ("passkey", "signinsession", "partner")


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    for name in MODELS:
        model = apps.get_model("identity", name)
        for pk in model.objects.filter(public_id__isnull=True).values_list(
            "pk", flat=True
        ):
            model.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("identity", "0006_data_access_lean")]

    operations = [
        *[
            migrations.AddField(
                model_name=name,
                name="public_id",
                field=models.UUIDField(editable=False, null=True),
            )
            for name in MODELS
        ],
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
