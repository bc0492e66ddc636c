"""Complaint dashboards and public figures (selectors/reports.py,
views/reports.py, views/public.py).

The first half stores rollup rows for a few hundred made-up complaints
(each complaint's contribution written at both grains, as the write path
keeps them) and checks every figure against the same complaints counted in
the test. The end-to-end tests through the complaint services are in
test_reports_services.py."""

import csv
import io
import json
import random
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db.models import Q
from django.utils import timezone
from openpyxl import load_workbook

from saduak.accounts.choices import Role
from saduak.accounts.units import COUNTRY, DISTRICT, OFFICE, PROVINCE, Unit
from saduak.areas.models import District, Office, Province, Subdistrict
from saduak.complaints.choices import Channel, DurationMeasure
from saduak.complaints.models import (
    ComplaintCategory,
    ComplaintDurations,
    ComplaintOpenCounts,
    ComplaintReportCounts,
)
from saduak.complaints.selectors.reports import (
    PROVINCE_HELD,
    complaints_report,
    district_rows,
    trend_start,
)
from saduak.core.thai import month_start

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Made:
    """A complaint as the rollups see it."""

    office: Office
    category: ComplaintCategory
    channel: str
    received: date
    subdistrict: str
    acknowledge_days: int | None
    acknowledged_in_time: bool
    resolve_days: int | None
    resolved_in_time: bool
    closed: bool
    reopened: bool
    rating: int | None
    open: bool
    overdue: bool


def _unit_columns(office: Office) -> dict[str, object]:
    return {
        "office": office,
        "district_id": office.district_id,
        "province_id": office.province_id,
    }


def store(complaints: Iterable[Made]) -> None:
    """The rollup rows of `complaints`, at the day and the month grain."""
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    durations: dict[tuple, int] = defaultdict(int)
    opened: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    offices = {}
    for made in complaints:
        offices[made.office.pk] = made.office
        for day, whole_month in (
            (made.received, False),
            (month_start(made.received), True),
        ):
            key = (made.office.pk, made.category.pk, made.channel, day, whole_month)
            row = counts[key]
            row["received"] += 1
            if made.acknowledge_days is not None:
                row["acknowledged"] += 1
                row["acknowledged_in_time"] += made.acknowledged_in_time
                durations[(*key, "acknowledge", made.acknowledge_days)] += 1
            if made.resolve_days is not None:
                row["resolved"] += 1
                row["resolved_in_time"] += made.resolved_in_time
                durations[(*key, "resolve", made.resolve_days)] += 1
            row["closed"] += made.closed
            row["reopened"] += made.reopened
            if made.rating is not None:
                row["rated"] += 1
                row["rating_sum"] += made.rating
        if made.open:
            place = (made.office.pk, made.subdistrict, made.category.pk, made.channel)
            opened[place]["open"] += 1
            opened[place]["overdue"] += made.overdue
    ComplaintReportCounts.objects.bulk_create(
        ComplaintReportCounts(
            **_unit_columns(offices[office]),
            category_id=category,
            channel=channel,
            day=day,
            whole_month=whole_month,
            **values,
        )
        for (office, category, channel, day, whole_month), values in counts.items()
    )
    ComplaintDurations.objects.bulk_create(
        ComplaintDurations(
            **_unit_columns(offices[office]),
            category_id=category,
            channel=channel,
            day=day,
            whole_month=whole_month,
            measure=measure,
            working_days=days,
            count=count,
        )
        for (
            office,
            category,
            channel,
            day,
            whole_month,
            measure,
            days,
        ), count in durations.items()
    )
    ComplaintOpenCounts.objects.bulk_create(
        ComplaintOpenCounts(
            **_unit_columns(offices[office]),
            category_id=category,
            channel=channel,
            subdistrict_code=subdistrict,
            **values,
        )
        for (office, subdistrict, category, channel), values in opened.items()
    )


@pytest.fixture
def tree(db):
    roads = ComplaintCategory.objects.create(
        code="roads", name_th="ถนนและทางเท้า", name_en="Roads and pavements"
    )
    state = ComplaintCategory.objects.create(
        code="officials", name_th="เจ้าหน้าที่รัฐ", name_en="Public officials"
    )
    leaves = [
        ComplaintCategory.objects.create(
            code="pothole", name_th="ถนนชำรุด", name_en="Potholes", parent=roads
        ),
        ComplaintCategory.objects.create(
            code="lights", name_th="ไฟส่องสว่าง", name_en="Street lights", parent=roads
        ),
        ComplaintCategory.objects.create(
            code="bribe", name_th="เรียกรับเงิน", name_en="Bribes", parent=state
        ),
    ]
    return {"groups": [roads, state], "leaves": leaves}


@pytest.fixture
def made(small_map, tree) -> list[Made]:
    """Three hundred complaints over the last 14 months at five offices of two
    provinces (one held by the provincial office after a take-over)."""
    rng = random.Random(15)
    today = timezone.localdate()
    offices = list(
        Office.objects.filter(
            code__in=["ddc-5001", "ddc-5002", "reg-5001", "pao-50", "ddc-1001"]
        )
    )
    subdistricts: dict[str, list[str]] = defaultdict(list)
    for code, district in Subdistrict.objects.values_list("code", "district_id"):
        subdistricts[district].append(code)
    complaints = []
    for _number in range(300):
        office = rng.choice(offices)
        places = subdistricts.get(office.district_id or "5001", []) + [""]
        acknowledged = rng.random() < 0.8
        resolved = acknowledged and rng.random() < 0.6
        closed = resolved and rng.random() < 0.7
        still_open = not closed
        complaints.append(
            Made(
                office=office,
                category=rng.choice(tree["leaves"]),
                channel=rng.choice(Channel.values),
                received=today - timedelta(days=rng.randrange(0, 430)),
                subdistrict=rng.choice(places),
                acknowledge_days=rng.randrange(0, 6) if acknowledged else None,
                acknowledged_in_time=acknowledged and rng.random() < 0.7,
                resolve_days=rng.randrange(1, 40) if resolved else None,
                resolved_in_time=resolved and rng.random() < 0.5,
                closed=closed,
                reopened=rng.random() < 0.05,
                rating=rng.randrange(1, 6) if closed and rng.random() < 0.5 else None,
                open=still_open,
                overdue=still_open and rng.random() < 0.3,
            )
        )
    store(complaints)
    return complaints


def expected(
    complaints: Iterable[Made], start: date, end: date, keep: Callable[[Made], bool]
) -> dict[str, object]:
    """The figures of the complaints `keep` selects, counted from the list."""
    cohort = [c for c in complaints if keep(c) and start <= c.received <= end]
    opened = [c for c in complaints if keep(c) and c.open]
    acknowledge = [c.acknowledge_days for c in cohort if c.acknowledge_days is not None]
    resolve = [c.resolve_days for c in cohort if c.resolve_days is not None]
    ratings = [c.rating for c in cohort if c.rating is not None]
    return {
        "received": len(cohort),
        "acknowledged": len(acknowledge),
        "acknowledged_in_time": sum(c.acknowledged_in_time for c in cohort),
        "resolved": len(resolve),
        "resolved_in_time": sum(c.resolved_in_time for c in cohort),
        "closed": sum(c.closed for c in cohort),
        "reopened": sum(c.reopened for c in cohort),
        "rated": len(ratings),
        "rating_sum": sum(ratings),
        "open": len(opened),
        "overdue": sum(c.overdue for c in opened),
        "median_acknowledge_days": (
            float(statistics.median(acknowledge)) if acknowledge else None
        ),
        "median_resolve_days": float(statistics.median(resolve)) if resolve else None,
    }


def actual(figures) -> dict[str, object]:
    return {name: getattr(figures, name) for name in EXPECTED_NAMES}


EXPECTED_NAMES = (
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


def units() -> list[tuple[Unit, Callable[[Made], bool]]]:
    chiang_mai = Province.objects.get(code="50")
    mueang = District.objects.get(code="5001")
    center = Office.objects.get(code="ddc-5001")
    return [
        (Unit(COUNTRY), lambda c: True),
        (
            Unit(PROVINCE, "50", province=chiang_mai),
            lambda c: c.office.province_id == "50",
        ),
        (
            Unit(DISTRICT, "5001", province=chiang_mai, district=mueang),
            lambda c: c.office.district_id == "5001",
        ),
        (
            Unit(
                OFFICE, "ddc-5001", province=chiang_mai, district=mueang, office=center
            ),
            lambda c: c.office.pk == center.pk,
        ),
    ]


def periods() -> list[tuple[date, date]]:
    """Whole months, ragged ends, one day, a long period, and random ones."""
    today = timezone.localdate()
    rng = random.Random(7)
    chosen = [
        (today - timedelta(days=429), today),
        (month_start(today, -3), month_start(today) - timedelta(days=1)),
        (today, today),
        (today - timedelta(days=45), today - timedelta(days=3)),
    ]
    for _number in range(3):
        start = today - timedelta(days=rng.randrange(0, 430))
        chosen.append((start, start + timedelta(days=rng.randrange(0, 200))))
    return chosen


def test_the_figures_equal_the_complaints_counted_at_every_level_and_period(made):
    for unit, keep in units():
        for start, end in periods():
            report = complaints_report(unit=unit, start=start, end=end)
            assert actual(report.total) == expected(made, start, end, keep), (
                unit.level,
                start,
                end,
            )


def test_the_breakdowns_equal_the_complaints_counted(made, tree):
    today = timezone.localdate()
    start, end = today - timedelta(days=200), today
    for unit, keep in units():
        report = complaints_report(unit=unit, start=start, end=end)
        for row in report.categories:
            assert actual(row.figures) == expected(
                made,
                start,
                end,
                lambda c, row=row, keep=keep: keep(c) and c.category.code == row.key,
            )
        for row in report.groups:
            assert actual(row.figures) == expected(
                made,
                start,
                end,
                lambda c, row=row, keep=keep: (
                    keep(c) and c.category.parent.code == row.key
                ),
            )
        assert {row.parent_label for row in report.categories} <= {
            group.name for group in tree["groups"]
        }
        assert [row.key for row in report.channels] == list(Channel.values)
        for row in report.channels:
            assert actual(row.figures) == expected(
                made,
                start,
                end,
                lambda c, row=row, keep=keep: keep(c) and c.channel == row.key,
            )
        # The groups add up to the total.
        assert sum(row.figures.received for row in report.groups) == (
            report.total.received
        )
        assert sum(row.figures.open for row in report.groups) == report.total.open


def test_the_children_are_every_unit_below_with_its_own_figures(made):
    today = timezone.localdate()
    start, end = today - timedelta(days=300), today
    country, province, district, office = (unit for unit, _keep in units())

    by_country = complaints_report(unit=country, start=start, end=end)
    assert by_country.child_level == PROVINCE
    assert {row.code for row in by_country.children} == set(
        Province.objects.filter(is_active=True).values_list("code", flat=True)
    )
    for row in by_country.children:
        assert actual(row.figures) == expected(
            made, start, end, lambda c, row=row: c.office.province_id == row.code
        )

    by_province = complaints_report(unit=province, start=start, end=end)
    assert by_province.child_level == DISTRICT
    keys = [row.key for row in by_province.children]
    assert set(keys) == {"5001", "5002", PROVINCE_HELD}
    for row in by_province.children:
        code = None if row.key == PROVINCE_HELD else row.key
        assert actual(row.figures) == expected(
            made,
            start,
            end,
            lambda c, code=code: (
                c.office.province_id == "50" and c.office.district_id == code
            ),
        )
    # Most open first.
    opens = [row.figures.open for row in by_province.children]
    assert opens == sorted(opens, reverse=True)

    by_district = complaints_report(unit=district, start=start, end=end)
    assert by_district.child_level == OFFICE
    assert {row.code for row in by_district.children} == {"ddc-5001", "reg-5001"}
    for row in by_district.children:
        assert actual(row.figures) == expected(
            made, start, end, lambda c, row=row: c.office.code == row.code
        )

    assert complaints_report(unit=office, start=start, end=end).children == []


def test_the_months_are_the_twelve_up_to_the_periods_end(made):
    today = timezone.localdate()
    country = Unit(COUNTRY)
    report = complaints_report(
        unit=country, start=today - timedelta(days=30), end=today
    )
    firsts = [date.fromisoformat(row.key) for row in report.months]
    assert firsts == [month_start(trend_start(today), n) for n in range(12)]
    assert firsts[-1] == month_start(today)
    for row, first in zip(report.months, firsts, strict=True):
        last = min(month_start(first, 1) - timedelta(days=1), today)
        figures = expected(made, first, last, lambda c: True)
        assert row.figures.received == figures["received"]
        assert row.figures.resolved == figures["resolved"]
        assert row.figures.median_resolve_days == figures["median_resolve_days"]


def test_a_district_shows_its_open_complaints_by_subdistrict(made):
    today = timezone.localdate()
    district = units()[2][0]
    report = complaints_report(unit=district, start=today, end=today)
    rows = {row.key: row for row in report.subdistricts}
    # Every subdistrict of the district is listed, open complaints or not.
    assert set(
        Subdistrict.objects.filter(district_id="5001", is_active=True).values_list(
            "code", flat=True
        )
    ) <= set(rows)
    for code, row in rows.items():
        held = [
            c
            for c in made
            if c.open and c.office.district_id == "5001" and c.subdistrict == code
        ]
        assert (row.figures.open, row.figures.overdue) == (
            len(held),
            sum(c.overdue for c in held),
        )
    assert sum(row.figures.open for row in report.subdistricts) == report.total.open
    opens = [row.figures.open for row in report.subdistricts]
    assert opens == sorted(opens, reverse=True)
    # Other levels have no subdistrict list.
    assert (
        complaints_report(unit=Unit(COUNTRY), start=today, end=today).subdistricts == []
    )


def test_the_open_data_has_every_district_with_its_figures(made):
    today = timezone.localdate()
    start = today - timedelta(days=90)
    rows = district_rows(unit=Unit(COUNTRY), start=start, end=today)
    assert [row.key for row in rows] == list(
        District.objects.filter(is_active=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    for row in rows:
        assert actual(row.figures) == expected(
            made, start, today, lambda c, row=row: c.office.district_id == row.key
        )


def test_a_report_costs_the_same_number_of_queries_whatever_the_volume(
    small_map, tree, django_assert_max_num_queries
):
    today = timezone.localdate()
    district = units()[2][0]
    office = Office.objects.get(code="ddc-5001")
    budget = 24

    def one(count: int) -> list[Made]:
        rng = random.Random(count)
        return [
            Made(
                office=office,
                category=rng.choice(tree["leaves"]),
                channel=rng.choice(Channel.values),
                received=today - timedelta(days=rng.randrange(0, 400)),
                subdistrict="500101",
                acknowledge_days=rng.randrange(0, 5),
                acknowledged_in_time=True,
                resolve_days=rng.randrange(0, 30),
                resolved_in_time=False,
                closed=False,
                reopened=False,
                rating=None,
                open=True,
                overdue=False,
            )
            for _number in range(count)
        ]

    store(one(5))
    for unit in (district, Unit(COUNTRY)):
        with django_assert_max_num_queries(budget):
            complaints_report(unit=unit, start=today - timedelta(days=365), end=today)
    for model in (ComplaintReportCounts, ComplaintDurations, ComplaintOpenCounts):
        model.objects.all().delete()
    store(one(2000))
    assert ComplaintDurations.objects.count() > 500
    for unit in (district, Unit(COUNTRY)):
        with django_assert_max_num_queries(budget):
            complaints_report(unit=unit, start=today - timedelta(days=365), end=today)


def test_a_drifted_negative_counter_never_breaks_a_median_or_a_share(small_map, tree):
    office = Office.objects.get(code="ddc-5001")
    today = timezone.localdate()
    leaf = tree["leaves"][0]
    ComplaintReportCounts.objects.create(
        **_unit_columns(office),
        category=leaf,
        channel=Channel.WEB,
        day=today,
        received=1,
        acknowledged=-1,
        acknowledged_in_time=-1,
    )
    ComplaintDurations.objects.create(
        **_unit_columns(office),
        category=leaf,
        channel=Channel.WEB,
        day=today,
        measure=DurationMeasure.ACKNOWLEDGE,
        working_days=3,
        count=-1,
    )
    report = complaints_report(unit=Unit(COUNTRY), start=today, end=today)
    assert report.total.acknowledged == -1
    assert report.total.acknowledged_in_time_share is None
    assert report.total.median_acknowledge_days is None


# --- the staff pages -----------------------------------------------------------------


def test_province_staff_open_their_dashboard_and_drill_down(
    made, make_staff, client_for
):
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    client = client_for(staff)
    page = client.get("/staff/complaints/reports/")
    assert page.status_code == 200
    report = page.context["report"]
    assert report.unit.level == PROVINCE and report.unit.code == "50"
    content = page.content.decode()
    assert "?level=district&amp;code=5001" in content
    district = client.get("/staff/complaints/reports/?level=district&code=5001")
    assert district.status_code == 200
    assert district.context["report"].subdistricts
    assert "?level=office&amp;code=ddc-5001" in district.content.decode()
    office = client.get("/en/staff/complaints/reports/?level=office&code=ddc-5001")
    assert office.status_code == 200
    assert "Complaint figures" in office.content.decode()


def test_a_district_admin_cannot_open_another_province_or_district(
    made, make_staff, client_for
):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    client = client_for(admin)
    assert client.get("/staff/complaints/reports/").context["report"].unit.code == (
        "5001"
    )
    for query in (
        "level=province&code=10",
        "level=district&code=1001",
        "level=province&code=50",
        "level=district&code=5002",
        "level=office&code=ddc-5002",
        "level=country&code=",
    ):
        for prefix in ("", "/staff/complaints/reports/export.csv?"):
            url = (prefix or "/staff/complaints/reports/?") + query
            response = client.get(url)
            assert response.status_code == 403, url
            assert "report" not in (response.context or {}), url
            assert not response.get("Content-Disposition"), url


def test_unknown_units_and_bad_input_get_a_precise_answer(made, make_staff, client_for):
    client = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    assert (
        client.get("/staff/complaints/reports/?level=district&code=9999").status_code
        == 404
    )
    bad_level = client.get("/en/staff/complaints/reports/?level=galaxy&code=1")
    assert bad_level.status_code == 400
    assert "Choose country, province, district or office." in bad_level.content.decode()
    assert client.get("/staff/complaints/reports/export.pdf").status_code == 404
    reversed_period = client.get(
        "/en/staff/complaints/reports/?start=2026-05-01&end=2026-01-01"
    )
    assert reversed_period.status_code == 400
    assert (
        "The end of the period is before its start." in reversed_period.content.decode()
    )


def test_citizens_and_visitors_cannot_open_the_dashboard(
    made, citizen, client_for, client
):
    assert client.get("/staff/complaints/reports/").status_code == 302
    assert client_for(citizen).get("/staff/complaints/reports/").status_code in (
        403,
        404,
    )


def test_the_exports_carry_the_same_figures_as_the_page(made, make_staff, client_for):
    client = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    page = client.get("/en/staff/complaints/reports/?level=province&code=50")
    report = page.context["report"]
    exported = client.get(
        "/en/staff/complaints/reports/export.csv?level=province&code=50"
    )
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    assert 'filename="complaints-50-' in exported["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    header, rows = lines[0], lines[1:]
    assert header[:4] == ["Breakdown", "Code", "Name", "Received"]
    total = rows[0]
    assert total[:4] == ["Total", "50", "Chiang Mai", str(report.total.received)]
    assert total[header.index("Open now")] == str(report.total.open)
    assert total[header.index("Overdue now")] == str(report.total.overdue)
    districts = {row[1]: row for row in rows if row[0] == "District"}
    for child in report.children:
        if child.key in districts:
            assert districts[child.key][3] == str(child.figures.received)
    assert {row[0] for row in rows} >= {"Category", "Category group", "Channel"}
    workbook = client.get(
        "/staff/complaints/reports/export.xlsx?level=province&code=50"
    )
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == len(lines)
    assert values[1][3] == report.total.received


# --- the public pages ----------------------------------------------------------------


def test_the_public_pages_show_the_figures_of_each_level(made, client):
    today = timezone.localdate()
    for url, unit, keep in (
        ("/complaints/figures/", COUNTRY, lambda c: True),
        (
            "/en/complaints/figures/p/50/",
            PROVINCE,
            lambda c: c.office.province_id == "50",
        ),
        (
            "/complaints/figures/d/5001/",
            DISTRICT,
            lambda c: c.office.district_id == "5001",
        ),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        report = response.context["report"]
        assert report.unit.level == unit
        start = response.context["period"].start
        assert actual(report.total) == expected(made, start, today, keep)
    assert client.get("/complaints/figures/p/99/").status_code == 404
    assert client.get("/complaints/figures/d/9999/").status_code == 404
    jump = client.get("/complaints/figures/?province=50&fy=2569")
    assert jump.status_code == 302
    assert jump["Location"] == "/complaints/figures/p/50/?fy=2569"


def test_the_public_page_shows_no_personal_data(small_map, tree, client):
    """The rollups hold none, and the page reads nothing else: a complaint's
    name, phone and text never reach it."""
    from saduak.complaints.tests.test_reports_services import file_one_of_each

    secrets = file_one_of_each()
    for url in (
        "/complaints/figures/",
        "/complaints/figures/p/50/",
        "/complaints/figures/d/5001/",
        "/en/complaints/figures/d/5001/",
        "/complaints/figures/data.json?district=5001",
        "/complaints/figures/data.csv",
    ):
        content = client.get(url).content.decode("utf-8-sig")
        for secret in secrets:
            assert secret not in content, (url, secret)


def test_the_open_data_downloads(made, client):
    data = client.get("/en/complaints/figures/data.json?province=50")
    assert data.status_code == 200
    assert data["Content-Type"].startswith("application/json")
    body = json.loads(data.content)
    assert "Open Government Data" in body["licence"]
    assert {row["district_code"] for row in body["districts"]} == {"5001", "5002"}
    start = date.fromisoformat(body["start"])
    end = date.fromisoformat(body["end"])
    for row in body["districts"]:
        figures = expected(
            made,
            start,
            end,
            lambda c, row=row: c.office.district_id == row["district_code"],
        )
        assert row["received"] == figures["received"]
        assert row["open"] == figures["open"]
        assert row["median_working_days_to_resolve"] == figures["median_resolve_days"]
    assert len(body["months"]) == 12
    table = client.get("/complaints/figures/data.csv")
    assert table.status_code == 200
    lines = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert lines[0][0] == "district_code"
    assert len(lines) - 1 == District.objects.filter(is_active=True).count()
    assert client.get("/complaints/figures/data.xml").status_code == 404
    assert client.get("/complaints/figures/data.csv?province=99").status_code == 404


def test_the_public_page_is_cached_for_visitors(made, client, settings):
    settings.COMPLAINTS_PUBLIC_CACHE_SECONDS = 120
    first = client.get("/complaints/figures/d/5001/")
    assert "max-age=120" in first["Cache-Control"]
    ComplaintOpenCounts.objects.filter(district_id="5001").update(open=0, overdue=0)
    again = client.get("/complaints/figures/d/5001/")
    assert again.content == first.content
    settings.COMPLAINTS_PUBLIC_CACHE_SECONDS = 0
    fresh = client.get("/complaints/figures/d/5001/")
    assert fresh.context["report"].total.open == 0


def test_the_period_picker_refuses_a_reversed_range_on_the_public_page(made, client):
    response = client.get("/en/complaints/figures/?start=2026-05-01&end=2026-01-01")
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()


def test_unit_where_and_the_rollup_columns_agree(small_map):
    """The rollups carry the office's district and province, which Unit.where
    filters on; an office without a district (the provincial office) counts in
    its province only."""
    office = Office.objects.get(code="pao-50")
    assert office.district_id is None and office.province_id == "50"
    assert Unit(PROVINCE, "50").where == Q(province_id="50")


def test_each_role_opens_its_own_unit_first(made, make_staff, client_for):
    expected_units = {
        (Role.HQ_ADMIN, "hq"): (COUNTRY, ""),
        (Role.PROVINCIAL_STAFF, "pao-50"): (PROVINCE, "50"),
        (Role.DISTRICT_ADMIN, "do-5002"): (DISTRICT, "5002"),
        (Role.COUNTER_OFFICER, "ddc-5001"): (OFFICE, "ddc-5001"),
    }
    for (role, office), (level, code) in expected_units.items():
        client = client_for(make_staff(role, office))
        report = client.get("/staff/complaints/reports/").context["report"]
        assert (report.unit.level, report.unit.code) == (level, code), role
    officer = client_for(make_staff(Role.COUNTER_OFFICER, "ddc-5001"))
    # A counter officer reads their own office only.
    assert (
        officer.get("/staff/complaints/reports/?level=district&code=5001").status_code
        == 403
    )
    assert (
        officer.get("/staff/complaints/reports/?level=office&code=reg-5001").status_code
        == 403
    )
    hq = client_for(make_staff(Role.HQ_ADMIN, "hq"))
    page = hq.get("/staff/complaints/reports/?level=country")
    assert {row.code for row in page.context["report"].children} >= {"10", "50"}
    assert "?level=province&amp;code=50" in page.content.decode()
