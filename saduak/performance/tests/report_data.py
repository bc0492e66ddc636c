"""A department's framework with stored results, scores and breakdown rows, for
the dashboard and report tests (the scores are written as the scoring service
stores them: the reports only read them). Needs the `small_map` fixture
(Bangkok 10/1001, Chiang Mai 50/5001 and 5002)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from saduak.performance.choices import (
    BreakdownLevel,
    Direction,
    FrameworkStatus,
    KpiKind,
    MeasureUnit,
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

D = Decimal


@dataclass
class Department:
    framework: Framework
    six: Round
    twelve: Round
    served: Kpi  # percent, by district, higher is better
    waiting: Kpi  # days, lower is better, no breakdown
    plan: Kpi  # milestones
    results: dict[str, KpiResult]


def _framework(year: int) -> Framework:
    return Framework.objects.create(
        fiscal_year=year,
        unit_level=UnitLevel.COUNTRY,
        unit_code="",
        name_th=f"คำรับรองการปฏิบัติราชการ กรมการปกครอง ปี {year}",
        name_en=f"Department of Provincial Administration agreement {year}",
        status=FrameworkStatus.PUBLISHED,
    )


def _round(framework: Framework, months: int, score: str | None) -> Round:
    ce = framework.fiscal_year - 543
    end = date(ce, 3, 31) if months == 6 else date(ce, 9, 30)
    return Round.objects.create(
        framework=framework,
        months=months,
        period_start=date(ce - 1, 10, 1),
        period_end=end,
        due_on=end,
        status=RoundStatus.LOCKED if months == 6 else RoundStatus.OPEN,
        score=D(score) if score else None,
    )


def department(year: int = 2569, *, previous: "Department | None" = None) -> Department:
    framework = _framework(year)
    performance = Component.objects.create(
        framework=framework,
        code="1",
        name_th="มิติประสิทธิผล",
        name_en="Performance base",
        weight=D(70),
        position=1,
    )
    potential = Component.objects.create(
        framework=framework,
        code="2",
        name_th="มิติศักยภาพ",
        name_en="Potential base",
        weight=D(30),
        position=2,
    )
    served = Kpi.objects.create(
        component=performance,
        code="1.1",
        position=1,
        name_th="ร้อยละของคำขอที่ให้บริการแล้วเสร็จตามกำหนด",
        name_en="Share of requests served on time",
        description_th="คำขอที่ให้บริการแล้วเสร็จภายในเวลาที่ประกาศ",
        weight=D(40),
        kind=KpiKind.NUMERIC,
        direction=Direction.HIGHER,
        measure_unit=MeasureUnit.PERCENT,
        numerator_label_th="จำนวนคำขอที่เสร็จตามกำหนด",
        numerator_label_en="Requests served on time",
        denominator_label_th="จำนวนคำขอทั้งหมด",
        denominator_label_en="All requests",
        factor=D(100),
        target_minimum=D(80),
        target_standard=D(85),
        target_advanced=D(90),
        breakdown_level=BreakdownLevel.DISTRICT,
        previous=previous.served if previous else None,
    )
    waiting = Kpi.objects.create(
        component=performance,
        code="1.2",
        position=2,
        name_th="ระยะเวลารอเฉลี่ย",
        name_en="Average waiting time",
        weight=D(30),
        direction=Direction.LOWER,
        measure_unit=MeasureUnit.DAYS,
        numerator_label_th="วันรอเฉลี่ย",
        factor=D(1),
        target_minimum=D(10),
        target_standard=D(7),
        target_advanced=D(5),
        previous=previous.waiting if previous else None,
    )
    plan = Kpi.objects.create(
        component=potential,
        code="2.1",
        position=1,
        name_th="การจัดทำแผนพัฒนาบุคลากร",
        name_en="Staff development plan",
        weight=D(30),
        kind=KpiKind.MILESTONE,
        measure_unit=MeasureUnit.POINTS,
        factor=D(1),
        previous=previous.plan if previous else None,
    )
    items = [
        MilestoneItem.objects.create(
            kpi=plan, level=level, position=1, text_th=text, text_en=text
        )
        for level, text in ((1, "แต่งตั้งคณะทำงาน"), (2, "อนุมัติแผน"), (3, "ประเมินผลแผน"))
    ]
    six = _round(framework, 6, "67.75")
    twelve = _round(framework, 12, None)
    results = {
        "served": KpiResult.objects.create(
            kpi=served,
            round=six,
            numerator=D(870),
            denominator=D(1000),
            value=D("87.0000"),
            score=D("85.00"),
            weighted=D("34.00"),
            level_reached=2,
            measures="เปิดจุดบริการเพิ่ม",
            factors="ผู้บริหารให้ความสำคัญ",
            obstacles="บุคลากรไม่เพียงพอ",
        ),
        "waiting": KpiResult.objects.create(
            kpi=waiting,
            round=six,
            numerator=D(8),
            value=D("8.0000"),
            score=D("62.50"),
            weighted=D("18.75"),
            level_reached=1,
        ),
        "plan": KpiResult.objects.create(
            kpi=plan,
            round=six,
            level_claimed=1,
            level_reached=1,
            score=D("50.00"),
            weighted=D("15.00"),
        ),
    }
    MilestoneCheck.objects.create(
        result=results["plan"],
        item=items[0],
        met=True,
        evidence_note="คำสั่งกรมที่ 12/2569",
    )
    served_rows(
        results["served"], {"1001": (500, 560), "5001": (250, 290), "5002": (120, 150)}
    )
    return Department(framework, six, twelve, served, waiting, plan, results)


def served_rows(
    result: KpiResult, figures: dict[str, tuple[int, int]]
) -> list[BreakdownRow]:
    """District rows (code -> numerator, denominator), each with its province."""
    return BreakdownRow.objects.bulk_create(
        BreakdownRow(
            result=result,
            district_id=code,
            province_id=code[:2],
            numerator=D(numerator),
            denominator=D(denominator),
            value=(D(numerator) / D(denominator) * 100).quantize(D("0.0001")),
            flagged=False,
        )
        for code, (numerator, denominator) in figures.items()
    )


def two_years() -> Department:
    """FY 2568 (served 80.00 %, score 50) and FY 2569 copied from it."""
    last = department(2568)
    KpiResult.objects.filter(pk=last.results["served"].pk).update(
        numerator=D(800), value=D("80.0000"), score=D("50.00"), weighted=D("20.00")
    )
    return department(2569, previous=last)
