"""A non-guessable public id for consents (the withdraw address carried the
sequential id). Existing rows each get their own UUID first."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    model = apps.get_model("oidc", "partnerconsent")
    for pk in model.objects.filter(public_id__isnull=True).values_list(
        "pk", flat=True
    ):
        model.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("oidc", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="partnerconsent",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
