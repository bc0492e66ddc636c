"""A published framework to report results against, for the result pages'
tests (view and browser): the department's FY 2569 framework with two
components, a percentage KPI broken down by province, a lower-is-better
days KPI, a milestone KPI and a computed KPI, and its 6-month round; and a
province's framework with a KPI broken down by district. Rows are written
directly: publishing is core's to test; these only need a published
framework whose weights add up."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from saduak.accounts.models import User
from saduak.areas.models import Province
from saduak.core.measures import (
    Measured,
    MeasureScope,
    MeasureSource,
    measure_source_register,
)
from saduak.performance.choices import (
    BreakdownLevel,
    Direction,
    FrameworkStatus,
    KpiKind,
    MeasureUnit,
    ResultOrigin,
    UnitLevel,
)
from saduak.performance.models import (
    Component,
    Framework,
    Kpi,
    MilestoneItem,
    Round,
)

TEST_SOURCE = "tests.results_served"


def _served(scope: MeasureScope) -> Measured:
    return Measured(numerator=Decimal(45), denominator=Decimal(50))


def register_test_source() -> None:
    measure_source_register(
        MeasureSource(
            key=TEST_SOURCE,
            label="ร้อยละคำขอที่ให้บริการทันเวลา (ทดสอบ)",
            description="",
            numerator_label="คำขอที่ทันเวลา",
            denominator_label="คำขอทั้งหมด",
            measure_unit=MeasureUnit.PERCENT,
            compute=_served,
        )
    )


@dataclass
class Setup:
    framework: Framework
    round: Round
    approvals: Kpi  # 1.1 percent, by province, owner the counter officer
    waiting: Kpi  # 1.2 days, lower is better, no denominator
    plan: Kpi  # 2.1 milestone, owner the counter officer
    served: Kpi  # 2.2 computed from TEST_SOURCE
    items: list[MilestoneItem]


def department_framework(*, owner: User | None = None) -> Setup:
    framework = Framework.objects.create(
        fiscal_year=2569,
        unit_level=UnitLevel.COUNTRY,
        unit_code="",
        name_th="คำรับรองการปฏิบัติราชการ กรมการปกครอง ปี 2569",
        name_en="Department of Provincial Administration performance agreement 2569",
        status=FrameworkStatus.PUBLISHED,
    )
    base = Component.objects.create(
        framework=framework,
        code="1",
        name_th="องค์ประกอบที่ 1 ประสิทธิผล",
        name_en="Performance Base",
        weight=Decimal(70),
        position=1,
    )
    potential = Component.objects.create(
        framework=framework,
        code="2",
        name_th="องค์ประกอบที่ 2 ศักยภาพ",
        name_en="Potential Base",
        weight=Decimal(30),
        position=2,
    )
    approvals = Kpi.objects.create(
        component=base,
        code="1.1",
        position=1,
        name_th="ร้อยละของคำขอที่อนุมัติภายในกำหนด",
        name_en="Share of applications approved on time",
        weight=Decimal(40),
        owner=owner,
        kind=KpiKind.NUMERIC,
        direction=Direction.HIGHER,
        measure_unit=MeasureUnit.PERCENT,
        numerator_label_th="จำนวนคำขอที่อนุมัติภายในกำหนด",
        numerator_label_en="Applications approved on time",
        denominator_label_th="จำนวนคำขอทั้งหมด",
        denominator_label_en="All applications",
        factor=Decimal(100),
        target_minimum=Decimal(80),
        target_standard=Decimal(85),
        target_advanced=Decimal(90),
        breakdown_level=BreakdownLevel.PROVINCE,
    )
    waiting = Kpi.objects.create(
        component=base,
        code="1.2",
        position=2,
        name_th="ระยะเวลาเฉลี่ยในการออกหนังสือรับรอง",
        name_en="Average days to issue a certificate",
        weight=Decimal(30),
        kind=KpiKind.NUMERIC,
        direction=Direction.LOWER,
        measure_unit=MeasureUnit.DAYS,
        factor=Decimal(1),
        target_minimum=Decimal(10),
        target_standard=Decimal(7),
        target_advanced=Decimal(5),
    )
    plan = Kpi.objects.create(
        component=potential,
        code="2.1",
        position=1,
        name_th="ระดับความสำเร็จของการจัดทำแผนพัฒนาบุคลากร",
        name_en="Staff development plan milestones",
        weight=Decimal(20),
        owner=owner,
        kind=KpiKind.MILESTONE,
        measure_unit=MeasureUnit.POINTS,
        factor=Decimal(1),
    )
    texts = [
        (1, "แต่งตั้งคณะทำงาน", "A working group is appointed"),
        (1, "สำรวจความต้องการพัฒนา", "Development needs are surveyed"),
        (2, "เสนอแผนต่ออธิบดี", "The plan goes to the Director-General"),
        (3, "ดำเนินการตามแผนครบร้อยละ 80", "80% of the plan is carried out"),
    ]
    items = [
        MilestoneItem.objects.create(
            kpi=plan, level=level, position=position, text_th=thai, text_en=english
        )
        for position, (level, thai, english) in enumerate(texts, start=1)
    ]
    register_test_source()
    served = Kpi.objects.create(
        component=potential,
        code="2.2",
        position=2,
        name_th="ร้อยละคำขอที่ให้บริการทันเวลา",
        name_en="Share of requests served on time",
        weight=Decimal(10),
        kind=KpiKind.NUMERIC,
        measure_unit=MeasureUnit.PERCENT,
        factor=Decimal(100),
        target_minimum=Decimal(70),
        target_standard=Decimal(80),
        target_advanced=Decimal(90),
        origin=ResultOrigin.COMPUTED,
        source_key=TEST_SOURCE,
    )
    round_ = Round.objects.create(
        framework=framework,
        months=6,
        period_start=date(2025, 10, 1),
        period_end=date(2026, 3, 31),
        due_on=date(2026, 4, 30),
    )
    return Setup(framework, round_, approvals, waiting, plan, served, items)


@dataclass
class ProvinceSetup:
    framework: Framework
    round: Round
    kpi: Kpi


def province_framework(code: str = "50") -> ProvinceSetup:
    province = Province.objects.get(code=code)
    framework = Framework.objects.create(
        fiscal_year=2569,
        unit_level=UnitLevel.PROVINCE,
        unit_code=code,
        province=province,
        name_th=f"ตัวชี้วัดจังหวัด{province.name_th} ปี 2569",
        name_en=f"{province.name_en} KPIs 2569",
        status=FrameworkStatus.PUBLISHED,
    )
    component = Component.objects.create(
        framework=framework,
        code="1",
        name_th="ประสิทธิผล",
        name_en="Performance Base",
        weight=Decimal(100),
    )
    kpi = Kpi.objects.create(
        component=component,
        code="1.1",
        name_th="ร้อยละของเรื่องร้องเรียนที่ยุติภายใน 30 วัน",
        name_en="Share of complaints settled within 30 days",
        weight=Decimal(100),
        kind=KpiKind.NUMERIC,
        measure_unit=MeasureUnit.PERCENT,
        numerator_label_th="เรื่องที่ยุติภายใน 30 วัน",
        numerator_label_en="Settled within 30 days",
        denominator_label_th="เรื่องร้องเรียนทั้งหมด",
        denominator_label_en="All complaints",
        factor=Decimal(100),
        target_minimum=Decimal(60),
        target_standard=Decimal(70),
        target_advanced=Decimal(80),
        breakdown_level=BreakdownLevel.DISTRICT,
    )
    round_ = Round.objects.create(
        framework=framework,
        months=6,
        period_start=date(2025, 10, 1),
        period_end=date(2026, 3, 31),
        due_on=date(2026, 4, 30),
    )
    return ProvinceSetup(framework, round_, kpi)
