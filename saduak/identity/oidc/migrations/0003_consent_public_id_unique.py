"""The consents' public ids, filled by 0002, become required and unique."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("oidc", "0002_consent_public_id")]

    operations = [
        migrations.AlterField(
            model_name="partnerconsent",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
