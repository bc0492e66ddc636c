"""Demo KPI frameworks for the local demo (`seed_demo`): the department's
framework in the Department of Provincial Administration's style (two
components, Performance Base 70 and Potential Base 30, seven KPIs: one with
a 77-province breakdown imported from the file in `performance/data/`, one
computed from the happiness votes, one lower-is-better, one milestone
checklist, one computed from the PMQA assessment) over fiscal years 2567,
2568 and 2569, each year copied from the one before, reported in rounds 6, 9
and 12 and scored, the older rounds locked; Chiang Mai's own framework of
2569 with a district breakdown; and the department's PMQA assessments with
the all-agency averages of the three years.

Made through the same services as real ones, by the demo's HQ
administrator and Chiang Mai's provincial staff. The happiness votes the
computed KPIs read are loaded by `seed_demo` first."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from saduak.accounts.models import User
from saduak.areas.models import District
from saduak.core.thai import FiscalYear, month_start
from saduak.performance.choices import (
    BreakdownLevel,
    Direction,
    KpiKind,
    MeasureUnit,
    ResultOrigin,
    UnitLevel,
)
from saduak.performance.demo_collection import collection_seed_demo
from saduak.performance.models import Framework, Kpi, Round
from saduak.performance.selectors.results import result_get_or_new
from saduak.performance.services.breakdown import BreakdownInput, breakdown_save
from saduak.performance.services.computed import round_compute
from saduak.performance.services.frameworks import (
    framework_copy,
    framework_create,
    framework_publish,
    framework_update,
)
from saduak.performance.services.imports import (
    breakdown_import_confirm,
    breakdown_import_read,
)
from saduak.performance.services.kpis import (
    KpiFields,
    MilestoneItemFields,
    component_save,
    kpi_save,
    milestone_items_save,
)
from saduak.performance.services.pmqa import pmqa_averages_record, pmqa_record
from saduak.performance.services.results import milestone_check_save, result_record
from saduak.performance.services.rounds import round_lock, round_save

YEARS = (2567, 2568, 2569)
ROUND_MONTHS = (6, 9, 12)
# Rounds left open for the demo to report into; every older round is locked.
OPEN_ROUNDS = {(2569, 12)}
BREAKDOWN_FILE = Path(__file__).parent / "data" / "damrongdham_closed_2569.csv"
CHIANG_MAI = "50"

DEPARTMENT_TH = "คำรับรองการปฏิบัติราชการ กรมการปกครอง"
DEPARTMENT_EN = "Performance agreement, Department of Provincial Administration"


@dataclass(frozen=True)
class DemoKpi:
    component: str
    fields: KpiFields
    # (year, months) -> (numerator, denominator) for a typed numeric KPI, or
    # the milestone level reached for a milestone KPI.
    typed: dict[tuple[int, int], tuple[str, str | None]] | None = None
    levels: dict[tuple[int, int], int] | None = None
    measures: str = ""
    factors: str = ""
    obstacles: str = ""


def _d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _by_round(
    *figures: tuple[str, str | None],
) -> dict[tuple[int, int], tuple[str, str | None]]:
    """Nine rounds' figures, oldest first (2567 rounds 6, 9, 12, then 2568 ...)."""
    keys = [(year, months) for year in YEARS for months in ROUND_MONTHS]
    return dict(zip(keys, figures, strict=False))


COMPONENTS = (
    ("1", "มิติด้านประสิทธิผล (Performance Base)", "Performance Base", "70", 1),
    ("2", "มิติด้านศักยภาพ (Potential Base)", "Potential Base", "30", 2),
)

MILESTONES = (
    (
        1,
        "แต่งตั้งคณะทำงานขับเคลื่อนหมู่บ้านเข้มแข็งระดับจังหวัดและอำเภอ",
        "Working groups appointed in every province and district",
    ),
    (
        1,
        "จัดทำแผนปฏิบัติการประจำปีและแจ้งทุกจังหวัด",
        "Annual action plan made and sent to every province",
    ),
    (
        2,
        "อบรมคณะกรรมการหมู่บ้านครบทุกอำเภอ",
        "Village committees trained in every district",
    ),
    (2, "ติดตามผลการดำเนินงานรายไตรมาส", "Progress followed up every quarter"),
    (
        3,
        "หมู่บ้านผ่านเกณฑ์หมู่บ้านเข้มแข็งไม่น้อยกว่าร้อยละ 80",
        "At least 80% of villages meet the strong-village criteria",
    ),
    (
        3,
        "สรุปบทเรียนและเผยแพร่แนวปฏิบัติที่ดี",
        "Lessons learnt summarised and good practice published",
    ),
)

DEPARTMENT_KPIS = (
    DemoKpi(
        "1",
        KpiFields(
            code="1.1",
            position=1,
            name_th="ร้อยละของเรื่องร้องเรียนของศูนย์ดำรงธรรมที่ได้รับการแก้ไขจนยุติ",
            name_en="Share of Damrongdham Centre complaints resolved and closed",
            description_th="เรื่องร้องเรียนที่ศูนย์ดำรงธรรมจังหวัดรับไว้ในปีงบประมาณ "
            "และดำเนินการจนยุติ แยกรายจังหวัด",
            description_en="Complaints received by the provincial Damrongdham "
            "Centres in the fiscal year and closed, by province.",
            weight=Decimal(20),
            numerator_label_th="จำนวนเรื่องที่ยุติแล้ว",
            numerator_label_en="Complaints closed",
            denominator_label_th="จำนวนเรื่องที่รับทั้งหมด",
            denominator_label_en="Complaints received",
            target_minimum=Decimal(80),
            target_standard=Decimal(85),
            target_advanced=Decimal(90),
            origin=ResultOrigin.IMPORTED,
            breakdown_level=BreakdownLevel.PROVINCE,
        ),
        typed=_by_round(
            ("17480", "22010"),
            ("27160", "33000"),
            ("37630", "44960"),
            ("18650", "22720"),
            ("29350", "34530"),
            ("40210", "46270"),
            ("20440", "23880"),
            ("31790", "35810"),
        ),
        measures="ประชุมติดตามเรื่องค้างนานร่วมกับจังหวัดทุกเดือน",
        factors="ผู้ว่าราชการจังหวัดให้ความสำคัญและติดตามด้วยตนเอง",
        obstacles="เรื่องพิพาทที่ดินใช้เวลาไกล่เกลี่ยนาน",
    ),
    DemoKpi(
        "1",
        KpiFields(
            code="1.2",
            position=2,
            name_th="ร้อยละของผู้มารับบริการที่มีความสุข (ให้คะแนน 4–5)",
            name_en="Share of happy visitors (votes of 4 or 5)",
            description_th="คำนวณจากการโหวตความสุขที่ตู้และคิวอาร์โค้ดของที่ว่าการอำเภอ",
            description_en="Computed from the happiness votes at the district "
            "offices' kiosks and QR codes.",
            weight=Decimal(15),
            target_minimum=Decimal(60),
            target_standard=Decimal(70),
            target_advanced=Decimal(80),
            origin=ResultOrigin.COMPUTED,
            source_key="feedback.happy_share",
            breakdown_level=BreakdownLevel.PROVINCE,
        ),
    ),
    DemoKpi(
        "1",
        KpiFields(
            code="1.3",
            position=3,
            name_th="ระยะเวลาเฉลี่ยในการพิจารณาคำขอรับเงินอุดหนุนผู้มีรายได้น้อย",
            name_en="Average days to decide on a low-income subsidy application",
            weight=Decimal(10),
            direction=Direction.LOWER,
            measure_unit=MeasureUnit.DAYS,
            numerator_label_th="ผลรวมจำนวนวันตั้งแต่ยื่นจนได้รับการพิจารณา",
            numerator_label_en="Days from submission to decision, summed",
            denominator_label_th="จำนวนคำขอที่พิจารณาแล้ว",
            denominator_label_en="Applications decided",
            target_minimum=Decimal(15),
            target_standard=Decimal(10),
            target_advanced=Decimal(7),
        ),
        typed=_by_round(
            ("18630", "1150"),
            ("28860", "1950"),
            ("37800", "2800"),
            ("15480", "1200"),
            ("23370", "2050"),
            ("31270", "2950"),
            ("12250", "1250"),
            ("18710", "2150"),
            ("24490", "3100"),
        ),
        measures="ยื่นคำขอออนไลน์และพิจารณาผ่านระบบแทนเอกสาร",
        obstacles="คำขอที่ต้องตรวจสอบข้อเท็จจริงในพื้นที่ใช้เวลานานกว่า",
    ),
    DemoKpi(
        "1",
        KpiFields(
            code="1.4",
            position=4,
            name_th="ระดับความสำเร็จของการขับเคลื่อนหมู่บ้านเข้มแข็ง",
            name_en="Progress of the strong-village programme",
            weight=Decimal(15),
            kind=KpiKind.MILESTONE,
            measure_unit=MeasureUnit.POINTS,
        ),
        levels={
            (2567, 6): 1,
            (2567, 9): 1,
            (2567, 12): 2,
            (2568, 6): 1,
            (2568, 9): 2,
            (2568, 12): 3,
            (2569, 6): 1,
            (2569, 9): 2,
            (2569, 12): 3,
        },
        factors="ความร่วมมือของผู้นำท้องที่",
    ),
    DemoKpi(
        "1",
        KpiFields(
            code="1.5",
            position=5,
            name_th="ร้อยละความพึงพอใจของประชาชนต่อการให้บริการของที่ว่าการอำเภอ",
            name_en="Citizens' satisfaction with the district offices' services",
            weight=Decimal(10),
            numerator_label_th="จำนวนผู้ตอบว่าพึงพอใจถึงพึงพอใจมาก",
            numerator_label_en="Respondents satisfied or very satisfied",
            denominator_label_th="จำนวนผู้ตอบแบบสำรวจ",
            denominator_label_en="Respondents",
            target_minimum=Decimal(80),
            target_standard=Decimal(85),
            target_advanced=Decimal(90),
        ),
        typed=_by_round(
            ("3320", "4100"),
            ("5210", "6300"),
            ("7150", "8500"),
            ("3530", "4150"),
            ("5450", "6320"),
            ("7480", "8610"),
            ("3690", "4180"),
            ("5640", "6350"),
            ("7760", "8690"),
        ),
    ),
    DemoKpi(
        "2",
        KpiFields(
            code="2.1",
            position=1,
            name_th="ผลการพัฒนาคุณภาพการบริหารจัดการภาครัฐ (PMQA 4.0)",
            name_en="Public sector management quality (PMQA 4.0)",
            description_th="คะแนนเฉลี่ย 7 หมวดจากผู้ตรวจประเมิน",
            description_en="The assessor's mean score over the seven categories.",
            weight=Decimal(15),
            measure_unit=MeasureUnit.POINTS,
            target_minimum=Decimal(300),
            target_standard=Decimal(350),
            target_advanced=Decimal(400),
            origin=ResultOrigin.COMPUTED,
            source_key="performance.pmqa_assessor",
        ),
    ),
    DemoKpi(
        "2",
        KpiFields(
            code="2.2",
            position=2,
            name_th="ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงาน (ITA)",
            name_en="Integrity and Transparency Assessment (ITA) score",
            weight=Decimal(15),
            measure_unit=MeasureUnit.POINTS,
            numerator_label_th="คะแนนที่ได้รับจากสำนักงาน ป.ป.ช.",
            numerator_label_en="Score given by the NACC",
            target_minimum=Decimal(85),
            target_standard=Decimal(90),
            target_advanced=Decimal(95),
        ),
        # Assessed once a year: reported at the 12-month round only.
        typed={
            (2567, 12): ("88.5", None),
            (2568, 12): ("91.2", None),
            (2569, 12): ("94.6", None),
        },
    ),
)

# The department's PMQA: (self, assessor) per category, and the all-agency
# averages, per year.
PMQA = {
    2567: (
        [
            ("350", "325"),
            ("360", "340"),
            ("340", "330"),
            ("330", "310"),
            ("345", "335"),
            ("355", "345"),
            ("320", "305"),
        ],
        ["318.4", "322.0", "309.6", "297.2", "311.5", "320.8", "290.3"],
    ),
    2568: (
        [
            ("390", "370"),
            ("395", "380"),
            ("380", "365"),
            ("370", "355"),
            ("385", "375"),
            ("395", "385"),
            ("360", "345"),
        ],
        ["332.1", "335.4", "321.0", "310.8", "325.2", "333.6", "301.9"],
    ),
    2569: (
        [
            ("425", "415"),
            ("430", "420"),
            ("415", "405"),
            ("405", "395"),
            ("420", "410"),
            ("430", "425"),
            ("400", "390"),
        ],
        ["345.7", "349.3", "334.5", "322.6", "338.0", "346.2", "315.4"],
    ),
}

PROVINCE_TH = "คำรับรองการปฏิบัติราชการ จังหวัดเชียงใหม่"
PROVINCE_EN = "Performance agreement, Chiang Mai Province"
PROVINCE_KPIS = (
    DemoKpi(
        "1",
        KpiFields(
            code="1.1",
            position=1,
            name_th="ร้อยละของเรื่องร้องเรียนของศูนย์ดำรงธรรมจังหวัดที่ยุติ",
            name_en="Share of the province's Damrongdham complaints closed",
            weight=Decimal(40),
            numerator_label_th="จำนวนเรื่องที่ยุติแล้ว",
            numerator_label_en="Complaints closed",
            denominator_label_th="จำนวนเรื่องที่รับทั้งหมด",
            denominator_label_en="Complaints received",
            target_minimum=Decimal(80),
            target_standard=Decimal(85),
            target_advanced=Decimal(90),
            breakdown_level=BreakdownLevel.DISTRICT,
        ),
    ),
    DemoKpi(
        "1",
        KpiFields(
            code="1.2",
            position=2,
            name_th="ระยะเวลาเฉลี่ยในการไกล่เกลี่ยข้อพิพาทแล้วเสร็จ",
            name_en="Average days to settle a dispute by mediation",
            weight=Decimal(30),
            direction=Direction.LOWER,
            measure_unit=MeasureUnit.DAYS,
            numerator_label_th="ผลรวมจำนวนวันที่ใช้ไกล่เกลี่ย",
            numerator_label_en="Days of mediation, summed",
            denominator_label_th="จำนวนเรื่องที่ไกล่เกลี่ยสำเร็จ",
            denominator_label_en="Disputes settled",
            target_minimum=Decimal(45),
            target_standard=Decimal(30),
            target_advanced=Decimal(20),
        ),
        typed={
            (2569, 6): ("2720", "80"),
            (2569, 9): ("4030", "130"),
            (2569, 12): ("4840", "176"),
        },
    ),
    DemoKpi(
        "2",
        KpiFields(
            code="2.1",
            position=1,
            name_th="ดัชนีความสุขของผู้มารับบริการ (คะแนนเฉลี่ย 1–5)",
            name_en="Happiness index of visitors (mean score 1–5)",
            weight=Decimal(30),
            measure_unit=MeasureUnit.POINTS,
            target_minimum=Decimal("3.5"),
            target_standard=Decimal("4.0"),
            target_advanced=Decimal("4.5"),
            origin=ResultOrigin.COMPUTED,
            source_key="feedback.happiness_mean",
        ),
    ),
)


def due_on(year: int, months: int) -> date:
    """Results are due on the 15th of the month after the round's end."""
    start = FiscalYear(year).start
    return month_start(start, months).replace(day=15)


def performance_seed_demo(
    *,
    hq: User,
    province: User,
    district: User | None = None,
    chom_thong: User | None = None,
) -> list[str]:
    """The department's frameworks of 2567-2569 with their results and
    scores, Chiang Mai's framework of 2569 and the department's PMQA; with
    `district` (Mueang Chiang Mai's district administrator) also the report
    collection: letterheads, directives in progress and the GECC round
    (demo_collection.py). `hq` is an HQ administrator, `province` provincial
    staff of Chiang Mai, `chom_thong` Chom Thong's district administrator.
    Each part does nothing when it exists already. Returns lines for the
    demo's printout."""
    lines = _frameworks_seed_demo(hq=hq, province=province)
    if district is not None:
        lines += collection_seed_demo(
            hq=hq, province=province, district=district, chom_thong=chom_thong
        )
    return lines


def _frameworks_seed_demo(*, hq: User, province: User) -> list[str]:
    if Framework.objects.filter(
        fiscal_year=YEARS[0], unit_level=UnitLevel.COUNTRY, unit_code=""
    ).exists():
        return []
    for year, (scores, averages) in PMQA.items():
        pmqa_averages_record(
            actor=hq,
            fiscal_year=year,
            averages={n: Decimal(text) for n, text in enumerate(averages, 1)},
        )
        pmqa_record(
            actor=hq,
            fiscal_year=year,
            unit_level=UnitLevel.COUNTRY,
            unit_code="",
            scores={
                n: (Decimal(own), Decimal(assessor))
                for n, (own, assessor) in enumerate(scores, 1)
            },
        )
    frameworks = []
    framework = _department(hq)
    for year in YEARS:
        if year != YEARS[0]:
            framework = framework_copy(actor=hq, source=framework, fiscal_year=year)
            framework_update(
                actor=hq,
                framework=framework,
                name_th=f"{DEPARTMENT_TH} ปีงบประมาณ {year}",
                name_en=f"{DEPARTMENT_EN}, fiscal year {year}",
            )
            framework_publish(actor=hq, framework=framework)
        _report_year(hq, framework, DEPARTMENT_KPIS, year)
        frameworks.append(framework)
    chiang_mai = _chiang_mai(hq, province)
    frameworks.append(chiang_mai)
    lines = []
    for made in frameworks:
        made.refresh_from_db()
        lines.append(f"  {made.name_th}: {made.score}")
    return lines


def _kpis_save(
    actor: User, framework: Framework, kpis: tuple[DemoKpi, ...], owner: User
) -> None:
    components = {
        code: component_save(
            actor=actor,
            framework=framework,
            code=code,
            name_th=name_th,
            name_en=name_en,
            weight=Decimal(weight),
            position=position,
        )
        for code, name_th, name_en, weight, position in COMPONENTS
    }
    for demo in kpis:
        fields = demo.fields
        kpi = kpi_save(
            actor=actor,
            component=components[demo.component],
            fields=KpiFields(**{**vars(fields), "owner": owner, "collector": owner}),
        )
        if fields.kind == KpiKind.MILESTONE:
            milestone_items_save(
                actor=actor,
                kpi=kpi,
                items=[
                    MilestoneItemFields(level=level, text_th=th, text_en=en)
                    for level, th, en in MILESTONES
                ],
            )


def _department(hq: User) -> Framework:
    framework = framework_create(
        actor=hq,
        fiscal_year=YEARS[0],
        unit_level=UnitLevel.COUNTRY,
        unit_code="",
        name_th=f"{DEPARTMENT_TH} ปีงบประมาณ {YEARS[0]}",
        name_en=f"{DEPARTMENT_EN}, fiscal year {YEARS[0]}",
    )
    _kpis_save(hq, framework, DEPARTMENT_KPIS, hq)
    for months in ROUND_MONTHS:
        round_save(
            actor=hq,
            framework=framework,
            months=months,
            due_on=due_on(YEARS[0], months),
        )
    return framework_publish(actor=hq, framework=framework)


def _report_year(
    actor: User,
    framework: Framework,
    kpis: tuple[DemoKpi, ...],
    year: int,
    locker: User | None = None,
) -> None:
    """Reports every typed and imported KPI of `framework` in each round,
    then locks the rounds that are not left open (which computes the
    computed KPIs) or computes the computed KPIs of the open one."""
    by_code = {
        kpi.code: kpi
        for kpi in Kpi.objects.filter(component__framework=framework).select_related(
            "component"
        )
    }
    for months in ROUND_MONTHS:
        kpi_round = Round.objects.get(framework=framework, months=months)
        for demo in kpis:
            kpi = by_code[demo.fields.code]
            _report(actor, demo, kpi, kpi_round, year)
        # The computed KPIs are computed by the round's lock (or, for a round
        # left open, by its "compute all").
        if (year, months) in OPEN_ROUNDS:
            round_compute(actor=actor, round=kpi_round)
        else:
            round_lock(actor=locker or actor, round=kpi_round)


def _report(actor: User, demo: DemoKpi, kpi: Kpi, kpi_round: Round, year: int) -> None:
    texts = {
        "measures": demo.measures,
        "factors": demo.factors,
        "obstacles": demo.obstacles,
    }
    if kpi.origin == ResultOrigin.COMPUTED:
        return
    if demo.levels is not None:
        _milestones(actor, kpi, kpi_round, demo.levels[(year, kpi_round.months)], texts)
        return
    if kpi.breakdown_level == BreakdownLevel.DISTRICT:
        _district_rows(actor, kpi, kpi_round)
        return
    figures = (demo.typed or {}).get((year, kpi_round.months))
    if figures is None and kpi.breakdown_level == BreakdownLevel.PROVINCE:
        _imported(actor, kpi, kpi_round, texts)
        return
    if figures is None:
        return
    result_record(
        actor=actor,
        kpi=kpi,
        round=kpi_round,
        numerator=_d(figures[0]),
        denominator=_d(figures[1]),
        measures=texts["measures"],
        factors=texts["factors"],
        obstacles=texts["obstacles"],
    )


def _milestones(
    actor: User, kpi: Kpi, kpi_round: Round, level: int, texts: dict[str, str]
) -> None:
    """Ticks the criteria of every level up to `level` (the others stay
    unticked), then claims that level with the report's texts."""
    result = result_get_or_new(kpi, kpi_round)
    for item in kpi.milestone_items.filter(level__lte=level):
        result = milestone_check_save(
            actor=actor,
            result=result,
            item=item,
            met=True,
            evidence_note="รายงานการประชุมและหนังสือสั่งการ",
        ).result
    result_record(
        actor=actor,
        kpi=kpi,
        round=kpi_round,
        numerator=None,
        denominator=None,
        level_claimed=level,
        measures=texts["measures"],
        factors=texts["factors"],
        obstacles=texts["obstacles"],
    )


def _imported(actor: User, kpi: Kpi, kpi_round: Round, texts: dict[str, str]) -> None:
    """The 77 provinces' figures from the file shipped with the demo, read
    and matched to the map as a person's upload would be, then applied (any
    likely match confirmed as proposed)."""
    result = result_record(
        actor=actor,
        kpi=kpi,
        round=kpi_round,
        numerator=None,
        denominator=None,
        measures=texts["measures"],
        factors=texts["factors"],
        obstacles=texts["obstacles"],
    )
    upload = SimpleUploadedFile(
        BREAKDOWN_FILE.name, BREAKDOWN_FILE.read_bytes(), content_type="text/csv"
    )
    imported = breakdown_import_read(actor=actor, result=result, upload=upload)
    likely = {
        row["line"]: row["match"]["candidates"][0]["code"]
        for row in imported.rows
        if row["status"] == "likely"
    }
    breakdown_import_confirm(actor=actor, imported=imported, choices=likely)


def _district_rows(actor: User, kpi: Kpi, kpi_round: Round) -> None:
    """Chiang Mai's complaints closed per district, growing with the round."""
    rows = []
    districts = District.objects.filter(province_id=CHIANG_MAI, is_active=True)
    for n, district in enumerate(districts.order_by("code")):
        received = (40 + (n * 37) % 90) * kpi_round.months // 3
        closed = received * (80 + (n * 7) % 18 + kpi_round.months // 3) // 100
        rows.append(
            BreakdownInput(
                district_code=district.code,
                numerator=Decimal(min(closed, received)),
                denominator=Decimal(received),
            )
        )
    # A new result takes the rows' sums as its figures.
    breakdown_save(actor=actor, result=result_get_or_new(kpi, kpi_round), rows=rows)


def _chiang_mai(hq: User, province: User) -> Framework:
    year = YEARS[-1]
    framework = framework_create(
        actor=province,
        fiscal_year=year,
        unit_level=UnitLevel.PROVINCE,
        unit_code=CHIANG_MAI,
        name_th=f"{PROVINCE_TH} ปีงบประมาณ {year}",
        name_en=f"{PROVINCE_EN}, fiscal year {year}",
    )
    _kpis_save(province, framework, PROVINCE_KPIS, province)
    for months in ROUND_MONTHS:
        round_save(
            actor=province,
            framework=framework,
            months=months,
            due_on=due_on(year, months),
        )
    framework = framework_publish(actor=province, framework=framework)
    _report_year(province, framework, PROVINCE_KPIS, year, locker=hq)
    return framework
