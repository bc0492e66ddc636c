"""The complaints report's rollups against the complaints themselves (row A
of docs/layout.md 8.4): after a mix of writes through the real services
(file, record, accept, start, forward, answer, resolve, close, confirm,
withdraw, reopen, rate, transfer, take over, merge, escalate) on days on
both sides of a month's end, for each level of the reach; after drift and
the recount that repairs it. The expected figures are counted here from the
complaint rows, independently of `report_rollups`."""

import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q, Sum

from saduak.accounts.choices import Role
from saduak.areas.models import District, Holiday, Office
from saduak.areas.working_days import working_days_between
from saduak.complaints.choices import OPEN_STATUSES, Channel, DurationMeasure, Outcome
from saduak.complaints.models import (
    Complaint,
    ComplaintDurations,
    ComplaintOpenCounts,
    ComplaintReportCounts,
)
from saduak.complaints.report_rollups import COUNT_FIELDS, report_rollups_recount
from saduak.complaints.services import complainant, handling
from saduak.complaints.services.escalation import complaints_escalate
from saduak.complaints.services.intake import Contact, complaint_record_for_citizen
from saduak.complaints.tests.factories import file_complaint, make_category, where_in
from saduak.core.rollups import histogram_medians, period_q
from saduak.core.thai import month_start

pytestmark = pytest.mark.django_db

BANGKOK = ZoneInfo("Asia/Bangkok")
START, END = date(2026, 1, 1), date(2026, 3, 31)


def at(day: int, month: int = 1, hour: int = 10) -> time_machine.travel:
    return time_machine.travel(datetime(2026, month, day, hour, 7, tzinfo=BANGKOK))


@pytest.fixture
def mixed(small_map: None, make_staff: Any, make_user: Any) -> dict[str, Complaint]:
    Holiday.objects.create(
        date=date(2026, 2, 2),
        name_th="ปิดสำนักงาน",
        office=Office.objects.get(code="ddc-5001"),
    )
    road = make_category()
    lights = make_category("street-lights", name_th="ไฟดับ", resolve_days=5)
    registry = make_category(
        "id-card", group="registration", handling_office_kind="district_registry"
    )
    officer = make_staff(Role.COUNTER_OFFICER, "ddc-5001")
    officer_5002 = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    district_admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    hq = make_staff(Role.HQ_ADMIN, "hq")
    people = iter(make_user(phone=f"081000{n:04d}") for n in range(40))
    made: dict[str, Complaint] = {}

    def filed(name: str, **kwargs: Any) -> None:
        kwargs.setdefault("citizen", next(people))
        kwargs.setdefault("description", f"เรื่อง {name} ถนนเป็นหลุม")
        made[name] = file_complaint(**kwargs)

    with at(30, 1, 23):
        filed("evening", category=road)
        filed(
            "lights",
            category=lights,
            channel=Channel.LINE,
            citizen=None,
            contact=Contact(line_user_id="U" + "b" * 32),
        )
        filed("bangkok", category=road, district_code="1001")
        filed("registry", category=registry)
    with at(2, 2, 9):
        filed("survivor", category=road, description="ไฟดับทั้งซอยวัดเกตหลายวันแล้ว")
        filed("duplicate", category=road, description="ไฟดับทั้งซอยวัดเกตหลายวัน")
        filed("chomthong", category=lights, district_code="5002")
        made["hotline"] = complaint_record_for_citizen(
            officer=officer,
            office=Office.objects.get(code="ddc-5001"),
            channel=Channel.HOTLINE,
            category=road,
            description="โทรแจ้งสายด่วน",
            where=where_in("5001"),
            contact=Contact(phone="0899999999"),
        )
        filed("withdrawn", category=road)
    with at(3, 2, 14):
        made["evening"] = handling.complaint_accept(
            complaint=made["evening"], officer=officer
        )
        made["lights"] = handling.complaint_forward(
            complaint=made["lights"], officer=officer, agency="PEA", text="ขอให้ซ่อมไฟ"
        )
        made["chomthong"] = handling.complaint_start(
            complaint=made["chomthong"], officer=officer_5002
        )
        handling.complaint_merge(
            duplicate=made["duplicate"], into=made["survivor"], officer=officer
        )
        made["withdrawn"] = complainant.complaint_withdraw(
            complaint=made["withdrawn"], citizen=made["withdrawn"].complainant
        )
        made["hotline"] = handling.complaint_transfer(
            complaint=made["hotline"],
            officer=officer,
            to_district=District.objects.get(code="5002"),
            reason="อยู่จอมทอง",
        )
    with at(5, 2, 11):
        made["lights"] = handling.complaint_agency_answer(
            complaint=made["lights"], officer=officer, text="ซ่อมแล้ว", public=True
        )
        made["lights"] = handling.complaint_resolve(
            complaint=made["lights"], officer=officer, text="ไฟติดแล้ว"
        )
        made["evening"] = handling.complaint_resolve(
            complaint=made["evening"], officer=officer, text="ซ่อมแล้ว"
        )
        made["bangkok"] = handling.complaint_take_over(
            complaint=made["bangkok"], officer=hq, reason="HQ ติดตาม"
        )
        made["registry"] = handling.complaint_close(
            complaint=made["registry"],
            officer=district_admin,
            outcome=Outcome.NOT_WITHIN_AUTHORITY,
            text="ไม่ใช่อำนาจ",
        )
    with at(9, 2, 10):
        made["evening"] = complainant.complaint_confirm_resolved(
            complaint=made["evening"], citizen=made["evening"].complainant
        )
        made["evening"] = complainant.complaint_rate(
            complaint=made["evening"], citizen=made["evening"].complainant, stars=4
        )
        made["survivor"] = handling.complaint_take_over(
            complaint=made["survivor"], officer=province, reason="จังหวัดติดตาม"
        )
    with at(20, 2, 10):
        complaints_escalate()
    with at(2, 3, 10):
        made["registry"] = complainant.complaint_reopen(
            complaint=made["registry"],
            citizen=made["registry"].complainant,
            reason="ยังไม่ได้รับการแก้ไข",
        )
        complaints_escalate()
    for complaint in made.values():
        complaint.refresh_from_db()
    return made


def _figures(rows: list[Complaint]) -> dict[str, int]:
    def local(moment: Any) -> Any:
        return moment.astimezone(BANGKOK).date() if moment else None

    return {
        "received": len(rows),
        "acknowledged": sum(row.acknowledged_at is not None for row in rows),
        "acknowledged_in_time": sum(
            row.acknowledged_at is not None
            and local(row.acknowledged_at) <= row.acknowledge_due
            for row in rows
        ),
        "resolved": sum(row.resolved_at is not None for row in rows),
        "resolved_in_time": sum(
            row.resolved_at is not None and local(row.resolved_at) <= row.resolve_due
            for row in rows
        ),
        "closed": sum(row.closed_at is not None for row in rows),
        "reopened": sum(row.reopen_count > 0 for row in rows),
        "rated": sum(row.rating is not None for row in rows),
        "rating_sum": sum(row.rating or 0 for row in rows),
    }


LEVELS: tuple[tuple[str, Q, dict[str, str]], ...] = (
    ("country", Q(), {}),
    ("province 50", Q(province_id="50"), {"holder_province_code": "50"}),
    ("district 5001", Q(district_id="5001"), {"holder_district_code": "5001"}),
    ("district 5002", Q(district_id="5002"), {"holder_district_code": "5002"}),
)


def _in_period(start: date, end: date, where: dict[str, Any]) -> list[Complaint]:
    return [
        row
        for row in Complaint.objects.filter(**where).select_related("office")
        if start <= row.received_at.astimezone(BANGKOK).date() <= end
    ]


def _reported(
    start: date, end: date, where: Q, group: str | None
) -> dict[Any, dict[str, int]]:
    rows = ComplaintReportCounts.objects.filter(period_q(start, end), where)
    sums = {f"{name}_": Sum(name) for name in COUNT_FIELDS}
    if group is None:
        total = rows.aggregate(**sums)
        if total["received_"] is None:
            return {}
        return {"total": {name: total[f"{name}_"] for name in COUNT_FIELDS}}
    found = rows.values(group).annotate(**sums)
    # A holder that no longer holds anything keeps its rows at zero.
    return {
        item[group]: {name: item[f"{name}_"] for name in COUNT_FIELDS}
        for item in found
        if any(item[f"{name}_"] for name in COUNT_FIELDS)
    }


def _expected(rows: list[Complaint], group: str | None) -> dict[Any, dict[str, int]]:
    groups: dict[Any, list[Complaint]] = defaultdict(list)
    for row in rows:
        key = {
            None: "total",
            "office_id": row.office_id,
            "category_id": row.category_id,
            "channel": row.channel,
        }[group]
        groups[key].append(row)
    return {key: _figures(items) for key, items in groups.items()}


@pytest.mark.parametrize("level", LEVELS, ids=[level[0] for level in LEVELS])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (START, END),
        (date(2026, 1, 30), date(2026, 1, 30)),
        (date(2026, 1, 31), date(2026, 2, 2)),
    ],
)
def test_the_counts_equal_the_complaints(
    mixed: Any, level: Any, start: date, end: date
) -> None:
    _name, where, raw = level
    for group in (None, "office_id", "category_id", "channel"):
        expected = _expected(_in_period(start, end, raw), group)
        assert _reported(start, end, where, group) == expected, group


def test_the_mix_reached_every_state(mixed: Any) -> None:
    states = {(row.status, row.outcome) for row in Complaint.objects.all()}
    assert ("closed", "duplicate") in states and ("reopened", "") in states
    assert Complaint.objects.filter(is_overdue=True).exists()
    assert Complaint.objects.filter(office__code="pao-50").exists()


def test_the_medians_equal_those_of_the_complaints(mixed: Any) -> None:
    for measure, field in (
        (DurationMeasure.ACKNOWLEDGE, "acknowledged_at"),
        (DurationMeasure.RESOLVE, "resolved_at"),
    ):
        histogram = (
            ComplaintDurations.objects.filter(period_q(START, END), measure=measure)
            .values_list("working_days")
            .annotate(n=Sum("count"))
            .values_list("working_days", "n")
        )
        found = histogram_medians(histogram, 0)
        taken = [
            working_days_between(
                row.received_at.astimezone(BANGKOK).date(),
                getattr(row, field).astimezone(BANGKOK).date(),
                office=row.office,
            )
            for row in Complaint.objects.select_related("office")
            if getattr(row, field) is not None
        ]
        assert taken, measure
        assert found == {(): float(statistics.median(taken))}


def test_the_open_counts_equal_the_open_complaints(mixed: Any) -> None:
    expected: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in Complaint.objects.filter(status__in=OPEN_STATUSES):
        key = (row.office_id, row.subdistrict_id or "")
        expected[key][0] += 1
        expected[key][1] += row.is_overdue
    found = {
        (item["office_id"], item["subdistrict_code"]): [item["o"], item["d"]]
        for item in ComplaintOpenCounts.objects.values(
            "office_id", "subdistrict_code"
        ).annotate(o=Sum("open"), d=Sum("overdue"))
        if item["o"] or item["d"]
    }
    assert found == dict(expected)
    assert any(overdue for _open, overdue in found.values())


def test_the_recount_finds_nothing_to_repair_after_the_services(mixed: Any) -> None:
    assert report_rollups_recount() == 0


def test_drift_of_each_kind_is_repaired_and_reported(mixed: Any) -> None:
    counted = list(ComplaintReportCounts.objects.filter(received__gt=0).order_by("pk"))
    before = {
        row.pk: tuple(getattr(row, name) for name in COUNT_FIELDS) for row in counted
    }
    ComplaintReportCounts.objects.filter(pk=counted[0].pk).update(received=99)
    ComplaintReportCounts.objects.filter(pk=counted[1].pk).delete()
    extra = ComplaintReportCounts.objects.create(
        office=Office.objects.get(code="ddc-5002"),
        category=counted[0].category,
        channel="letter",
        day=date(2026, 2, 14),
        received=3,
    )
    ComplaintOpenCounts.objects.update(open=0)
    ComplaintDurations.objects.filter(
        pk=ComplaintDurations.objects.earliest("pk").pk
    ).delete()

    repaired = report_rollups_recount()

    open_rows = ComplaintOpenCounts.objects.count()
    assert repaired == 4 + open_rows
    assert not ComplaintReportCounts.objects.filter(pk=extra.pk).exists()
    now = {
        (row.office_id, row.category_id, row.channel, row.day, row.whole_month): tuple(
            getattr(row, name) for name in COUNT_FIELDS
        )
        for row in ComplaintReportCounts.objects.all()
    }
    assert sorted(now.values()) == sorted(before.values())
    assert report_rollups_recount() == 0


def test_a_write_that_rolls_back_moves_nothing(small_map: None) -> None:
    category = make_category()
    with pytest.raises(RuntimeError), transaction.atomic():
        file_complaint(category=category)
        raise RuntimeError("after the service, in the same transaction")
    assert not ComplaintReportCounts.objects.exists()
    assert not ComplaintOpenCounts.objects.exists()


def test_the_command_is_the_backfill(mixed: Any, capsys: Any) -> None:
    ComplaintReportCounts.objects.all().delete()
    call_command(
        "complaints_report_recount", "--start", "2026-01-01", "--end", "2026-03-31"
    )
    assert "row(s) were repaired" in capsys.readouterr().out
    assert report_rollups_recount() == 0
    assert ComplaintReportCounts.objects.filter(
        whole_month=True, day=month_start(date(2026, 2, 5))
    ).exists()


def test_a_complaint_filed_on_the_last_evening_of_a_month_counts_in_that_month(
    mixed: Any,
) -> None:
    january = ComplaintReportCounts.objects.filter(
        whole_month=True, day=date(2026, 1, 1)
    )
    assert january.aggregate(n=Sum("received"))["n"] == 4
    assert not ComplaintReportCounts.objects.filter(
        whole_month=True, day=date(2026, 1, 1) + timedelta(days=31), received__lt=0
    ).exists()
