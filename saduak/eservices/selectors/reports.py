"""E-service reports: applications by service, stage, office and period, with
the median days from submission to decision and the amounts approved and paid.
Reach-scoped: a viewer counts only the applications of offices they read, and
may narrow to one unit (country, province, district, office:
`accounts.units`).

The period selects applications by the day they were submitted. Everything is
read from the rollups (`eservices.report_rollups`), never from the
applications: the counts and amounts from ApplicationReportCounts (one row per
office, service, stage and month, or day at the period's ends), the medians
from the histogram of minutes to decision in ApplicationDecisionMinutes. The
application services move both in their own transaction, so the report is
exact right after a write."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import Reach, read_reach
from saduak.accounts.units import Unit
from saduak.areas.models import Office, Province
from saduak.core.errors import PermissionDeniedError
from saduak.core.rollups import histogram_medians, period_q
from saduak.core.thai import MONTHS_EN_SHORT, MONTHS_TH_SHORT, to_be_year
from saduak.eservices.choices import VersionStatus
from saduak.eservices.models import (
    ApplicationDecisionMinutes,
    ApplicationReportCounts,
    Service,
    ServiceVersion,
)
from saduak.eservices.report_rollups import AMOUNT_FIELDS, COUNT_FIELDS
from saduak.eservices.versions import workflow_of

DIMENSIONS = ("service", "office", "stage", "month")
# What each dimension groups by in the database.
GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    "service": ("service_id",),
    "office": ("office_id",),
    "stage": ("stage",),
    "month": ("month",),
}
MINUTES_A_DAY = 1440
ROLLUP_AREA = {
    "office": "office_id",
    "district": "district_id",
    "province": "province_id",
}


@dataclass(frozen=True)
class ReportFilters:
    start: date
    end: date
    service: Service | None = None
    province: str = ""
    office: Office | None = None
    group_by: tuple[str, ...] = ("service", "office")
    # One unit of the viewer's reach (`accounts.units.unit_get` checked it).
    unit: Unit | None = None


@dataclass
class ReportRow:
    labels: dict[str, str]
    received: int = 0
    in_progress: int = 0
    returned: int = 0
    approved: int = 0
    rejected: int = 0
    paid: int = 0
    decided: int = 0
    median_days: float | None = None
    amount_approved: Decimal = field(default_factory=Decimal)
    amount_paid: Decimal = field(default_factory=Decimal)


@dataclass(frozen=True)
class Report:
    filters: ReportFilters
    rows: list[ReportRow]
    total: ReportRow


def report_reach(user: User) -> Reach:
    """Anyone with a staff role reads the reports of the offices they reach."""
    reach = read_reach(user)
    if reach.is_empty:
        raise PermissionDeniedError(_("The reports are for staff of an office."))
    return reach


def provinces_in_reach(user: User) -> QuerySet[Province]:
    reach = report_reach(user)
    provinces = Province.objects.filter(is_active=True).order_by("code")
    if reach.everything:
        return provinces
    codes = set(reach.provinces) | {code[:2] for code in reach.districts}
    codes |= set(
        Office.objects.filter(pk__in=reach.offices).values_list(
            "province_id", flat=True
        )
    )
    return provinces.filter(code__in=codes)


def offices_in_reach(user: User) -> QuerySet[Office]:
    """The offices that have (or may have) applications, in reach."""
    reach = report_reach(user)
    with_applications = ApplicationReportCounts.objects.values("office_id")
    return Office.objects.filter(
        reach.offices_q(), is_active=True, pk__in=with_applications
    ).order_by("province_id", "district_id", "code")


def _period_rows(
    model: type[Model], user: User, filters: ReportFilters
) -> QuerySet[Any]:
    """The rollup rows of the period (month rows for its whole months, day
    rows for the days at either end), in the viewer's reach and filters."""
    reach = report_reach(user)
    queryset = model._default_manager.filter(
        reach.q(**ROLLUP_AREA), period_q(filters.start, filters.end)
    )
    if filters.unit is not None:
        queryset = queryset.filter(filters.unit.where)
    if filters.service is not None:
        queryset = queryset.filter(service=filters.service)
    if filters.province:
        queryset = queryset.filter(province_id=filters.province)
    if filters.office is not None:
        queryset = queryset.filter(office=filters.office)
    if "month" in filters.group_by:
        queryset = queryset.annotate(month=TruncMonth("day"))
    return queryset.order_by()


def _group_fields(group_by: Sequence[str]) -> list[str]:
    return [name for dimension in group_by for name in GROUP_FIELDS[dimension]]


def decision_medians(
    user: User, filters: ReportFilters, group_fields: Sequence[str]
) -> dict[tuple[Any, ...], float]:
    """The median days from submission to decision per group (the values of
    `group_fields`), over the decided applications only: taken in the
    database from the minutes histogram (`core.rollups.histogram_medians`),
    so one row per group comes back however many decisions there were."""
    fields = list(group_fields)
    histogram = (
        _period_rows(ApplicationDecisionMinutes, user, filters)
        .values(*fields, "minutes")
        .annotate(decided_count=Sum("decided"))
        .values_list(*fields, "minutes", "decided_count")
    )
    medians = histogram_medians(histogram, len(fields))
    return {
        _normalised(fields, key): minutes / MINUTES_A_DAY
        for key, minutes in medians.items()
    }


def _normalised(fields: Sequence[str], key: tuple[Any, ...]) -> tuple[Any, ...]:
    """Raw SQL gives a truncated month as text (SQLite) or a datetime
    (PostgreSQL); the grouped counts have it as a date."""
    values = list(key)
    for index, name in enumerate(fields):
        value = values[index]
        if name == "month" and isinstance(value, str):
            values[index] = date.fromisoformat(value[:10])
        elif name == "month" and isinstance(value, datetime):
            values[index] = value.date()
    return tuple(values)


def _counts() -> dict[str, Any]:
    return {name: Sum(name) for name in (*COUNT_FIELDS, *AMOUNT_FIELDS)}


def _month_label(value: date | datetime) -> str:
    if (get_language() or "th").startswith("en"):
        return f"{MONTHS_EN_SHORT[value.month - 1]} {value.year}"
    return f"{MONTHS_TH_SHORT[value.month - 1]} {to_be_year(value.year)}"


def stage_labels() -> dict[str, str]:
    """A label for each stage code of the versions in use (a code shared by
    several services takes the first label found)."""
    labels: dict[str, str] = {}
    versions = ServiceVersion.objects.filter(
        status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED]
    ).only("id", "status", "workflow")
    for version in versions.order_by("status", "-id"):
        for stage in workflow_of(version).stages:
            labels.setdefault(stage.code, stage.label)
    return labels


class _Labeller:
    """Names for the grouped keys, loaded once per report."""

    def __init__(self, rows: list[dict[str, Any]], group_by: Sequence[str]) -> None:
        self.group_by = group_by
        self.services = (
            {
                service.pk: service.name
                for service in Service.objects.filter(
                    pk__in={row["service_id"] for row in rows}
                )
            }
            if "service" in group_by
            else {}
        )
        self.offices = (
            {
                office.pk: office.name
                for office in Office.objects.filter(
                    pk__in={row["office_id"] for row in rows}
                )
            }
            if "office" in group_by
            else {}
        )
        self.stages = stage_labels() if "stage" in group_by else {}

    def __call__(self, row: dict[str, Any]) -> dict[str, str]:
        labels: dict[str, str] = {}
        for dimension in self.group_by:
            if dimension == "service":
                labels["service"] = self.services.get(row["service_id"], "")
            elif dimension == "office":
                labels["office"] = self.offices.get(row["office_id"], "")
            elif dimension == "stage":
                code = row["stage"] or ""
                labels["stage"] = self.stages.get(code, code)
            elif dimension == "month":
                labels["month"] = _month_label(row["month"]) if row["month"] else ""
        return labels


def _row(labels: dict[str, str], values: dict[str, Any]) -> ReportRow:
    return ReportRow(
        labels=labels,
        received=values["received"] or 0,
        in_progress=values["in_progress"] or 0,
        returned=values["returned"] or 0,
        approved=values["approved"] or 0,
        rejected=values["rejected"] or 0,
        paid=values["paid"] or 0,
        decided=values["decided"] or 0,
        amount_approved=values["amount_approved"] or Decimal(0),
        amount_paid=values["amount_paid"] or Decimal(0),
    )


def applications_report(*, viewer: User, filters: ReportFilters) -> Report:
    """Grouped counts, medians and amounts of the applications submitted in
    the period, in the viewer's reach. A fixed number of queries over the
    rollups: one grouped count, one grouped histogram, and the same two for
    the total, plus the labels."""
    group_by = tuple(item for item in DIMENSIONS if item in filters.group_by)
    filters = ReportFilters(
        start=filters.start,
        end=filters.end,
        service=filters.service,
        province=filters.province,
        office=filters.office,
        group_by=group_by,
        unit=filters.unit,
    )
    counts = _period_rows(ApplicationReportCounts, viewer, filters)
    group_fields = _group_fields(group_by)
    grouped = (
        [
            values
            for values in counts.values(*group_fields).annotate(**_counts())
            if values["received"]
        ]
        if group_fields
        else []
    )
    medians = decision_medians(viewer, filters, group_fields) if group_fields else {}
    label = _Labeller(grouped, group_by)
    keyed: list[tuple[tuple[Any, ...], ReportRow]] = []
    for values in grouped:
        row = _row(label(values), values)
        row.median_days = medians.get(tuple(values[name] for name in group_fields))
        # Months in time order, everything else by its name.
        sort_key = tuple(
            values["month"] if item == "month" else row.labels[item]
            for item in group_by
        )
        keyed.append((sort_key, row))
    keyed.sort(key=lambda item: item[0])
    total = _row({}, counts.aggregate(**_counts()))
    total.median_days = decision_medians(viewer, filters, []).get(())
    return Report(filters, [row for _key, row in keyed], total)


def report_table(report: Report) -> tuple[list[str], list[list[object]]]:
    """Header and rows for the CSV and XLSX downloads."""
    names = {
        "service": _("Service"),
        "office": _("Office"),
        "stage": _("Stage"),
        "month": _("Month submitted"),
    }
    group_by = report.filters.group_by
    header = [names[item] for item in group_by] + [
        _("Received"),
        _("In progress"),
        _("Waiting for the applicant"),
        _("Approved"),
        _("Rejected"),
        _("Paid"),
        _("Decided"),
        _("Median days to decision"),
        _("Amount approved (THB)"),
        _("Amount paid (THB)"),
    ]

    def cells(row: ReportRow, labels: list[str]) -> list[object]:
        return [
            *labels,
            row.received,
            row.in_progress,
            row.returned,
            row.approved,
            row.rejected,
            row.paid,
            row.decided,
            round(row.median_days, 1) if row.median_days is not None else "",
            row.amount_approved,
            row.amount_paid,
        ]

    rows = [
        cells(row, [row.labels.get(item, "") for item in group_by])
        for row in report.rows
    ]
    if group_by:
        rows.append(cells(report.total, [_("Total")] + [""] * (len(group_by) - 1)))
    else:
        rows.append(cells(report.total, []))
    return header, rows
