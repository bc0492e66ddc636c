"""The bench's bulk load of a KPI framework (docs/bench-performance.md): the
department's framework of one fiscal year with `kpis` KPIs over two
components (Performance Base 70, Potential Base 30), its rounds 6, 9 and 12
with a result for every KPI, and `rows` breakdown rows in the last round, at
district level over every district of the map (928), as the biggest
national table a department would keep.

Everything the scores read is written straight into the tables with
bulk_create (no audit trail: the bench measures the scoring and the pages,
not the set-up); the scores themselves are then computed by the app's own
service, `scores_recompute(round=...)`, so what a page shows is what the
services would have made. The figures add up as the services require: every
result's numerator and denominator are the sums of its breakdown rows,
weights add up to their component's, and targets are ordered in the KPI's
direction."""

import math
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from saduak.areas.models import District
from saduak.core.thai import month_start
from saduak.performance.choices import (
    BreakdownLevel,
    Direction,
    FrameworkStatus,
    KpiKind,
    MeasureUnit,
    ResultOrigin,
    RoundStatus,
    UnitLevel,
)
from saduak.performance.models import (
    BreakdownRow,
    Component,
    Framework,
    Kpi,
    KpiResult,
    MilestoneCheck,
    MilestoneItem,
    Round,
)
from saduak.performance.scoring import value_of
from saduak.performance.services.rounds import round_period
from saduak.performance.services.scores import scores_recompute

ROUND_MONTHS = (6, 9, 12)
COMPONENTS = (
    ("1", "มิติด้านประสิทธิผล (Performance Base)", "Performance Base", Decimal(70)),
    ("2", "มิติด้านศักยภาพ (Potential Base)", "Potential Base", Decimal(30)),
)
# One KPI in ten is a milestone KPI, one in four of the others lower-is-better.
MILESTONE_EVERY = 10
LOWER_EVERY = 4
CENT = Decimal("0.01")


class AlreadyLoaded(Exception):
    """The year's department framework exists and `replace` was not given."""


class NothingToLoad(Exception):
    """The map has no districts: run load_areas first."""


@dataclass(frozen=True)
class GeneratedFramework:
    public_id: str
    fiscal_year: int
    kpis: int
    milestone_kpis: int
    lower_kpis: int
    breakdown_kpis: int
    breakdown_rows: int
    districts: int
    results: int
    score: Decimal | None
    seconds: float
    load_seconds: float
    score_seconds: float


def weights_of(total: Decimal, count: int) -> list[Decimal]:
    """`count` weights of two decimals adding up to `total` exactly (the
    cents left over go to the first ones)."""
    if count <= 0:
        return []
    cents = int(total / CENT)
    each, extra = divmod(cents, count)
    return [(Decimal(each + (1 if n < extra else 0)) * CENT) for n in range(count)]


def _targets(direction: str, unit: str) -> tuple[Decimal, Decimal, Decimal]:
    if direction == Direction.LOWER:
        return Decimal(20), Decimal(15), Decimal(10)  # days
    if unit == MeasureUnit.POINTS:
        return Decimal(300), Decimal(350), Decimal(400)
    return Decimal(70), Decimal(80), Decimal(90)


def _figures(
    rng: random.Random, kpi: Kpi, months: int
) -> tuple[Decimal, Decimal | None]:
    """A result's numerator and denominator, around the KPI's targets and a
    little better with each round."""
    low, _standard, high = (
        kpi.target_minimum,
        kpi.target_standard,
        kpi.target_advanced,
    )
    assert low is not None and high is not None
    spread = abs(high - low)
    progress = Decimal(months) / 12
    if kpi.direction == Direction.LOWER:
        value = high + spread * Decimal(rng.uniform(-0.2, 1.4)) * (2 - progress)
        return value.quantize(Decimal("0.1")), None
    if kpi.measure_unit == MeasureUnit.POINTS:
        value = low + spread * Decimal(rng.uniform(-0.3, 1.2)) * progress
        return value.quantize(Decimal("0.1")), None
    denominator = Decimal(rng.randrange(200, 5000))
    share = min(Decimal("0.99"), (low + spread * Decimal(rng.uniform(-0.3, 1.2))) / 100)
    return (denominator * share).quantize(Decimal(1)), denominator


def _kpi(
    component: Component, number: int, serial: int, weight: Decimal, breakdown: bool
) -> Kpi:
    milestone = serial % MILESTONE_EVERY == MILESTONE_EVERY - 1 and not breakdown
    lower = not milestone and not breakdown and serial % LOWER_EVERY == LOWER_EVERY - 1
    unit = (
        MeasureUnit.DAYS
        if lower
        else MeasureUnit.POINTS
        if component.code == "2"
        else MeasureUnit.PERCENT
    )
    direction = Direction.LOWER if lower else Direction.HIGHER
    if breakdown:
        unit = MeasureUnit.PERCENT
    minimum, standard, advanced = _targets(direction, unit)
    return Kpi(
        component=component,
        code=f"{component.code}.{number}",
        position=number,
        name_th=f"ตัวชี้วัดทดสอบที่ {component.code}.{number}",
        name_en=f"Bench KPI {component.code}.{number}",
        weight=weight,
        kind=KpiKind.MILESTONE if milestone else KpiKind.NUMERIC,
        direction=direction,
        measure_unit=unit,
        factor=Decimal(100) if unit == MeasureUnit.PERCENT else Decimal(1),
        numerator_label_th="จำนวนที่ทำได้",
        denominator_label_th="จำนวนทั้งหมด" if unit == MeasureUnit.PERCENT else "",
        target_minimum=None if milestone else minimum,
        target_standard=None if milestone else standard,
        target_advanced=None if milestone else advanced,
        origin=ResultOrigin.IMPORTED if breakdown else ResultOrigin.TYPED,
        breakdown_level=BreakdownLevel.DISTRICT if breakdown else BreakdownLevel.NONE,
    )


def performance_generate(
    *,
    kpis: int = 100,
    rows: int = 10_000,
    fiscal_year: int = 2569,
    seed: int = 1,
    replace: bool = False,
) -> GeneratedFramework:
    """Loads the department's framework of `fiscal_year` (published) with
    `kpis` KPIs and `rows` district breakdown rows in round 12 (spread over
    as few KPIs as hold them, each KPI's rows over every district in code
    order), results for every KPI in every round, then scores each round
    with `scores_recompute`. Raises AlreadyLoaded when the year's department
    framework exists (unless `replace`, which deletes it first) and
    NothingToLoad on an empty map."""
    if kpis < 2 or rows < 0:
        raise ValueError("need --kpis 2 or more and --rows 0 or more")
    started = time.perf_counter()
    districts = list(
        District.objects.filter(is_active=True)
        .order_by("code")
        .values_list("code", "province_id")
    )
    if rows and not districts:
        raise NothingToLoad("the map has no districts: run load_areas first")
    breakdown_kpis = math.ceil(rows / len(districts)) if rows else 0
    if breakdown_kpis > kpis:
        raise ValueError(
            f"{rows} rows over {len(districts)} districts need {breakdown_kpis} "
            f"KPIs; only {kpis} asked for"
        )
    rng = random.Random(seed)
    with transaction.atomic():
        existing = Framework.objects.filter(
            fiscal_year=fiscal_year, unit_level=UnitLevel.COUNTRY, unit_code=""
        )
        if existing.exists():
            if not replace:
                raise AlreadyLoaded(
                    f"the department's framework of {fiscal_year} exists: "
                    "replace it or choose another year"
                )
            existing.delete()
        framework = Framework.objects.create(
            fiscal_year=fiscal_year,
            unit_level=UnitLevel.COUNTRY,
            unit_code="",
            name_th=f"กรอบตัวชี้วัดทดสอบโหลด ปีงบประมาณ {fiscal_year}",
            name_en=f"Bench KPI framework, fiscal year {fiscal_year}",
            status=FrameworkStatus.PUBLISHED,
            published_at=timezone.now(),
        )
        components = Component.objects.bulk_create(
            [
                Component(
                    framework=framework,
                    code=code,
                    name_th=name_th,
                    name_en=name_en,
                    weight=weight,
                    position=position,
                )
                for position, (code, name_th, name_en, weight) in enumerate(COMPONENTS)
            ]
        )
        first_count = round(kpis * 0.7)
        made: list[Kpi] = []
        serial = 0
        for component, count in zip(
            components, (first_count, kpis - first_count), strict=True
        ):
            for number, weight in enumerate(weights_of(component.weight, count), 1):
                made.append(
                    _kpi(component, number, serial, weight, serial < breakdown_kpis)
                )
                serial += 1
        made = Kpi.objects.bulk_create(made, batch_size=500)
        milestones = [kpi for kpi in made if kpi.kind == KpiKind.MILESTONE]
        items = MilestoneItem.objects.bulk_create(
            [
                MilestoneItem(
                    kpi=kpi,
                    level=level,
                    position=position,
                    text_th=f"เกณฑ์ระดับ {level} ข้อ {position}",
                )
                for kpi in milestones
                for level in (1, 2, 3)
                for position in (1, 2)
            ],
            batch_size=1000,
        )
        rounds = Round.objects.bulk_create(
            [
                Round(
                    framework=framework,
                    months=months,
                    period_start=round_period(fiscal_year, months)[0],
                    period_end=round_period(fiscal_year, months)[1],
                    due_on=month_start(round_period(fiscal_year, months)[1], 1),
                    status=RoundStatus.OPEN,
                )
                for months in ROUND_MONTHS
            ]
        )
        entered_at = timezone.now()
        results: list[KpiResult] = []
        table: dict[int, list[BreakdownRow]] = {}
        left = rows
        for kpi_round in rounds:
            for kpi in made:
                result = KpiResult(
                    kpi=kpi,
                    round=kpi_round,
                    origin=kpi.origin,
                    entered_at=entered_at,
                )
                if kpi.kind == KpiKind.NUMERIC:
                    if (
                        kpi.breakdown_level == BreakdownLevel.DISTRICT
                        and kpi_round.months == ROUND_MONTHS[-1]
                    ):
                        chosen = districts[: min(left, len(districts))]
                        left -= len(chosen)
                        lines = _breakdown(rng, kpi, chosen)
                        table[len(results)] = lines
                        result.numerator = sum(
                            (line.numerator for line in lines), Decimal(0)
                        )
                        result.denominator = sum(
                            (line.denominator or Decimal(0) for line in lines),
                            Decimal(0),
                        )
                    else:
                        result.numerator, result.denominator = _figures(
                            rng, kpi, kpi_round.months
                        )
                    result.value = value_of(
                        numerator=result.numerator,
                        denominator=result.denominator,
                        factor=kpi.factor,
                    )
                results.append(result)
        results = KpiResult.objects.bulk_create(results, batch_size=1000)
        breakdown: list[BreakdownRow] = []
        for index, lines in table.items():
            for line in lines:
                line.result = results[index]
                breakdown.append(line)
        BreakdownRow.objects.bulk_create(breakdown, batch_size=2000)
        _checks(rng, results, items)
        loaded = time.perf_counter()
        for kpi_round in rounds:
            scores_recompute(round=kpi_round)
    finished = time.perf_counter()
    framework.refresh_from_db()
    return GeneratedFramework(
        public_id=str(framework.public_id),
        fiscal_year=fiscal_year,
        kpis=len(made),
        milestone_kpis=len(milestones),
        lower_kpis=sum(1 for kpi in made if kpi.direction == Direction.LOWER),
        breakdown_kpis=breakdown_kpis,
        breakdown_rows=len(breakdown),
        districts=len(districts),
        results=len(results),
        score=framework.score,
        seconds=finished - started,
        load_seconds=loaded - started,
        score_seconds=finished - loaded,
    )


def _breakdown(
    rng: random.Random, kpi: Kpi, districts: list[tuple[str, str]]
) -> list[BreakdownRow]:
    """One row per district: a denominator of tens to hundreds and a share
    around the KPI's targets."""
    assert kpi.target_minimum is not None and kpi.target_advanced is not None
    lines = []
    for district, province in districts:
        denominator = Decimal(rng.randrange(20, 400))
        share = min(
            Decimal(1),
            Decimal(rng.uniform(float(kpi.target_minimum) - 15, 100)) / 100,
        )
        numerator = (denominator * max(share, Decimal(0))).quantize(Decimal(1))
        lines.append(
            BreakdownRow(
                district_id=district,
                province_id=province,
                numerator=numerator,
                denominator=denominator,
                value=value_of(
                    numerator=numerator, denominator=denominator, factor=kpi.factor
                ),
            )
        )
    return lines


def _checks(
    rng: random.Random, results: list[KpiResult], items: list[MilestoneItem]
) -> None:
    """Milestone checklists: each round meets its items level by level until
    the first one missed, so the level reached varies and stays consistent."""
    by_kpi: dict[int, list[MilestoneItem]] = {}
    for item in items:
        by_kpi.setdefault(item.kpi_id, []).append(item)
    checks = []
    for result in results:
        mine = by_kpi.get(result.kpi_id)
        if not mine:
            continue
        reached = rng.randint(0, 3)
        for item in mine:
            checks.append(
                MilestoneCheck(
                    result=result,
                    item=item,
                    met=item.level <= reached,
                    evidence_note="หลักฐานการประชุม" if item.level <= reached else "",
                )
            )
    MilestoneCheck.objects.bulk_create(checks, batch_size=2000)
