"""`Application.decided_within_target` and the rollup of decisions by the day
they were made (`ApplicationDecisionCounts`), for the KPI source
`eservices.decided_within_target` (saduak/eservices/kpi_sources.py).

The applications decided before this migration get `decided_within_target`
here, by the rule the workflow follows (`services.applications._decided_within
_target`): every stage visit left by the decision was left by its due date.
The rollup's backfill is the report recount: run `manage.py
eservices_report_recount` once after this migration (the nightly task runs the
same recount)."""

import django.db.models.deletion
from django.db import migrations, models


def decided_within_target(apps, schema_editor):
    Application = apps.get_model("eservices", "Application")
    StageVisit = apps.get_model("eservices", "StageVisit")
    decided = Application.objects.filter(
        decided_at__isnull=False, decided_within_target__isnull=True
    ).only("pk", "decided_at")
    changed = []
    for application in decided.iterator(chunk_size=2000):
        application.decided_within_target = not StageVisit.objects.filter(
            application_id=application.pk,
            left_at__lte=application.decided_at,
            within_target=False,
        ).exists()
        changed.append(application)
        if len(changed) >= 2000:
            Application.objects.bulk_update(changed, ["decided_within_target"])
            changed = []
    if changed:
        Application.objects.bulk_update(changed, ["decided_within_target"])


class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0002_office_location'),
        ('eservices', '0004_report_rollups'),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='decided_within_target',
            field=models.BooleanField(blank=True, null=True, verbose_name='decided within target'),
        ),
        migrations.CreateModel(
            name='ApplicationDecisionCounts',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('whole_month', models.BooleanField(default=False)),
                ('decided', models.IntegerField(default=0)),
                ('decided_within_target', models.IntegerField(default=0)),
                ('district', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.district')),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='areas.office')),
                ('province', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.province')),
                ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='eservices.service')),
            ],
            options={
                'indexes': [models.Index(fields=['day', 'province'], name='eservice_decided_province'), models.Index(fields=['day', 'district'], name='eservice_decided_district')],
                'constraints': [models.UniqueConstraint(fields=('office', 'service', 'day', 'whole_month'), name='eservice_decision_counts_unique')],
            },
        ),
        migrations.RunPython(decided_within_target, migrations.RunPython.noop),
    ]
