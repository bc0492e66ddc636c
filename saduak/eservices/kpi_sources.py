"""E-services as a KPI source (core/measures.py), read from the report rollup
ApplicationDecisionCounts (pattern A, `report_rollups.py`): month rows for
the whole months of the period, day rows for the days at either end
(`core.rollups.period_q`). Registered in EservicesConfig.ready.

- `eservices.decided_within_target`: of the applications decided (approved
  or rejected) in the period, by the day of the decision, the share decided
  within target: every stage they went through until the decision was left by
  its due date (the stage's target in working days after entering it, at the
  office; StageVisit.within_target, what the e-service overview reports per
  stage as "share within target"). The applicant's time to answer a return
  is not counted. Numerator `decided_within_target`, denominator `decided`.
  A unit's applications are those of its offices.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from saduak.core.measure_sums import child_sums, scope_sums
from saduak.core.measures import (
    Measured,
    MeasureScope,
    MeasureSource,
    measure_source_register,
)
from saduak.core.rollups import period_q
from saduak.eservices.models import ApplicationDecisionCounts
from saduak.eservices.report_rollups import DECISION_FIELDS


def _rows(scope: MeasureScope) -> QuerySet[ApplicationDecisionCounts]:
    return ApplicationDecisionCounts.objects.filter(period_q(scope.start, scope.end))


def decided_within_target(scope: MeasureScope) -> Measured:
    sums = scope_sums(_rows(scope), scope, DECISION_FIELDS)
    return Measured(sums["decided_within_target"], sums["decided"])


def decided_within_target_per_child(scope: MeasureScope) -> dict[str, Measured]:
    return {
        code: Measured(sums["decided_within_target"], sums["decided"])
        for code, sums in child_sums(_rows(scope), scope, DECISION_FIELDS).items()
        if sums["decided"]
    }


def register() -> None:
    measure_source_register(
        MeasureSource(
            key="eservices.decided_within_target",
            label=_("Share of e-service applications decided within target"),
            description=_(
                "E-service applications approved or rejected in the period (by "
                "the day of the decision): the share decided within target, "
                "that is, every stage they went through until the decision was "
                "finished by its due date (the stage's target in working days). "
                "The time the applicant takes to answer a request for more "
                "information is not counted."
            ),
            numerator_label=_("Applications decided within target"),
            denominator_label=_("Applications decided in the period"),
            measure_unit="percent",
            compute=decided_within_target,
            per_child=decided_within_target_per_child,
        )
    )
