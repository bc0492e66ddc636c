"""A non-guessable public key for attachments, committee meetings and
payments, used in addresses and the API instead of the sequential id. Added
empty, filled with a distinct random value for every existing row, then made
unique and required."""

import uuid

from django.db import migrations, models

MODELS = ("attachment", "committeemeeting", "payment")
BATCH = 1000


def fill_public_ids(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("eservices", name)
        while True:
            rows = list(
                model.objects.filter(public_id__isnull=True).only("pk")[:BATCH]
            )
            if not rows:
                break
            for row in rows:
                row.public_id = uuid.uuid4()
            model.objects.bulk_update(rows, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [("eservices", "0001_initial")]

    operations = [
        *(
            migrations.AddField(
                model_name=name,
                name="public_id",
                field=models.UUIDField(editable=False, null=True),
            )
            for name in MODELS
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=name,
                name="public_id",
                field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
            )
            for name in MODELS
        ),
    ]
