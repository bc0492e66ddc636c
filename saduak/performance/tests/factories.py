"""Frameworks for tests, built through the real services as the system
actor "test" (so every check runs): a district's or the department's
framework with two components (70 + 30), numeric, lower-is-better,
milestone and parent KPIs, and rounds of 6, 9 and 12 months."""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from saduak.audit.models import AuditEvent
from saduak.performance.choices import (
    BreakdownLevel,
    Direction,
    KpiKind,
    MeasureUnit,
    UnitLevel,
)
from saduak.performance.models import Component, Framework, Kpi, Round
from saduak.performance.services import frameworks
from saduak.performance.services.frameworks import KpiFields, MilestoneItemFields

SYSTEM = "test"
YEAR = 2569


def numeric(code: str, weight: str, **overrides: Any) -> KpiFields:
    """A percentage KPI, higher is better, targets 60/70/80."""
    fields = KpiFields(
        code=code,
        name_th=f"ตัวชี้วัด {code}",
        name_en=f"KPI {code}",
        weight=Decimal(weight),
        target_minimum=Decimal(60),
        target_standard=Decimal(70),
        target_advanced=Decimal(80),
        numerator_label_th="จำนวนที่ทันเวลา",
        denominator_label_th="จำนวนทั้งหมด",
    )
    return replace(fields, **overrides)


def lower(code: str, weight: str, **overrides: Any) -> KpiFields:
    """Days, lower is better, targets 15/10/5."""
    return numeric(
        code,
        weight,
        direction=Direction.LOWER,
        measure_unit=MeasureUnit.DAYS,
        target_minimum=Decimal(15),
        target_standard=Decimal(10),
        target_advanced=Decimal(5),
        **overrides,
    )


def milestone(code: str, weight: str) -> KpiFields:
    return numeric(
        code,
        weight,
        kind=KpiKind.MILESTONE,
        target_minimum=None,
        target_standard=None,
        target_advanced=None,
    )


@dataclass
class Built:
    framework: Framework
    performance: Component
    potential: Component
    kpis: dict[str, Kpi]
    rounds: dict[int, Round]


def framework_draft(
    *,
    unit_level: str = UnitLevel.DISTRICT,
    unit_code: str = "5001",
    fiscal_year: int = YEAR,
) -> Framework:
    return frameworks.framework_create(
        actor=SYSTEM,
        fiscal_year=fiscal_year,
        unit_level=unit_level,
        unit_code=unit_code,
        name_th="กรอบการประเมินผล",
        name_en="Performance framework",
    )


def framework_built(
    *,
    unit_level: str = UnitLevel.DISTRICT,
    unit_code: str = "5001",
    fiscal_year: int = YEAR,
    publish: bool = True,
    breakdown_level: str = BreakdownLevel.NONE,
) -> Built:
    """Components 1 (70: KPIs 1.1 numeric 30, 1.2 lower-is-better 20,
    1.3 a parent of 20 with sub-KPIs 1.3.1 (10) and 1.3.2 (10)) and
    2 (30: 2.1 milestone 30); rounds 6, 9, 12."""
    framework = framework_draft(
        unit_level=unit_level, unit_code=unit_code, fiscal_year=fiscal_year
    )
    performance = frameworks.component_save(
        actor=SYSTEM,
        framework=framework,
        code="1",
        name_th="มิติประสิทธิผล",
        name_en="Performance base",
        weight=Decimal(70),
        position=1,
    )
    potential = frameworks.component_save(
        actor=SYSTEM,
        framework=framework,
        code="2",
        name_th="มิติศักยภาพ",
        name_en="Potential base",
        weight=Decimal(30),
        position=2,
    )
    kpis: dict[str, Kpi] = {}

    def add(component: Component, fields: KpiFields) -> Kpi:
        kpi = frameworks.kpi_save(actor=SYSTEM, component=component, fields=fields)
        kpis[kpi.code] = kpi
        return kpi

    add(performance, numeric("1.1", "30", breakdown_level=breakdown_level))
    add(performance, lower("1.2", "20"))
    parent = add(performance, numeric("1.3", "20"))
    add(performance, numeric("1.3.1", "10", parent=parent))
    add(performance, numeric("1.3.2", "10", parent=parent))
    checklist = add(potential, milestone("2.1", "30"))
    frameworks.milestone_items_save(
        actor=SYSTEM,
        kpi=checklist,
        items=[
            MilestoneItemFields(1, "มีแผนงาน"),
            MilestoneItemFields(1, "มีคณะทำงาน"),
            MilestoneItemFields(2, "ดำเนินการตามแผน"),
            MilestoneItemFields(3, "ประเมินผลและปรับปรุง"),
        ],
    )
    rounds = {
        months: frameworks.round_save(
            actor=SYSTEM,
            framework=framework,
            months=months,
            due_on=due,
        )
        for months, due in (
            (6, date(2026, 4, 15)),
            (9, date(2026, 7, 15)),
            (12, date(2026, 10, 15)),
        )
    }
    if publish:
        framework = frameworks.framework_publish(actor=SYSTEM, framework=framework)
    for kpi in kpis.values():
        kpi.refresh_from_db()
    return Built(framework, performance, potential, kpis, rounds)


def before(event: AuditEvent) -> dict[str, Any]:
    assert event.before is not None
    return event.before


def after(event: AuditEvent) -> dict[str, Any]:
    assert event.after is not None
    return event.after


def pmqa_recorded(
    *, unit_level: str = UnitLevel.DISTRICT, unit_code: str = "5001", year: int = YEAR
) -> None:
    """Assessor scores 380-440 (overall 410) in all seven categories."""
    from saduak.performance.services.pmqa import pmqa_record

    pmqa_record(
        actor=SYSTEM,
        fiscal_year=year,
        unit_level=unit_level,
        unit_code=unit_code,
        scores={
            category: (Decimal(400), Decimal(score))
            for category, score in zip(
                range(1, 8), (380, 400, 410, 420, 440, 410, 410), strict=True
            )
        },
    )


def computed_framework(
    *, unit_level: str = UnitLevel.DISTRICT, unit_code: str = "5001"
) -> Built:
    """A published framework with one KPI computed from the PMQA source
    (points, targets 300/350/400) and a round of 12 months."""
    from saduak.performance.choices import ResultOrigin
    from saduak.performance.kpi_sources import PMQA_ASSESSOR

    framework = framework_draft(unit_level=unit_level, unit_code=unit_code)
    component = frameworks.component_save(
        actor=SYSTEM,
        framework=framework,
        code="1",
        name_th="มิติคุณภาพ",
        name_en="Quality",
        weight=Decimal(100),
    )
    kpi = frameworks.kpi_save(
        actor=SYSTEM,
        component=component,
        fields=numeric(
            "1.1",
            "100",
            measure_unit=MeasureUnit.POINTS,
            origin=ResultOrigin.COMPUTED,
            source_key=PMQA_ASSESSOR,
            target_minimum=Decimal(300),
            target_standard=Decimal(350),
            target_advanced=Decimal(400),
        ),
    )
    round = frameworks.round_save(
        actor=SYSTEM, framework=framework, months=12, due_on=date(2026, 10, 15)
    )
    framework = frameworks.framework_publish(actor=SYSTEM, framework=framework)
    return Built(framework, component, component, {"1.1": kpi}, {12: round})
