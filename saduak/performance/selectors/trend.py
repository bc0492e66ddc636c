"""A KPI's three-year trend: its value and score in the last round with a
result of this fiscal year and of the two before (through `previous`, the
KPI each year's was copied from), oldest first, with the change from year to
year: percentage points for a percentage, per cent otherwise."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from saduak.performance.choices import MeasureUnit
from saduak.performance.models import Kpi, KpiResult

YEARS = 3
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class TrendPoint:
    fiscal_year: int
    months: int
    value: Decimal
    score: Decimal | None
    # The change from the point before (None for the first).
    change: Decimal | None = None
    change_label: str = ""


@dataclass(frozen=True)
class Trend:
    kpi: Kpi
    points: list[TrendPoint]
    # Percentage points (a percentage KPI) or per cent (anything else).
    in_points: bool


def _signed(number: Decimal) -> str:
    text = f"{number:f}"
    return text if number < 0 else f"+{text}"


def _change(
    previous: Decimal, value: Decimal, in_points: bool
) -> tuple[Decimal | None, str]:
    if in_points:
        change = (value - previous).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        return change, _("%(change)s pp") % {"change": _signed(change)}
    if previous == 0:
        return None, ""
    change = ((value - previous) / previous * 100).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )
    return change, _("%(change)s%%") % {"change": _signed(change)}


def kpi_trend(*, kpi: Kpi) -> Trend:
    """Two queries: the KPI's chain of previous years and their results."""
    chain = Kpi.objects.select_related(
        "component__framework",
        "previous__component__framework",
        "previous__previous__component__framework",
    ).get(pk=kpi.pk)
    kpis: list[Kpi] = []
    current: Kpi | None = chain
    while current is not None and len(kpis) < YEARS:
        kpis.append(current)
        current = current.previous
    results = (
        KpiResult.objects.filter(kpi__in=kpis, value__isnull=False)
        .select_related("round")
        .order_by("kpi_id", "-round__months")
    )
    last: dict[int, KpiResult] = {}
    for found in results:
        last.setdefault(found.kpi_id, found)
    in_points = kpi.measure_unit == MeasureUnit.PERCENT
    points: list[TrendPoint] = []
    for each in reversed(kpis):
        result = last.get(each.pk)
        if result is None or result.value is None:
            continue
        change: Decimal | None = None
        label = ""
        if points:
            change, label = _change(points[-1].value, result.value, in_points)
        points.append(
            TrendPoint(
                fiscal_year=each.component.framework.fiscal_year,
                months=result.round.months,
                value=result.value,
                score=result.score,
                change=change,
                change_label=label,
            )
        )
    return Trend(kpi=kpi, points=points, in_points=in_points)
