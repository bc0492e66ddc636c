"""The performance app's own KPI source (core/measures.py): a unit's PMQA 4.0
overall score as the assessor gave it, for the fiscal year in which the
round ends. Registered from PerformanceConfig.ready."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.core.errors import Conflict
from saduak.core.measures import (
    COUNTRY,
    DISTRICT,
    PROVINCE,
    Measured,
    MeasureScope,
    MeasureSource,
    measure_source_register,
)
from saduak.core.thai import fiscal_year_of
from saduak.performance.choices import MeasureUnit
from saduak.performance.selectors.pmqa import pmqa_assessor_overall

PMQA_ASSESSOR = "performance.pmqa_assessor"


def pmqa_assessor_measure(scope: MeasureScope) -> Measured:
    """The assessor's overall (mean of the seven categories) of the scope's
    unit in the fiscal year of the scope's last day; `Conflict` until all
    seven are recorded, so that no score is made from a missing assessment."""
    fiscal_year = fiscal_year_of(scope.end).be_year
    overall = pmqa_assessor_overall(
        fiscal_year=fiscal_year, unit_level=scope.level, unit_code=scope.code
    )
    if overall is None:
        raise Conflict(
            _(
                "The assessor's PMQA scores of fiscal year %(year)s are not all"
                " recorded for this unit yet."
            )
            % {"year": fiscal_year}
        )
    return Measured(numerator=overall)


def register() -> None:
    measure_source_register(
        MeasureSource(
            key=PMQA_ASSESSOR,
            label=gettext_lazy("PMQA 4.0 overall score (assessor)"),
            description=gettext_lazy(
                "The mean of the seven PMQA 4.0 categories as the assessor scored"
                " them (0-500), for the unit and the fiscal year of the round."
            ),
            numerator_label=gettext_lazy("PMQA overall score"),
            denominator_label=None,
            measure_unit=MeasureUnit.POINTS,
            compute=pmqa_assessor_measure,
            levels=frozenset({COUNTRY, PROVINCE, DISTRICT}),
        )
    )
