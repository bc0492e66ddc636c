"""Office statistics for any period and level: an office, a district, a province
or the whole country, broken down by the level below. Read from OfficeDayStats
(one row per office and day), never from tickets or bookings."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.units import (
    COUNTRY,
    DISTRICT,
    LEVELS,
    OFFICE,
    PROVINCE,
    unit_default,
    unit_get,
)
from saduak.appointments.models import OfficeDayStats
from saduak.appointments.models.stats import HISTOGRAM_MINUTES
from saduak.areas.models import District, Office, Province
from saduak.core.errors import InvalidInput, NotFound, PermissionDeniedError

COUNTS = (
    "bookings",
    "cancellations",
    "booking_no_shows",
    "walk_ins",
    "appointment_arrivals",
    "served",
    "ticket_no_shows",
    "served_within_target",
    "wait_seconds_total",
    "service_seconds_total",
)


@dataclass
class StatsRow:
    key: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    wait_histogram: list[int] = field(
        default_factory=lambda: [0] * (HISTOGRAM_MINUTES + 1)
    )
    service_histogram: list[int] = field(
        default_factory=lambda: [0] * (HISTOGRAM_MINUTES + 1)
    )

    def add(self, row: OfficeDayStats) -> None:
        for name in COUNTS:
            self.counts[name] += getattr(row, name)
        for index, value in enumerate(row.wait_histogram or []):
            self.wait_histogram[index] += value
        for index, value in enumerate(row.service_histogram or []):
            self.service_histogram[index] += value

    @property
    def called(self) -> int:
        return sum(self.wait_histogram)

    @property
    def wait_mean_minutes(self) -> float | None:
        return _mean(self.counts["wait_seconds_total"], self.called)

    @property
    def service_mean_minutes(self) -> float | None:
        return _mean(self.counts["service_seconds_total"], sum(self.service_histogram))

    @property
    def wait_p90_minutes(self) -> int | None:
        return percentile(self.wait_histogram, 0.9)

    @property
    def service_p90_minutes(self) -> int | None:
        return percentile(self.service_histogram, 0.9)

    @property
    def within_target_share(self) -> float | None:
        called = self.called
        return self.counts["served_within_target"] / called if called else None


def _mean(total_seconds: int, count: int) -> float | None:
    return round(total_seconds / count / 60, 1) if count else None


def percentile(histogram: list[int], fraction: float) -> int | None:
    """The whole minute at which `fraction` of the values are reached (the last
    bucket means HISTOGRAM_MINUTES or more)."""
    total = sum(histogram)
    if not total:
        return None
    needed = fraction * total
    running = 0
    for minute, count in enumerate(histogram):
        running += count
        if running >= needed:
            return minute
    return len(histogram) - 1


@dataclass
class StatsReport:
    level: str
    code: str
    name: str
    start: date
    end: date
    total: StatsRow
    rows: list[StatsRow]
    child_level: str


def default_unit(viewer: User, *, offices: bool = True) -> tuple[str, str]:
    """The widest unit a staff member's reach covers, as (level, code): the
    country, a province, a district, or their office (its district when
    `offices` is False, for reports without an office level)."""
    try:
        unit = unit_default(viewer)
    except PermissionDeniedError:
        raise NotFound(_("Statistics are for staff of an office.")) from None
    if unit.level != OFFICE or offices:
        return unit.level, unit.code
    if unit.district is None:
        raise NotFound(_("Statistics are for staff of an office."))
    return DISTRICT, unit.district.code


# Each level's rows below it, and the column that groups them.
CHILDREN_OF = {
    COUNTRY: ("province", "province_id"),
    PROVINCE: ("district", "district_id"),
    DISTRICT: ("office", "office_id"),
    OFFICE: ("day", "day"),
}


def office_statistics(
    *, viewer: User, level: str, code: str, start: date, end: date
) -> StatsReport:
    """The period's figures for one unit (its total) and for each unit one level
    below. Staff see what their reach covers: an office's staff their office, a
    district its offices, a province its districts, HQ everything."""
    if level not in LEVELS:
        raise InvalidInput(
            _("Choose country, province, district or office."), field="level"
        )
    if end < start or (end - start).days > 400:
        raise InvalidInput(_("Choose a period of at most 400 days."), field="end")
    unit = unit_get(viewer=viewer, level=level, code=code)
    rows = OfficeDayStats.objects.filter(unit.where, day__gte=start, day__lte=end)
    name = _("Thailand") if level == COUNTRY else unit.name
    child_level, group_by = CHILDREN_OF[level]
    total = StatsRow(code or "TH", name)
    children: dict[Any, StatsRow] = defaultdict(lambda: StatsRow("", ""))
    for row in rows.order_by(group_by):
        total.add(row)
        children[getattr(row, group_by)].add(row)
    names = _names(child_level, list(children))
    ordered = []
    for key, child in children.items():
        child.key, child.name = names.get(key, (str(key), str(key)))
        ordered.append(child)
    ordered.sort(key=lambda row: row.key)
    return StatsReport(level, code, name, start, end, total, ordered, child_level)


def _names(level: str, keys: list[Any]) -> dict[Any, tuple[str, str]]:
    """Each child's code (for links and files) and name."""
    if level == "province":
        return {
            p.code: (p.code, p.name) for p in Province.objects.filter(code__in=keys)
        }
    if level == "district":
        return {
            d.code: (d.code, d.name) for d in District.objects.filter(code__in=keys)
        }
    if level == "office":
        return {o.pk: (o.code, o.name) for o in Office.objects.filter(pk__in=keys)}
    return {key: (key.isoformat(), key.isoformat()) for key in keys}


def report_table(report: StatsReport) -> tuple[list[str], list[list[object]]]:
    """The report as a header and rows for CSV and XLSX."""
    header = [
        _("Unit"),
        _("Bookings"),
        _("Cancellations"),
        _("Bookings not kept"),
        _("Walk-ins"),
        _("Arrivals with a booking"),
        _("Served"),
        _("Called, did not come"),
        _("Mean wait (min)"),
        _("Wait, 90th percentile (min)"),
        _("Mean service (min)"),
        _("Service, 90th percentile (min)"),
        _("Share within the waiting target"),
    ]
    body = []
    for row in [*report.rows, report.total]:
        share = row.within_target_share
        body.append(
            [
                row.name,
                row.counts["bookings"],
                row.counts["cancellations"],
                row.counts["booking_no_shows"],
                row.counts["walk_ins"],
                row.counts["appointment_arrivals"],
                row.counts["served"],
                row.counts["ticket_no_shows"],
                row.wait_mean_minutes,
                row.wait_p90_minutes,
                row.service_mean_minutes,
                row.service_p90_minutes,
                round(share, 3) if share is not None else None,
            ]
        )
    return header, body
