"""The complaint figures after a mix of writes through the real services
(core's): every figure of every level equals the complaints themselves,
counted here from their rows (docs/layout.md 8.4, pattern A)."""

import statistics
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.units import COUNTRY, DISTRICT, OFFICE, PROVINCE, Unit
from saduak.areas.models import District, Office, Province, Subdistrict
from saduak.areas.working_days import working_days_between
from saduak.complaints.choices import OPEN_STATUSES, Channel, Outcome
from saduak.complaints.models import Complaint
from saduak.complaints.selectors.reports import PROVINCE_HELD, complaints_report
from saduak.complaints.services import complainant, handling
from saduak.complaints.services.escalation import complaints_escalate
from saduak.complaints.services.intake import Contact, complaint_record_for_citizen
from saduak.complaints.tests.factories import file_complaint, make_category, where_in

pytestmark = pytest.mark.django_db

BANGKOK = ZoneInfo("Asia/Bangkok")


def file_one_of_each() -> list[str]:
    """Complaints by each way in, with names, phones, e-mail and text that
    must never show on a public page; returns those secrets."""
    category = make_category()
    secrets = []
    for number, district in enumerate(("5001", "5002", "1001")):
        name = f"นายลับเฉพาะ{number} ไม่เปิดเผย"
        phone = f"08199900{number}{number}"
        text = f"ข้อความร้องเรียนลับ {number} เจ้าหน้าที่เรียกเงินใต้โต๊ะ"
        email = f"secret{number}@example.com"
        file_complaint(
            category=category,
            district_code=district,
            description=text,
            contact=Contact(name=name, phone=phone, email=email),
        )
        secrets += [name, phone, text, email]
    return secrets


def _local_day(moment):
    return timezone.localdate(moment) if moment is not None else None


def raw_figures(complaints, start, end):
    """The figures counted from the complaints' own rows."""
    cohort = [c for c in complaints if start <= _local_day(c.received_at) <= end]
    acknowledged = [c for c in cohort if c.acknowledged_at is not None]
    resolved = [c for c in cohort if c.resolved_at is not None]
    rated = [c for c in cohort if c.rating is not None]
    opened = [c for c in complaints if c.status in OPEN_STATUSES]

    def days(c, moment):
        return working_days_between(
            _local_day(c.received_at), _local_day(moment), office=c.office
        )

    acknowledge_days = [days(c, c.acknowledged_at) for c in acknowledged]
    resolve_days = [days(c, c.resolved_at) for c in resolved]
    return {
        "received": len(cohort),
        "acknowledged": len(acknowledged),
        "acknowledged_in_time": sum(
            _local_day(c.acknowledged_at) <= c.acknowledge_due for c in acknowledged
        ),
        "resolved": len(resolved),
        "resolved_in_time": sum(
            _local_day(c.resolved_at) <= c.resolve_due for c in resolved
        ),
        "closed": sum(c.closed_at is not None for c in cohort),
        "reopened": sum(c.reopen_count > 0 for c in cohort),
        "rated": len(rated),
        "rating_sum": sum(c.rating for c in rated),
        "open": len(opened),
        "overdue": sum(c.is_overdue for c in opened),
        "median_acknowledge_days": (
            float(statistics.median(acknowledge_days)) if acknowledge_days else None
        ),
        "median_resolve_days": (
            float(statistics.median(resolve_days)) if resolve_days else None
        ),
    }


NAMES = (
    "received",
    "acknowledged",
    "acknowledged_in_time",
    "resolved",
    "resolved_in_time",
    "closed",
    "reopened",
    "rated",
    "rating_sum",
    "open",
    "overdue",
    "median_acknowledge_days",
    "median_resolve_days",
)


def reported(figures) -> dict[str, object]:
    return {name: getattr(figures, name) for name in NAMES}


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BANGKOK)


@pytest.fixture
def written(small_map, make_staff, time_machine) -> list[Complaint]:
    """Complaints filed on the web and from LINE, recorded by officers from
    the hotline and letters, in three districts of two provinces, over four
    months, in two category groups and several subdistricts."""
    roads = make_category("road-damage", group="infrastructure")
    lights = make_category(
        "street-lights", group="infrastructure", name_th="ไฟดับ", name_en="Lights out"
    )
    bribe = make_category(
        "bribery", group="officials", name_th="เรียกรับเงิน", name_en="Bribes"
    )
    officer = make_staff(Role.COUNTER_OFFICER, "ddc-5001")
    desk = Office.objects.get(code="ddc-5001")
    today = timezone.localdate()
    subdistricts = {
        district: list(
            Subdistrict.objects.filter(district_id=district)
            .order_by("code")
            .values_list("code", flat=True)[:3]
        )
        for district in ("5001", "5002", "1001")
    }
    plan = []
    for number in range(24):
        district = ("5001", "5001", "5002", "1001")[number % 4]
        places = subdistricts[district]
        plan.append(
            (
                today - timedelta(days=(number * 5) % 120),
                district,
                places[number % len(places)] if number % 5 else None,
                (roads, lights, bribe)[number % 3],
                (Channel.WEB, Channel.LINE, Channel.HOTLINE, Channel.LETTER)[
                    number % 4
                ],
                number,
            )
        )
    for day, district, subdistrict, category, channel, number in sorted(
        plan, key=lambda item: item[0]
    ):
        time_machine.move_to(at(day, 9 + number % 6), tick=False)
        where = (
            where_in(district, subdistrict_code=subdistrict)
            if subdistrict
            else where_in(district, address=f"หมู่ {number} ตลาดสด")
        )
        description = f"เรื่องที่ {number}: ถนนพังและไฟดับหน้าตลาด"
        if channel in (Channel.HOTLINE, Channel.LETTER):
            complaint_record_for_citizen(
                officer=officer,
                office=desk,
                channel=channel,
                category=category,
                description=description,
                where=where,
                contact=Contact(name=f"ผู้ร้อง {number}", phone="0812345678"),
            )
        else:
            file_complaint(
                category=category,
                where=where,
                channel=channel,
                description=description,
                contact=Contact(name=f"ผู้ร้อง {number}", phone="0812345678")
                if channel == Channel.WEB
                else Contact(line_user_id=f"U{number:032d}"),
            )
    handle_them(make_staff, time_machine, today)
    time_machine.move_to(at(today, 17), tick=False)
    return list(Complaint.objects.select_related("office", "category__parent"))


def handle_them(make_staff, time_machine, today: date) -> None:
    """What officers and complainants then do, each at its own later time
    (never after today): accept in time and late, start, resolve in time
    and late, close, confirm, rate, reopen, withdraw, transfer to another
    district, a take-over by the province and a merge."""
    officers: dict[str, object] = {}

    def officer_of(complaint: Complaint):
        code = complaint.office.code
        if code not in officers:
            role = (
                Role.PROVINCIAL_STAFF
                if code.startswith("pao-")
                else Role.COUNTER_OFFICER
            )
            officers[code] = make_staff(role, code)
        return officers[code]

    def when(complaint: Complaint, days: int) -> None:
        received = timezone.localdate(complaint.received_at)
        time_machine.move_to(
            at(min(received + timedelta(days=days), today), 18), tick=False
        )

    def fresh(pk: int) -> Complaint:
        return Complaint.objects.select_related("office").get(pk=pk)

    complaints = list(Complaint.objects.order_by("received_at", "pk"))
    for number, complaint in enumerate(complaints):
        plan = number % 6
        pk = complaint.pk
        if plan == 1:
            when(complaint, 0)
            handling.complaint_accept(
                complaint=fresh(pk), officer=officer_of(fresh(pk))
            )
        elif plan == 2:
            when(complaint, 4)
            c = fresh(pk)
            handling.complaint_accept(complaint=c, officer=officer_of(c))
            handling.complaint_start(complaint=fresh(pk), officer=officer_of(c))
            when(complaint, 10)
            handling.complaint_resolve(
                complaint=fresh(pk), officer=officer_of(c), text="ซ่อมถนนเรียบร้อยแล้ว"
            )
        elif plan == 3:
            when(complaint, 1)
            c = fresh(pk)
            handling.complaint_accept(complaint=c, officer=officer_of(c))
            when(complaint, 25)
            handling.complaint_resolve(
                complaint=fresh(pk), officer=officer_of(c), text="แก้ไขแล้ว"
            )
            when(complaint, 26)
            handling.complaint_close(
                complaint=fresh(pk),
                officer=officer_of(c),
                outcome=Outcome.RESOLVED,
                text="ปิดเรื่อง",
            )
            when(complaint, 27)
            c = fresh(pk)
            complainant.complaint_rate(
                complaint=c,
                citizen=None,
                tracking_token=c.tracking_token,
                stars=number % 5 + 1,
            )
        elif plan == 4:
            when(complaint, 2)
            c = fresh(pk)
            handling.complaint_close(
                complaint=c,
                officer=officer_of(c),
                outcome=Outcome.NOT_WITHIN_AUTHORITY,
                text="ไม่อยู่ในอำนาจ ส่งหน่วยงานที่เกี่ยวข้อง",
            )
        elif plan == 5:
            when(complaint, 3)
            c = fresh(pk)
            handling.complaint_resolve(
                complaint=c, officer=officer_of(c), text="แก้ไขแล้ว"
            )
            when(complaint, 4)
            c = fresh(pk)
            complainant.complaint_confirm_resolved(
                complaint=c, citizen=None, tracking_token=c.tracking_token
            )
            when(complaint, 6)
            c = fresh(pk)
            complainant.complaint_reopen(
                complaint=c,
                citizen=None,
                tracking_token=c.tracking_token,
                reason="ถนนพังอีกแล้ว",
            )
    waiting = [
        c for c in map(fresh, [c.pk for c in complaints]) if c.status == "received"
    ]
    in_5001 = [c for c in waiting if c.holder_district_code == "5001"]
    in_5002 = [
        c
        for c in map(fresh, [c.pk for c in complaints])
        if c.holder_district_code == "5002" and c.status in OPEN_STATUSES
    ]
    assert len(in_5001) >= 2 and in_5002, "the plan leaves some to move"
    time_machine.move_to(at(today, 16), tick=False)
    # Mueang sends one to Chom Thong; the province takes one of Chom Thong's.
    handling.complaint_transfer(
        complaint=in_5001[0],
        officer=officer_of(in_5001[0]),
        to_district=District.objects.get(code="5002"),
        reason="เกิดเหตุในเขตอำเภอจอมทอง",
    )
    handling.complaint_take_over(
        complaint=in_5002[0],
        officer=make_staff(Role.PROVINCIAL_STAFF, "pao-50"),
        reason="เรื่องร้ายแรง จังหวัดดำเนินการเอง",
    )
    # Two of Mueang's are one: merged; one of Bangkok's is withdrawn.
    keep = fresh(in_5001[1].pk)
    duplicate = next(
        c
        for c in map(fresh, [c.pk for c in complaints])
        if c.holder_district_code == "5001"
        and c.status in OPEN_STATUSES
        and c.pk != keep.pk
    )
    handling.complaint_merge(duplicate=duplicate, into=keep, officer=officer_of(keep))
    bangkok = next(
        c
        for c in map(fresh, [c.pk for c in complaints])
        if c.holder_district_code == "1001" and c.status in OPEN_STATUSES
    )
    complainant.complaint_withdraw(
        complaint=bangkok, citizen=None, tracking_token=bangkok.tracking_token
    )
    # The escalation job marks the late ones overdue and closes those
    # resolved a week ago.
    run = complaints_escalate(now=at(today, 16))
    assert run.to_province and run.closed, run


def levels() -> list[tuple[Unit, Callable[[Complaint], bool]]]:
    chiang_mai = Province.objects.get(code="50")
    mueang = District.objects.get(code="5001")
    chom_thong = District.objects.get(code="5002")
    center = Office.objects.get(code="ddc-5001")
    return [
        (Unit(COUNTRY), lambda c: True),
        (
            Unit(PROVINCE, "50", province=chiang_mai),
            lambda c: c.holder_province_code == "50",
        ),
        (
            Unit(DISTRICT, "5001", province=chiang_mai, district=mueang),
            lambda c: c.holder_district_code == "5001",
        ),
        (
            Unit(DISTRICT, "5002", province=chiang_mai, district=chom_thong),
            lambda c: c.holder_district_code == "5002",
        ),
        (
            Unit(
                OFFICE, "ddc-5001", province=chiang_mai, district=mueang, office=center
            ),
            lambda c: c.office_id == center.pk,
        ),
    ]


def test_the_figures_equal_the_complaints_after_writes_through_the_services(written):
    today = timezone.localdate()
    assert len(written) == 24
    periods = [
        (today - timedelta(days=150), today),
        (today - timedelta(days=40), today - timedelta(days=10)),
        (today, today),
    ]
    for unit, keep in levels():
        mine = [c for c in written if keep(c)]
        for start, end in periods:
            report = complaints_report(unit=unit, start=start, end=end)
            assert reported(report.total) == raw_figures(mine, start, end), (
                unit.level,
                unit.code,
                start,
                end,
            )
            for row in report.categories:
                assert reported(row.figures) == raw_figures(
                    [c for c in mine if c.category.code == row.key], start, end
                )
            for row in report.groups:
                assert reported(row.figures) == raw_figures(
                    [c for c in mine if c.category.parent.code == row.key], start, end
                )
            for row in report.channels:
                assert reported(row.figures) == raw_figures(
                    [c for c in mine if c.channel == row.key], start, end
                )
            for row in report.children:
                if unit.level == OFFICE:
                    continue
                if unit.level == COUNTRY:
                    below = [c for c in mine if c.holder_province_code == row.key]
                elif unit.level == PROVINCE:
                    # The provincial office has no district.
                    code = "" if row.key == PROVINCE_HELD else row.key
                    below = [c for c in mine if c.holder_district_code == code]
                else:
                    below = [c for c in mine if c.office.code == row.key]
                assert reported(row.figures) == raw_figures(below, start, end)
            if unit.level == DISTRICT:
                for row in report.subdistricts:
                    held = [
                        c
                        for c in mine
                        if c.status in OPEN_STATUSES
                        and (c.subdistrict_id or "") == row.key
                    ]
                    assert row.figures.open == len(held)


def test_the_mix_moved_every_kind_of_figure(written):
    """The writes above reach every counter, so the comparison means something."""
    today = timezone.localdate()
    total = complaints_report(
        unit=Unit(COUNTRY), start=today - timedelta(days=150), end=today
    ).total
    for name in NAMES:
        assert getattr(total, name), name
    province = Unit(PROVINCE, "50", province=Province.objects.get(code="50"))
    children = complaints_report(unit=province, start=today, end=today).children
    assert any(row.key == PROVINCE_HELD and row.figures.open for row in children)


def test_the_months_count_the_complaints_received_in_each(written):
    today = timezone.localdate()
    report = complaints_report(unit=Unit(COUNTRY), start=today, end=today)
    for row in report.months:
        first = date.fromisoformat(row.key)
        received = [
            c
            for c in written
            if (_local_day(c.received_at).year, _local_day(c.received_at).month)
            == (first.year, first.month)
        ]
        assert row.figures.received == len(received)
    assert sum(row.figures.received for row in report.months) == len(
        [
            c
            for c in written
            if _local_day(c.received_at) >= date.fromisoformat(report.months[0].key)
        ]
    )
