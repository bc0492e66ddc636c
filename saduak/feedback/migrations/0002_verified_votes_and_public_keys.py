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
    for name in ("Vote", "HappinessAlert"):
        model = apps.get_model("feedback", name)
        table = schema_editor.quote_name(model._meta.db_table)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"UPDATE {table} SET public_key = gen_random_uuid() "  # noqa: S608
                "WHERE public_key IS NULL"
            )
            continue
        for pk in model.objects.filter(public_key__isnull=True).values_list(
            "pk", flat=True
        ).iterator():
            model.objects.filter(pk=pk).update(public_key=uuid.uuid4())
    vote = apps.get_model("feedback", "Vote")
    vote.objects.filter(channel__in=VERIFIED).update(verified=True)


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
