"""The public ids, filled by 0007, become required and unique (a migration of
its own: PostgreSQL does not alter a table with row updates pending in the same
transaction)."""

import uuid

from django.db import migrations, models

MODELS = ("passkey", "signinsession", "partner")


class Migration(migrations.Migration):
    dependencies = [("identity", "0007_public_ids")]

    operations = [
        *[
            migrations.AlterField(
                model_name=name,
                name="public_id",
                field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
            )
            for name in MODELS
        ],
    ]
