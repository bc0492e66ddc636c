"""What the KPI sources of appointments need (saduak/appointments/kpi_sources.py):

- `MobileRequest.served_on`, the day a person was served, filled here for the
  requests already served (the visit's day when they had a visit on or before
  the day the outcome was recorded, else that day);
- `MobileServedCounts`, the rollup of people served per district and day. Its
  backfill is the recount: run `manage.py appointments_mobile_recount` once
  after this migration (the nightly task runs the same recount);
- `OfficeDayStats.bookings_called` and `bookings_on_time`. The statistics of
  today and yesterday are recounted by the usual schedule; older days get them
  with `manage.py appointments_day_stats_recount --start ... --end ...`."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def served_days(apps, schema_editor):
    """served_on for the requests already served, by the rule the service
    follows (`services.mobile.served_day`)."""
    MobileRequest = apps.get_model("appointments", "MobileRequest")
    served = (
        MobileRequest.objects.filter(status="served", served_on__isnull=True)
        .select_related("visit")
        .only("pk", "closed_at", "requested_at", "visit__day")
    )
    changed = []
    for request in served.iterator(chunk_size=2000):
        recorded = timezone.localdate(request.closed_at or request.requested_at)
        visit_day = request.visit.day if request.visit is not None else None
        request.served_on = (
            visit_day if visit_day is not None and visit_day <= recorded else recorded
        )
        changed.append(request)
        if len(changed) >= 2000:
            MobileRequest.objects.bulk_update(changed, ["served_on"])
            changed = []
    if changed:
        MobileRequest.objects.bulk_update(changed, ["served_on"])


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0002_booking_cancel_reason'),
        ('areas', '0002_office_location'),
    ]

    operations = [
        migrations.AddField(
            model_name='mobilerequest',
            name='served_on',
            field=models.DateField(blank=True, null=True, verbose_name='served on'),
        ),
        migrations.AddField(
            model_name='officedaystats',
            name='bookings_called',
            field=models.PositiveIntegerField(default=0, verbose_name='bookings checked in and called'),
        ),
        migrations.AddField(
            model_name='officedaystats',
            name='bookings_on_time',
            field=models.PositiveIntegerField(default=0, verbose_name='bookings called on time'),
        ),
        migrations.CreateModel(
            name='MobileServedCounts',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('whole_month', models.BooleanField(default=False)),
                ('served', models.IntegerField(default=0)),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.district')),
                ('province', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.province')),
            ],
            options={
                'verbose_name': 'mobile unit people served',
                'verbose_name_plural': 'mobile unit people served',
                'indexes': [models.Index(fields=['day', 'province'], name='appointment_day_71b88c_idx')],
                'constraints': [models.UniqueConstraint(fields=('district', 'day', 'whole_month'), name='mobile_served_district_day_unique')],
            },
        ),
        migrations.RunPython(served_days, migrations.RunPython.noop),
    ]
