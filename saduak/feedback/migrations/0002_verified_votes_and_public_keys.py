"""Verified votes (a served ticket, LINE, a signed-in citizen) are marked and
counted apart in the rollups; votes and alerts get a public key that staff
addresses name instead of the row's sequential id.

Existing rows get distinct keys in one statement (gen_random_uuid on
PostgreSQL 13 and later); the rollups' verified columns start at zero: run
`rollups_recount()` (docs/feedback.md) to fill them from the votes."""

import uuid

from django.db import migrations, models

VERIFIED = ("line_chat", "liff", "portal", "ticket")


def _fill_keys(apps, schema_editor):
    """Each row is updated once: on PostgreSQL a row updated twice in this
    transaction would queue its deferred foreign-key checks, and the ALTER
    TABLE that follows would refuse to run."""
    vote = apps.get_model("feedback", "Vote")
    alert = apps.get_model("feedback", "HappinessAlert")
    if schema_editor.connection.vendor == "postgresql":
        verified = ", ".join(f"'{channel}'" for channel in VERIFIED)
        schema_editor.execute(
            f"UPDATE {schema_editor.quote_name(vote._meta.db_table)} "  # noqa: S608
            "SET public_key = gen_random_uuid(), "
            f"verified = (channel IN ({verified}))"
        )
        schema_editor.execute(
            f"UPDATE {schema_editor.quote_name(alert._meta.db_table)} "  # noqa: S608
            "SET public_key = gen_random_uuid()"
        )
        return
    for pk, channel in vote.objects.values_list("pk", "channel").iterator():
        vote.objects.filter(pk=pk).update(
            public_key=uuid.uuid4(), verified=channel in VERIFIED
        )
    for pk in alert.objects.values_list("pk", flat=True).iterator():
        alert.objects.filter(pk=pk).update(public_key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="vote",
            name="channel",
            field=models.CharField(
                choices=[
                    ("qr", "QR code page"),
                    ("line_chat", "LINE official account"),
                    ("liff", "LINE page (LIFF)"),
                    ("portal", "Signed-in citizen"),
                    ("api", "API"),
                    ("ticket", "Served ticket's page"),
                ],
                max_length=16,
                verbose_name="channel",
            ),
        ),
        migrations.AddField(
            model_name="vote",
            name="verified",
            field=models.BooleanField(default=False, verbose_name="verified"),
        ),
        migrations.AddField(
            model_name="vote",
            name="public_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="happinessalert",
            name="public_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(_fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="vote",
            name="public_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="happinessalert",
            name="public_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
    for _model in (
        "officedayhappiness",
        "officemonthhappiness",
        "districtdayhappiness",
    ):
        operations += [
            migrations.AddField(
                model_name=_model,
                name="verified_votes",
                field=models.PositiveIntegerField(default=0),
            ),
            migrations.AddField(
                model_name=_model,
                name="verified_score",
                field=models.PositiveIntegerField(default=0),
            ),
        ]
