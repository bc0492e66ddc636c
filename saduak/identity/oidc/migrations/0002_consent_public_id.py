"""A non-guessable public id for consents (the withdraw address carried the
sequential id). Existing rows each get their own UUID first."""


from django.db import migrations, models

from saduak.core.public_ids import fill_public_ids


class Migration(migrations.Migration):
    dependencies = [("oidc", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="partnerconsent",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(
            fill_public_ids("oidc", ["partnerconsent"]), migrations.RunPython.noop
        ),
    ]
