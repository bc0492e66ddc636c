"""Damrongdham complaints as a KPI source (core/measures.py), read from the
report's rollup `ComplaintReportCounts` (pattern A, `report_rollups.py`) as
the complaints report reads it: month rows for the whole months of the period,
day rows for the days at either end (`core.rollups.period_q`).

- `complaints.resolved_within_target`: of the complaints received in the
  period (the report's cohort) that have been resolved, the share resolved
  on or before their `resolve_due` (the category's target in working days
  after receipt, at the holding office): numerator `resolved_in_time`,
  denominator `resolved`. The same figure as the report's "resolved within
  target". A unit's complaints are those its offices hold; the children of a
  province are its districts plus the provincial office for the complaints
  it holds itself (under that office's code).

Registered in ComplaintsConfig.ready."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from saduak.complaints.models import ComplaintReportCounts
from saduak.core.measure_sums import child_sums, scope_sums
from saduak.core.measures import (
    Measured,
    MeasureScope,
    MeasureSource,
    measure_source_register,
)
from saduak.core.rollups import period_q

FIELDS = ("resolved_in_time", "resolved")


def _rows(scope: MeasureScope) -> QuerySet[ComplaintReportCounts]:
    return ComplaintReportCounts.objects.filter(period_q(scope.start, scope.end))


def resolved_within_target(scope: MeasureScope) -> Measured:
    sums = scope_sums(_rows(scope), scope, FIELDS)
    return Measured(sums["resolved_in_time"], sums["resolved"])


def resolved_within_target_per_child(scope: MeasureScope) -> dict[str, Measured]:
    return {
        code: Measured(sums["resolved_in_time"], sums["resolved"])
        for code, sums in child_sums(_rows(scope), scope, FIELDS).items()
        if sums["resolved"]
    }


def register() -> None:
    measure_source_register(
        MeasureSource(
            key="complaints.resolved_within_target",
            label=_("Share of complaints resolved within their target working days"),
            description=_(
                "Damrongdham complaints received in the period and resolved: "
                "the share resolved on or before their due date (the "
                "category's target in working days after receipt, counting the "
                "holding office's holidays). The same figure as the complaints "
                "report's “resolved within target”."
            ),
            numerator_label=_("Complaints resolved within the target"),
            denominator_label=_("Complaints resolved (received in the period)"),
            measure_unit="percent",
            compute=resolved_within_target,
            per_child=resolved_within_target_per_child,
        )
    )
