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
    """The KPI's trend (see kpi_trends)."""
    return kpi_trends(kpis=[kpi])[kpi.pk]


def kpi_trends(*, kpis: list[Kpi]) -> dict[int, Trend]:
    """Each KPI's trend, by its id, in two queries whatever their number:
    the KPIs with their chains of previous years, and those years' results."""
    chains = Kpi.objects.select_related(
        "component__framework",
        "previous__component__framework",
        "previous__previous__component__framework",
    ).in_bulk([kpi.pk for kpi in kpis])
    years_of: dict[int, list[Kpi]] = {}
    for kpi in kpis:
        chain: list[Kpi] = []
        current: Kpi | None = chains[kpi.pk]
        while current is not None and len(chain) < YEARS:
            chain.append(current)
            current = current.previous
        years_of[kpi.pk] = chain
    results = (
        KpiResult.objects.filter(
            kpi__in=[each for chain in years_of.values() for each in chain],
            value__isnull=False,
        )
        .select_related("round")
        .order_by("kpi_id", "-round__months")
    )
    last: dict[int, KpiResult] = {}
    for found in results:
        last.setdefault(found.kpi_id, found)
    return {kpi.pk: _trend(kpi, years_of[kpi.pk], last) for kpi in kpis}


def _trend(kpi: Kpi, chain: list[Kpi], last: dict[int, KpiResult]) -> Trend:
    in_points = kpi.measure_unit == MeasureUnit.PERCENT
    points: list[TrendPoint] = []
    for each in reversed(chain):
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
