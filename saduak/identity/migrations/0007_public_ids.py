"""Non-guessable public ids for the records whose addresses carried a sequential
id (passkeys, sign-in sessions, partners). Existing rows each get their own
UUID before the column becomes unique."""


from django.db import migrations, models

from saduak.core.public_ids import fill_public_ids

MODELS = ("passkey", "signinsession", "partner")


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
        migrations.RunPython(
            fill_public_ids("identity", MODELS), migrations.RunPython.noop
        ),
    ]
