"""The bench's bulk load of complaints (bench/app/complaints_generator.py): what
it writes follows the app's rules, and the rollups it writes past the services
are the ones the app's own recount makes from the complaints."""

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.utils import timezone

from bench.app.complaints_generator import complaints_generate
from bench.app.management.commands import complaints_generate as command
from saduak.areas.models import Holiday, Office
from saduak.areas.working_days import add_working_days
from saduak.complaints.choices import (
    OPEN_STATUSES,
    RECORDED_CHANNELS,
    ComplaintStatus,
    Escalation,
    EventKind,
)
from saduak.complaints.models import (
    Complaint,
    ComplaintCategory,
    ComplaintDurations,
    ComplaintEvent,
    ComplaintOpenCounts,
    ComplaintReportCounts,
)
from saduak.complaints.report_rollups import report_rollups_recount
from saduak.core.thai import day_bounds

END = date(2026, 3, 31)


@pytest.fixture
def holidays(small_map: None) -> None:
    """A national holiday and one office's own closure inside the load's year,
    so the clock's working days differ from plain weekdays."""
    Holiday.objects.create(date=date(2026, 1, 2), name_th="วันหยุดชดเชย")
    Holiday.objects.create(date=date(2026, 2, 26), name_th="วันมาฆบูชา")
    Holiday.objects.create(
        date=date(2026, 3, 3),
        name_th="ปิดสำนักงานซ่อมอาคาร",
        office=Office.objects.get(code="ddc-5001"),
    )


@pytest.mark.django_db
def test_the_load_has_every_state_and_the_rollups_equal_the_recount(holidays):
    out = StringIO()
    call_command(
        command.Command(),
        "--count=250",
        "--days=120",
        f"--end={END.isoformat()}",
        "--seed=5",
        "--replace",
        stdout=out,
        stderr=StringIO(),
    )
    report = out.getvalue()
    assert report.startswith("250 complaints (")
    # The national tree was installed for it.
    assert ComplaintCategory.objects.exclude(parent=None).count() > 20

    complaints = list(Complaint.objects.select_related("category", "office"))
    assert len(complaints) == 250
    statuses = Counter(complaint.status for complaint in complaints)
    assert set(statuses) >= {
        ComplaintStatus.RECEIVED,
        ComplaintStatus.IN_PROGRESS,
        ComplaintStatus.CLOSED,
    }
    assert {complaint.channel for complaint in complaints} >= {"web", "line", "hotline"}
    since, _unused = day_bounds(END - timedelta(days=119))
    _unused, until = day_bounds(END)
    for complaint in complaints:
        assert since <= complaint.received_at < until
        # The clock in working days of the holder, as complaint_file sets it
        # (reopened ones restart the resolve clock from the reopening).
        start = timezone.localdate(complaint.received_at)
        assert complaint.acknowledge_due == add_working_days(
            start, complaint.category.acknowledge_days, office=complaint.office
        )
        if complaint.reopened_at is None:
            assert complaint.resolve_due == add_working_days(
                start, complaint.category.resolve_days, office=complaint.office
            )
        assert complaint.hq_escalation_due == add_working_days(
            complaint.resolve_due,
            complaint.category.hq_escalation_days,
            office=complaint.office,
        )
        # The states' times follow each other.
        times = [
            complaint.received_at,
            complaint.acknowledged_at,
            complaint.resolved_at,
            complaint.closed_at,
        ]
        known = [moment for moment in times if moment is not None]
        assert known == sorted(known)
        assert (complaint.closed_at is not None) == (
            complaint.status == ComplaintStatus.CLOSED
        )
        assert (complaint.reopened_at is not None) == (complaint.reopen_count == 1)
        if complaint.is_overdue:
            assert complaint.status in OPEN_STATUSES
            assert complaint.escalation >= Escalation.PROVINCE

    # Every complaint's timeline starts with its filing, in time order.
    events = Counter(ComplaintEvent.objects.values_list("complaint_id", flat=True))
    assert set(events) == {complaint.pk for complaint in complaints}
    for complaint in complaints[:50]:
        timeline = list(complaint.events.order_by("at", "id"))
        first = (
            EventKind.RECORDED
            if complaint.channel in RECORDED_CHANNELS
            else EventKind.FILED
        )
        assert timeline[0].kind == first
        assert timeline[0].at == complaint.received_at
        assert timeline[-1].status_after in ("", complaint.status)

    received = ComplaintReportCounts.objects.filter(whole_month=False).aggregate(
        n=Sum("received")
    )["n"]
    assert received == 250
    assert ComplaintDurations.objects.exists()
    open_now = ComplaintOpenCounts.objects.aggregate(n=Sum("open"))["n"]
    assert open_now == sum(statuses[status] for status in OPEN_STATUSES)
    # The app's recount from the complaints finds nothing to repair.
    assert report_rollups_recount() == 0


@pytest.mark.django_db
def test_the_rollups_follow_the_app_when_the_load_is_recounted(holidays):
    call_command("load_complaint_categories", stdout=StringIO())
    made = complaints_generate(
        count=150, days=60, end=END, seed=9, replace=True, recount=True
    )
    assert made.complaints == 150
    assert made.repaired == 0
    assert made.rollup_rows["ComplaintReportCounts"] == (
        ComplaintReportCounts.objects.count()
    )


@pytest.mark.django_db
def test_a_second_load_needs_replace_and_the_same_seed_makes_the_same_load(small_map):
    call_command("load_complaint_categories", stdout=StringIO())
    complaints_generate(count=30, days=30, end=END, seed=4, replace=True)
    first = list(
        Complaint.objects.order_by("id").values_list(
            "reference", "category__code", "district_id", "status", "received_at"
        )
    )
    with pytest.raises(CommandError, match="--replace"):
        call_command(
            command.Command(), "--count=5", f"--end={END.isoformat()}", "--seed=4"
        )
    complaints_generate(count=30, days=30, end=END, seed=4, replace=True)
    again = list(
        Complaint.objects.order_by("id").values_list(
            "reference", "category__code", "district_id", "status", "received_at"
        )
    )
    assert again == first
    with pytest.raises(CommandError, match="--count"):
        call_command(command.Command(), "--count=-1")
