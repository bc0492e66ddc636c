"""A non-guessable public key for attachments, committee meetings and
payments, used in addresses and the API instead of the sequential id. Added
empty, filled with a distinct random value for every existing row, then made
unique and required."""

import uuid

from django.db import migrations, models

from saduak.core.public_ids import fill_public_ids

MODELS = ("attachment", "committeemeeting", "payment")


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
        migrations.RunPython(
            fill_public_ids("eservices", MODELS), migrations.RunPython.noop
        ),
        *(
            migrations.AlterField(
                model_name=name,
                name="public_id",
                field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
            )
            for name in MODELS
        ),
    ]
