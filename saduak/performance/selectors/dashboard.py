"""What a framework's dashboard shows for one round and one unit: the overall
and component scores, each KPI's score, and each KPI's breakdown by the unit's
children (provinces for the department, districts for a province, offices or
named facilities for a district), as stored by the scoring service and the
breakdown tables. Reads stored rows only, in a number of queries that does not
grow with the breakdown rows: district rows are added up to provinces by the
database (docs/layout.md 8.4, pattern D)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from saduak.accounts.units import COUNTRY, DISTRICT, PROVINCE, Unit
from saduak.areas.models import District, Office, Province
from saduak.areas.province_shapes import shape_of
from saduak.areas.reach import Reach
from saduak.performance.choices import BreakdownLevel
from saduak.performance.models import BreakdownRow, Framework, Kpi, Round
from saduak.performance.scoring import value_of
from saduak.performance.selectors.scores import (
    KpiLine,
    Scoreboard,
    framework_scoreboard,
)
from saduak.performance.selectors.trend import TrendPoint, kpi_trends

# The column a unit's breakdown is grouped by: its children.
GROUP_BY = {COUNTRY: "province_id", PROVINCE: "district_id", DISTRICT: "office_id"}


@dataclass(frozen=True)
class Area:
    """One child unit's figures in a KPI's breakdown (summed when the rows
    are finer than the child, e.g. districts of a province)."""

    code: str
    name: str
    numerator: Decimal
    denominator: Decimal | None
    value: Decimal | None
    rows: int
    flagged: int
    shape: str = ""


@dataclass(frozen=True)
class Breakdown:
    kpi: Kpi
    level: str
    areas: list[Area]

    @property
    def on_map(self) -> bool:
        return self.level == PROVINCE and any(area.shape for area in self.areas)


@dataclass(frozen=True)
class TrendRow:
    """A KPI's three-year trend as a table row: its point of each year
    (None for a year without a result) and the latest change."""

    kpi: Kpi
    points: list[TrendPoint | None]
    change_label: str


@dataclass(frozen=True)
class Dashboard:
    framework: Framework
    round: Round | None
    unit: Unit
    # None while the framework has no round.
    scoreboard: Scoreboard | None
    breakdowns: list[Breakdown] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    trends: list[TrendRow] = field(default_factory=list)


def dashboard_trends(
    *, framework: Framework, kpis: list[Kpi]
) -> tuple[list[int], list[TrendRow]]:
    """The fiscal years of the trend (this one and the two before) and each
    KPI's row: two queries in all (selectors/trend.py)."""
    years = [framework.fiscal_year - back for back in (2, 1, 0)]
    rows = []
    trends = kpi_trends(kpis=kpis)
    for kpi in kpis:
        trend = trends[kpi.pk]
        by_year = {point.fiscal_year: point for point in trend.points}
        latest = trend.points[-1].change_label if trend.points else ""
        rows.append(TrendRow(kpi, [by_year.get(year) for year in years], latest))
    return years, rows


def _names(unit: Unit, codes: set[str]) -> dict[str, str]:
    if unit.level == COUNTRY:
        return {p.code: p.name for p in Province.objects.filter(code__in=codes)}
    if unit.level == PROVINCE:
        return {d.code: d.name for d in District.objects.filter(code__in=codes)}
    return {
        str(o.pk): o.name for o in Office.objects.filter(pk__in=[int(c) for c in codes])
    }


def dashboard_breakdowns(
    *, lines: list[KpiLine], unit: Unit, reach: Reach
) -> list[Breakdown]:
    """Each KPI's breakdown rows in the unit that `reach` reads, summed by
    the unit's children: one grouped query for every KPI, and one for the
    children's names. A district's rows without an office (named facilities)
    are listed by their name."""
    by_result = {
        line.result.pk: line.kpi
        for line in lines
        if line.result is not None and line.kpi.breakdown_level != BreakdownLevel.NONE
    }
    if not by_result:
        return []
    key = GROUP_BY.get(unit.level, "office_id")
    columns = ["result_id", key] + (["label"] if unit.level == DISTRICT else [])
    grouped = (
        BreakdownRow.objects.filter(result_id__in=by_result)
        .filter(unit.where & reach.q())
        .values(*columns)
        .annotate(
            numerator_sum=Sum("numerator"),
            denominator_sum=Sum("denominator"),
            denominators=Count("denominator"),
            rows=Count("id"),
            flagged_rows=Count("id", filter=Q(flagged=True)),
        )
        .order_by("result_id", key)
    )
    found = list(grouped)
    names = _names(unit, {str(row[key]) for row in found if row[key] is not None})
    areas: dict[int, list[Area]] = {}
    for row in found:
        kpi = by_result[row["result_id"]]
        code = "" if row[key] is None else str(row[key])
        denominator = row["denominator_sum"] if row["denominators"] else None
        areas.setdefault(row["result_id"], []).append(
            Area(
                code=code,
                name=names.get(code) or row.get("label") or unit.name,
                numerator=row["numerator_sum"],
                denominator=denominator,
                value=value_of(
                    numerator=row["numerator_sum"],
                    denominator=denominator,
                    factor=kpi.factor,
                )
                if denominator != 0
                else None,
                rows=row["rows"],
                flagged=row["flagged_rows"],
                shape=shape_of(code) if unit.level == COUNTRY else "",
            )
        )
    level = unit.child_level or unit.level
    return [
        Breakdown(by_result[result_id], level, sorted(rows, key=lambda a: a.name))
        for result_id, rows in areas.items()
    ]


def framework_dashboard(
    *, framework: Framework, round: Round | None, unit: Unit, reach: Reach
) -> Dashboard:
    """The dashboard of `framework` in `round` (None: no round yet) for a
    unit the caller has checked against the viewer's read reach; `reach`
    filters the breakdown rows again, so a province sees its own rows only.
    A fixed number of queries for the scores, the breakdowns and the trends,
    whatever the KPIs and the breakdown rows."""
    if round is None:
        kpis = list(Kpi.objects.filter(component__framework=framework, parent=None))
        years, trends = dashboard_trends(framework=framework, kpis=kpis)
        return Dashboard(framework, None, unit, None, [], years, trends)
    scoreboard = framework_scoreboard(framework=framework, round=round)
    lines = [line for component in scoreboard.components for line in component.lines]
    years, trends = dashboard_trends(
        framework=framework, kpis=[line.kpi for line in lines if not line.is_parent]
    )
    return Dashboard(
        framework=framework,
        round=round,
        unit=unit,
        scoreboard=scoreboard,
        breakdowns=dashboard_breakdowns(lines=lines, unit=unit, reach=reach),
        years=years,
        trends=trends,
    )
