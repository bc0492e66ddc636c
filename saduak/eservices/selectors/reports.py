"""E-service reports: applications by service, stage, office and period, with
the median days from submission to decision and the amounts approved and paid.
Reach-scoped: a viewer counts only the applications of offices they read.

The period selects applications by the day they were submitted. Counting runs
in the database, grouped; the median runs in the database on PostgreSQL
(`percentile_cont`) and in Python over the decided rows of the period
elsewhere, both behind `decision_medians`."""

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import Reach, read_reach
from saduak.areas.models import Office, Province
from saduak.core.errors import PermissionDeniedError
from saduak.core.thai import MONTHS_EN_SHORT, MONTHS_TH_SHORT, day_bounds, to_be_year
from saduak.eservices.choices import ApplicationStatus, Outcome, VersionStatus
from saduak.eservices.models import Application, Service, ServiceVersion
from saduak.eservices.selectors.payments import APPLICATION_AREA
from saduak.eservices.versions import workflow_of

DIMENSIONS = ("service", "office", "stage", "month")
# What each dimension groups by in the database.
GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    "service": ("service_id",),
    "office": ("office_id",),
    "stage": ("stage",),
    "month": ("month",),
}
SECONDS_A_DAY = 86400


@dataclass(frozen=True)
class ReportFilters:
    start: date
    end: date
    service: Service | None = None
    province: str = ""
    office: Office | None = None
    group_by: tuple[str, ...] = ("service", "office")


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


class Median(Aggregate):
    """PostgreSQL's ordered-set median of an interval, in days."""

    function = "percentile_cont"
    name = "Median"
    template = (
        "percentile_cont(0.5) WITHIN GROUP "
        "(ORDER BY EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    )
    output_field = FloatField()


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
    with_applications = Application.objects.values("office_id")
    return Office.objects.filter(
        reach.offices_q(), is_active=True, pk__in=with_applications
    ).order_by("province_id", "district_id", "code")


def _period_applications(user: User, filters: ReportFilters) -> QuerySet[Application]:
    reach = report_reach(user)
    start, _next = day_bounds(filters.start)
    _day, end = day_bounds(filters.end)
    queryset = Application.objects.filter(
        reach.q(**APPLICATION_AREA),
        submitted_at__gte=start,
        submitted_at__lt=end,
    )
    if filters.service is not None:
        queryset = queryset.filter(service=filters.service)
    if filters.province:
        queryset = queryset.filter(province_code=filters.province)
    if filters.office is not None:
        queryset = queryset.filter(office=filters.office)
    if "month" in filters.group_by:
        queryset = queryset.annotate(
            month=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone())
        )
    return queryset


def _group_fields(group_by: Sequence[str]) -> list[str]:
    return [name for dimension in group_by for name in GROUP_FIELDS[dimension]]


def decision_medians(
    queryset: QuerySet[Application],
    group_fields: Sequence[str],
    *,
    in_database: bool | None = None,
) -> dict[tuple[Any, ...], float | None]:
    """The median days from submission to decision per group (the values of
    `group_fields`), over the decided applications of `queryset` only. On
    PostgreSQL one grouped query with `percentile_cont`; elsewhere the decided
    rows' two dates are read and the median taken in Python (`in_database`
    chooses the path; by default the database's when it is PostgreSQL)."""
    decided = queryset.filter(decided_at__isnull=False, submitted_at__isnull=False)
    fields = list(group_fields)
    if in_database is None:
        in_database = connection.vendor == "postgresql"
    if in_database:
        taken = ExpressionWrapper(
            F("decided_at") - F("submitted_at"), output_field=DurationField()
        )
        if not fields:
            median = decided.order_by().aggregate(median=Median(taken))["median"]
            return {(): median} if median is not None else {}
        rows = (
            decided.order_by()
            .values(*fields)
            .annotate(median=Median(taken))
            .values_list(*fields, "median")
        )
        return {tuple(row[:-1]): row[-1] for row in rows}
    days: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for row in decided.order_by().values_list(*fields, "submitted_at", "decided_at"):
        submitted, decided_at = row[-2], row[-1]
        days[tuple(row[:-2])].append(
            (decided_at - submitted).total_seconds() / SECONDS_A_DAY
        )
    return {key: statistics.median(values) for key, values in days.items()}


def _counts() -> dict[str, Any]:
    approved = Q(outcome__in=[Outcome.APPROVED, Outcome.PAID])
    return {
        "received": Count("id"),
        "in_progress": Count("id", filter=Q(status=ApplicationStatus.IN_PROGRESS)),
        "returned": Count("id", filter=Q(status=ApplicationStatus.RETURNED)),
        "approved": Count("id", filter=approved),
        "rejected": Count("id", filter=Q(outcome=Outcome.REJECTED)),
        "paid": Count("id", filter=Q(outcome=Outcome.PAID)),
        "decided": Count("id", filter=Q(decided_at__isnull=False)),
        "amount_approved": Sum("approved_amount", filter=approved),
        "amount_paid": Sum("approved_amount", filter=Q(outcome=Outcome.PAID)),
    }


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
        received=values["received"],
        in_progress=values["in_progress"],
        returned=values["returned"],
        approved=values["approved"],
        rejected=values["rejected"],
        paid=values["paid"],
        decided=values["decided"],
        amount_approved=values["amount_approved"] or Decimal(0),
        amount_paid=values["amount_paid"] or Decimal(0),
    )


def applications_report(*, viewer: User, filters: ReportFilters) -> Report:
    """Grouped counts, medians and amounts of the applications submitted in
    the period, in the viewer's reach. A fixed number of queries: one grouped
    count, one median (grouped) and one for the total, plus the labels."""
    group_by = tuple(item for item in DIMENSIONS if item in filters.group_by)
    queryset = _period_applications(viewer, filters)
    group_fields = _group_fields(group_by)
    grouped = (
        list(queryset.order_by().values(*group_fields).annotate(**_counts()))
        if group_fields
        else []
    )
    medians = decision_medians(queryset, group_fields) if group_fields else {}
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
    total = _row({}, queryset.order_by().aggregate(**_counts()))
    total.median_days = decision_medians(queryset, []).get(())
    return Report(
        ReportFilters(
            start=filters.start,
            end=filters.end,
            service=filters.service,
            province=filters.province,
            office=filters.office,
            group_by=group_by,
        ),
        [row for _key, row in keyed],
        total,
    )


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
