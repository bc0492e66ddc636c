"""The province's and HQ's view of e-services: per office in reach and service,
for a period, the applications received, decided, approved and rejected, the
backlog open now, and per stage the median working days and the share handled
within the stage's target.

Two grouped statements, whatever the number of offices: one over the
applications (conditional counts), one over the closed stage visits grouped
down to the number of working days, from which medians are read without
loading a row per visit."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.areas.models import Office
from saduak.core.rollups import histogram_median
from saduak.core.thai import day_bounds
from saduak.eservices.choices import (
    ApplicationStatus,
    Outcome,
    StageKind,
    VersionStatus,
)
from saduak.eservices.models import Application, Service, ServiceVersion, StageVisit
from saduak.eservices.versions import workflow_of

OPEN = [ApplicationStatus.IN_PROGRESS, ApplicationStatus.RETURNED]
APPROVED = [Outcome.APPROVED, Outcome.PAID]


@dataclass
class StageFigures:
    visits: int = 0
    median_days: float | None = None
    within_target: int = 0
    judged: int = 0

    @property
    def share_within_target(self) -> float | None:
        return self.within_target / self.judged if self.judged else None


@dataclass
class OverviewRow:
    office: Office
    service: Service
    received: int = 0
    decided: int = 0
    approved: int = 0
    rejected: int = 0
    backlog: int = 0
    stages: dict[str, StageFigures] = field(default_factory=dict)


@dataclass(frozen=True)
class StageColumn:
    code: str
    label: str


def _median(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}."""
    return histogram_median(histogram)


def stage_columns() -> list[StageColumn]:
    """The working stages of the services in use, in workflow order, one
    column per stage code."""
    columns: dict[str, StageColumn] = {}
    for version in ServiceVersion.objects.filter(
        status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED]
    ).order_by("status", "service_id"):
        for stage in workflow_of(version).stages:
            if stage.kind != StageKind.END and stage.code not in columns:
                columns[stage.code] = StageColumn(stage.code, stage.label)
    return list(columns.values())


def overview(*, user: User, start: date, end: date) -> list[OverviewRow]:
    """Rows per (office, service) with any activity in the period or a
    backlog now, for the offices in the user's reach, ordered by office."""
    reach = read_reach(user)
    since, _unused = day_bounds(start)
    _unused, until = day_bounds(end)
    received = Q(submitted_at__gte=since, submitted_at__lt=until)
    decided = Q(decided_at__gte=since, decided_at__lt=until)
    counted = (
        Application.objects.filter(
            reach.q(
                office="office_id", district="district_code", province="province_code"
            )
        )
        .filter(received | decided | Q(status__in=OPEN))
        .order_by()
        .values("office_id", "service_id")
        .annotate(
            received=Count("id", filter=received),
            decided=Count("id", filter=decided),
            approved=Count("id", filter=decided & Q(outcome__in=APPROVED)),
            rejected=Count("id", filter=decided & Q(outcome=Outcome.REJECTED)),
            backlog=Count("id", filter=Q(status__in=OPEN)),
        )
    )
    visits = (
        StageVisit.objects.filter(
            reach.q(
                office="office_id",
                district="office__district_id",
                province="office__province_id",
            ),
            left_at__gte=since,
            left_at__lt=until,
        )
        .order_by()
        .values("office_id", "service_id", "stage", "working_days")
        .annotate(
            visits=Count("id"),
            within=Count("id", filter=Q(within_target=True)),
            judged=Count("id", filter=Q(within_target__isnull=False)),
        )
    )
    rows: dict[tuple[int, int], dict[str, Any]] = {
        (item["office_id"], item["service_id"]): dict(item) for item in counted
    }
    histograms: dict[tuple[int, int, str], dict[int, int]] = defaultdict(dict)
    per_pair: dict[tuple[int, int], dict[str, StageFigures]] = defaultdict(dict)
    for item in visits:
        pair = (item["office_id"], item["service_id"])
        figures = per_pair[pair].setdefault(item["stage"], StageFigures())
        figures.visits += item["visits"]
        figures.within_target += item["within"]
        figures.judged += item["judged"]
        if item["working_days"] is not None:
            histograms[(*pair, item["stage"])][item["working_days"]] = item["visits"]
        rows.setdefault(pair, {})
    offices = Office.objects.in_bulk({office for office, _service in rows})
    services = Service.objects.in_bulk({service for _office, service in rows})
    result = []
    for pair, counts in rows.items():
        row = OverviewRow(
            offices[pair[0]],
            services[pair[1]],
            received=counts.get("received", 0),
            decided=counts.get("decided", 0),
            approved=counts.get("approved", 0),
            rejected=counts.get("rejected", 0),
            backlog=counts.get("backlog", 0),
        )
        for stage, figures in per_pair.get(pair, {}).items():
            figures.median_days = _median(histograms[(*pair, stage)])
            row.stages[stage] = figures
        result.append(row)
    result.sort(key=lambda row: (row.office.code, row.service.code))
    return result


def overview_totals(rows: list[OverviewRow]) -> dict[str, int]:
    return {
        name: sum(getattr(row, name) for row in rows)
        for name in ("received", "decided", "approved", "rejected", "backlog")
    }
