"""The report's rollups against the applications themselves: after a mix of
writes through the real services (submit, forward, return, resubmit, approve,
reject, pay, a failed payment), for each level of the reach, after drift and
the recount that repairs it. The expected figures are counted here from the
application rows, independently of `report_rollups`."""

import random
import statistics
import threading
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation

from saduak.accounts import units
from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.core.errors import PermissionDeniedError
from saduak.core.rollups import (
    RollupMove,
    period_q,
    rollup_moves_net,
    rollups_apply,
)
from saduak.core.thai import MONTHS_EN_SHORT, month_start
from saduak.eservices.choices import Action, ApplicationStatus, Outcome
from saduak.eservices.models import (
    Application,
    ApplicationDecisionMinutes,
    ApplicationReportCounts,
    Service,
)
from saduak.eservices.report_rollups import report_rollups_recount
from saduak.eservices.selectors.reports import (
    ReportFilters,
    applications_report,
    stage_labels,
)
from saduak.eservices.services.applications import (
    application_act,
    application_resubmit,
)
from saduak.eservices.tests.pipeline import *  # noqa: F403 (fixtures)
from saduak.eservices.tests.pipeline import (
    decide,
    pay_through_bank,
    submitted_application,
    to_committee,
)

pytestmark = pytest.mark.django_db

BANGKOK = ZoneInfo("Asia/Bangkok")
PERIOD = ReportFilters(start=date(2025, 10, 1), end=date(2026, 9, 30))
GROUPINGS = (
    ("office",),
    ("service", "stage"),
    ("month",),
    ("office", "stage", "month"),
)


def at(day: int, month: int = 11, hour: int = 10) -> time_machine.travel:
    return time_machine.travel(datetime(2025, month, day, hour, 7, tzinfo=BANGKOK))


@pytest.fixture
def mixed(builtin_services, make_user, office_people, finance_officer):
    """Applications in three provinces' offices taken through every kind of
    write, on different days and at odd hours (so decisions take fractions of
    days), one submitted on the last evening of October (a month boundary)."""
    made: dict[str, Application] = {}
    phones = iter(range(10, 99))

    def submit(name: str, code: str) -> None:
        made[name] = submitted_application(
            applicant=make_user(phone=f"08100000{next(phones)}"),
            office=Office.objects.get(code=code),
        )

    def decided(name: str, code: str, amount: str | None) -> None:
        officer, member = office_people(code)
        made[name] = decide(
            made[name],
            officer=officer,
            committee_member=member,
            amount=Decimal(amount) if amount else None,
        )

    with at(31, 10, 23):
        submit("evening", "do-5001")
    with at(3):
        for name, code in (
            ("paid", "do-5001"),
            ("failed", "do-5001"),
            ("rejected", "do-5002"),
            ("returned", "do-5001"),
            ("resubmitted", "do-5002"),
            ("bangkok", "do-1001"),
        ):
            submit(name, code)
    with at(4, hour=15):
        submit("open", "do-5001")
        officer, _member = office_people("do-5001")
        made["forwarded"] = made["evening"] = to_committee(
            made["evening"], officer=officer
        )
        for name, code in (("returned", "do-5001"), ("resubmitted", "do-5002")):
            made[name] = application_act(
                application=made[name],
                action=Action.RETURN,
                actor=office_people(code)[0],
                message="ขอสำเนาทะเบียนบ้าน",
            )
    with at(6, hour=8):
        made["resubmitted"] = application_resubmit(
            application=made["resubmitted"], actor=made["resubmitted"].applicant
        )
        decided("rejected", "do-5002", None)
    with at(9, hour=16):
        decided("paid", "do-5001", "3000.00")
        decided("failed", "do-5001", "1500.50")
        decided("bangkok", "do-1001", "1000.00")
    with at(12):
        pay_through_bank(
            applications=[made["paid"], made["failed"]],
            actor=finance_officer,
            failed=(made["failed"],),
        )
    return made


def _label(dimension: str, application: Application) -> Any:
    if dimension == "office":
        return application.office.name
    if dimension == "service":
        return application.service.name
    if dimension == "stage":
        return application.stage
    local = timezone.localtime(application.submitted_at)
    return (local.year, local.month)


def expected(
    filters: ReportFilters, where: dict[str, Any] | None = None
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The report's figures counted from the application rows: per group of
    `filters.group_by`, and the total under the key ("total",)."""
    groups: dict[tuple[Any, ...], list[Application]] = defaultdict(list)
    for application in Application.objects.filter(
        submitted_at__isnull=False, **(where or {})
    ).select_related("office", "service"):
        day = timezone.localdate(application.submitted_at)
        if not filters.start <= day <= filters.end:
            continue
        key = tuple(_label(item, application) for item in filters.group_by)
        groups[key].append(application)
        groups[("total",)].append(application)
    return {key: _figures(rows) for key, rows in groups.items()}


def _figures(rows: list[Application]) -> dict[str, Any]:
    approved = [row for row in rows if row.outcome in (Outcome.APPROVED, Outcome.PAID)]
    paid = [row for row in rows if row.outcome == Outcome.PAID]
    decided = [row for row in rows if row.decided_at is not None]
    return {
        "received": len(rows),
        "in_progress": sum(row.status == ApplicationStatus.IN_PROGRESS for row in rows),
        "returned": sum(row.status == ApplicationStatus.RETURNED for row in rows),
        "approved": len(approved),
        "rejected": sum(row.outcome == Outcome.REJECTED for row in rows),
        "paid": len(paid),
        "decided": len(decided),
        "amount_approved": sum(
            (row.approved_amount or Decimal(0) for row in approved), Decimal(0)
        ),
        "amount_paid": sum(
            (row.approved_amount or Decimal(0) for row in paid), Decimal(0)
        ),
        "median_days": (
            statistics.median(
                (row.decided_at - row.submitted_at).total_seconds() / 86400
                for row in decided
                if row.decided_at and row.submitted_at
            )
            if decided
            else None
        ),
    }


def reported(report: Any, group_by: tuple[str, ...]) -> dict[Any, dict[str, Any]]:
    """The report in the shape of `expected` (stages by code, months as
    (year, month)), with the medians rounded to the minute they are kept in."""
    labels_of = stage_labels()
    stage_codes = {
        labels_of.get(code, code): code
        for code in Application.objects.values_list("stage", flat=True)
    }
    result = {}
    rows = [(row, row.labels) for row in report.rows] + [(report.total, None)]
    for row, labels in rows:
        if labels is None:
            key: tuple[Any, ...] = ("total",)
        else:
            key = tuple(
                stage_codes[labels[item]]
                if item == "stage"
                else _month_key(labels[item])
                if item == "month"
                else labels[item]
                for item in group_by
            )
        result[key] = {
            name: getattr(row, name)
            for name in (
                "received",
                "in_progress",
                "returned",
                "approved",
                "rejected",
                "paid",
                "decided",
                "amount_approved",
                "amount_paid",
                "median_days",
            )
        }
    return result


def _month_key(label: str) -> tuple[int, int]:
    name, year = label.split()
    return int(year), MONTHS_EN_SHORT.index(name) + 1


def assert_same(report: Any, filters: ReportFilters, **where: Any) -> None:
    got = reported(report, filters.group_by)
    want = expected(filters, where)
    assert set(got) == set(want)
    for key, figures in want.items():
        median = figures.pop("median_days")
        shown = got[key].pop("median_days")
        assert got[key] == figures, key
        if median is None:
            assert shown is None
        else:  # kept to the nearest minute
            assert shown == pytest.approx(median, abs=1 / 1440)


def test_the_report_equals_the_applications_after_every_kind_of_write(
    mixed, make_staff
):
    headquarters = make_staff(Role.HQ_ADMIN, "hq")
    assert mixed["failed"].outcome == Outcome.APPROVED  # its payment failed
    with translation.override("en"):
        for group_by in GROUPINGS:
            filters = ReportFilters(
                start=PERIOD.start, end=PERIOD.end, group_by=group_by
            )
            assert_same(
                applications_report(viewer=headquarters, filters=filters), filters
            )
    # The moves were exact: the recount finds nothing to repair.
    assert report_rollups_recount() == 0


def test_a_period_cut_inside_a_month_counts_by_the_local_day(mixed, make_staff):
    headquarters = make_staff(Role.HQ_ADMIN, "hq")
    november = ReportFilters(
        start=date(2025, 11, 1), end=date(2025, 11, 3), group_by=("office",)
    )
    with translation.override("en"):
        report = applications_report(viewer=headquarters, filters=november)
        assert_same(report, november)
    # Submitted at 23:07 on 31 October, Bangkok time: not in November.
    assert report.total.received == 6


def test_a_period_across_months_reads_its_ends_by_day_and_the_rest_by_month(
    mixed, make_staff
):
    headquarters = make_staff(Role.HQ_ADMIN, "hq")
    with translation.override("en"):
        for start, end in (
            (date(2025, 10, 15), date(2025, 12, 31)),
            (date(2025, 10, 31), date(2025, 11, 8)),
            (date(2025, 11, 1), date(2025, 11, 30)),
            (date(2025, 11, 4), date(2026, 1, 2)),
        ):
            filters = ReportFilters(start=start, end=end, group_by=("month",))
            assert_same(
                applications_report(viewer=headquarters, filters=filters), filters
            )


def test_period_q_covers_each_day_of_any_period_once(mixed):
    """One day row per day of 2025 and 2026 counting 1, one month row per
    month counting its days: any period then sums to its number of days."""
    application = mixed["open"]
    ApplicationReportCounts.objects.all().delete()
    rows = []
    day = date(2025, 1, 1)
    while day.year < 2027:
        rows.append((day, False, 1))
        if day.day == 1:
            following = month_start(day, 1)
            rows.append((day, True, (following - day).days))
        day += timedelta(days=1)
    ApplicationReportCounts.objects.bulk_create(
        ApplicationReportCounts(
            office=application.office,
            service=application.service,
            day=day,
            whole_month=whole_month,
            received=received,
        )
        for day, whole_month, received in rows
    )
    picks = random.Random(7)
    periods = [
        (date(2025, 1, 1), date(2026, 12, 31)),
        (date(2025, 2, 28), date(2025, 3, 1)),
        (date(2025, 3, 1), date(2025, 3, 31)),
        (date(2025, 3, 2), date(2025, 3, 30)),
        (date(2025, 12, 31), date(2026, 1, 1)),
    ]
    for _n in range(40):
        start = date(2025, 1, 1) + timedelta(days=picks.randrange(700))
        periods.append((start, start + timedelta(days=picks.randrange(0, 400))))
    for start, end in periods:
        end = min(end, date(2026, 12, 31))
        total = ApplicationReportCounts.objects.filter(period_q(start, end)).aggregate(
            days=Sum("received")
        )["days"]
        assert total == (end - start).days + 1, (start, end)


@pytest.mark.parametrize(
    ("role", "office", "level", "code", "where"),
    [
        (Role.HQ_ADMIN, "hq", units.COUNTRY, "", {}),
        (Role.HQ_ADMIN, "hq", units.PROVINCE, "10", {"province_code": "10"}),
        (
            Role.PROVINCIAL_STAFF,
            "pao-50",
            units.PROVINCE,
            "50",
            {"province_code": "50"},
        ),
        (
            Role.PROVINCIAL_STAFF,
            "pao-50",
            units.DISTRICT,
            "5002",
            {"district_code": "5002"},
        ),
        (
            Role.DISTRICT_ADMIN,
            "do-5001",
            units.OFFICE,
            "do-5001",
            {"office__code": "do-5001"},
        ),
    ],
)
def test_each_level_of_the_reach_equals_its_applications(
    mixed, make_staff, role, office, level, code, where
):
    viewer = make_staff(role, office)
    unit = units.unit_get(viewer=viewer, level=level, code=code)
    with translation.override("en"):
        for group_by in GROUPINGS:
            filters = ReportFilters(
                start=PERIOD.start, end=PERIOD.end, group_by=group_by, unit=unit
            )
            report = applications_report(viewer=viewer, filters=filters)
            assert_same(report, filters, **where)
            assert report.total.received > 0


def test_without_a_unit_a_viewer_counts_only_their_reach(mixed, make_staff):
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    with translation.override("en"):
        filters = ReportFilters(start=PERIOD.start, end=PERIOD.end)
        report = applications_report(viewer=provincial, filters=filters)
        assert_same(report, filters, province_code="50")
    with pytest.raises(PermissionDeniedError):
        units.unit_get(viewer=provincial, level=units.PROVINCE, code="10")


def test_the_recount_repairs_drift_and_says_how_much(mixed, make_staff):
    headquarters = make_staff(Role.HQ_ADMIN, "hq")
    filters = ReportFilters(start=PERIOD.start, end=PERIOD.end, group_by=("office",))
    # Drift of every kind: a wrong counter, a lost row, a row that should
    # not be there, a lost decision time.
    paid = Application.objects.get(pk=mixed["paid"].pk)
    assert paid.outcome == Outcome.PAID
    paid_row = ApplicationReportCounts.objects.get(
        office=paid.office, stage=paid.stage, paid__gt=0, whole_month=True
    )
    paid_row.paid += 5
    paid_row.save()
    ApplicationReportCounts.objects.filter(office=mixed["bangkok"].office).delete()
    ApplicationReportCounts.objects.create(
        office=mixed["open"].office,
        service=mixed["open"].service,
        day=date(2025, 12, 1),
        whole_month=True,
        stage="intake",
        received=7,
    )
    ApplicationDecisionMinutes.objects.filter(office=mixed["rejected"].office).delete()
    with translation.override("en"):
        wrong = applications_report(viewer=headquarters, filters=filters)
    assert wrong.total.paid == 6
    assert wrong.total.received == 14

    # The paid month, Bangkok's day and month, the extra month, the
    # rejection's day and month.
    assert report_rollups_recount() == 6
    with translation.override("en"):
        assert_same(applications_report(viewer=headquarters, filters=filters), filters)
    assert report_rollups_recount() == 0


def test_a_write_after_the_recount_moves_the_rebuilt_rows(
    mixed, make_staff, office_people
):
    report_rollups_recount()
    officer, member = office_people("do-5001")
    decide(mixed["open"], officer=officer, committee_member=member)
    headquarters = make_staff(Role.HQ_ADMIN, "hq")
    filters = ReportFilters(start=PERIOD.start, end=PERIOD.end, group_by=("stage",))
    with translation.override("en"):
        assert_same(applications_report(viewer=headquarters, filters=filters), filters)
    assert report_rollups_recount() == 0


def test_the_recount_command_reports_repairs_and_refuses_bad_dates(mixed):
    ApplicationReportCounts.objects.filter(office=mixed["bangkok"].office).delete()
    out = StringIO()
    call_command(
        "eservices_report_recount",
        "--start",
        "2025-11-01",
        "--end",
        "2025-11-30",
        stdout=out,
    )
    assert "2 rollup row(s) were repaired" in out.getvalue()  # day and month
    with pytest.raises(CommandError):
        call_command("eservices_report_recount", "--start", "2025-13-01", "--end", "x")
    with pytest.raises(CommandError):
        call_command("eservices_report_recount", "--start", "2025-11-01")
    with pytest.raises(CommandError):
        call_command(
            "eservices_report_recount", "--start", "2025-11-02", "--end", "2025-11-01"
        )


def test_the_nightly_task_recounts(mixed):
    from saduak.eservices.tasks import recount_reports

    ApplicationDecisionMinutes.objects.all().delete()
    assert recount_reports() > 0
    assert recount_reports() == 0


def test_moves_on_one_row_are_netted_and_zero_moves_write_nothing(mixed):
    application = mixed["open"]
    key = (
        ("office_id", application.office_id),
        ("service_id", application.service_id),
        ("day", date(2025, 12, 1)),
        ("whole_month", False),
        ("stage", "intake"),
    )
    there = RollupMove(ApplicationReportCounts, key, {"received": 1})
    back = RollupMove(ApplicationReportCounts, key, {"received": -1})
    assert rollup_moves_net([there, back]) == []
    assert rollups_apply([there, back]) == 0
    assert rollups_apply([there, there]) == 1
    assert ApplicationReportCounts.objects.get(day=date(2025, 12, 1)).received == 2
    assert rollups_apply([back, back]) == 1
    # A row moved back to zero is right: the recount tidies it away silently.
    assert report_rollups_recount() == 0
    assert not ApplicationReportCounts.objects.filter(day=date(2025, 12, 1)).exists()


def test_the_page_narrows_to_a_unit_and_refuses_one_outside_the_reach(
    mixed, make_staff, client_for
):
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    client = client_for(provincial)
    # Pages under /en/ switch the language: switched back when the block ends.
    with translation.override("en"):
        url = reverse("eservices-reports:report")
        export = reverse("eservices-reports:report-export", args=["csv"])
        query = {
            "start": "2025-10-01",
            "end": "2026-09-30",
            "group_by": ["office"],
            "level": "district",
            "code": "5002",
        }
        page = client.get(url, query)
        html = page.content.decode()
        assert page.status_code == 200
        assert "Only Chom Thong." in html
        assert 'name="level" value="district"' in html
        rows = client.get(export, query).content.decode("utf-8-sig").splitlines()
        assert [row.split(",")[:2] for row in rows[1:]] == [
            ["Chom Thong District Office", "2"],
            ["Total", "2"],
        ]
        assert client.get(url, {**query, "code": "1001"}).status_code == 403
        assert (
            client.get(url, {**query, "level": "country", "code": ""}).status_code
            == 403
        )
        assert client.get(url, {**query, "level": "planet"}).status_code == 400
        assert client.get(url, {**query, "code": "9999"}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_writers_racing_for_a_missing_row_and_in_opposite_directions_all_count(
    builtin_services,
):
    """Twelve transactions at once: six add to a row nobody has made yet (one
    INSERT wins, the others add to it), three move a unit from row A to row B
    and three from B to A (locked in one order, so they queue instead of
    deadlocking)."""
    office = Office.objects.get(code="do-5001")
    service = Service.objects.order_by("pk").first()
    assert service is not None

    def key(day: int) -> tuple[tuple[str, Any], ...]:
        return (
            ("office_id", office.pk),
            ("service_id", service.pk),
            ("day", date(2025, 11, day)),
            ("whole_month", False),
            ("stage", "intake"),
        )

    for day in (2, 3):
        ApplicationReportCounts.objects.create(**dict(key(day)), received=10)
    moves = [[RollupMove(ApplicationReportCounts, key(1), {"received": 1})]] * 6
    moves += [
        [
            RollupMove(ApplicationReportCounts, key(2), {"received": -1}),
            RollupMove(ApplicationReportCounts, key(3), {"received": 1}),
        ]
    ] * 3
    moves += [
        [
            RollupMove(ApplicationReportCounts, key(3), {"received": -1}),
            RollupMove(ApplicationReportCounts, key(2), {"received": 1}),
        ]
    ] * 3
    start = threading.Barrier(len(moves))
    failures: list[BaseException] = []

    def write(batch: list[RollupMove]) -> None:
        try:
            start.wait()
            with transaction.atomic():
                rollups_apply(batch)
                time.sleep(0.05)  # hold the locks a while
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(batch,)) for batch in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    received = dict(
        ApplicationReportCounts.objects.filter(office=office).values_list(
            "day__day", "received"
        )
    )
    assert received == {1: 6, 2: 10, 3: 10}
