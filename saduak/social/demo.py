"""Social Match in the demo (`seed_demo`): Mueang Chiang Mai's people from the
five sources (synthetic, `generator.py`), imported by the province, screened
with the default national rules of 2569, confirmed after a community forum in
one subdistrict, served, and two households taken into case management, one
still followed up and one closed. Everything goes through the real services,
as the staff would do it."""

import io
from datetime import date, timedelta

from django.utils import timezone

from saduak.accounts.models import User
from saduak.areas.models import Province, Subdistrict
from saduak.social.choices import (
    Capability,
    CaseOutcome,
    Domain,
    FollowUpFrequency,
    HouseholdStatus,
    ReferralStatus,
    SourceKind,
)
from saduak.social.generator import Population, csv_layout, write_sources
from saduak.social.layouts import LAYOUTS
from saduak.social.models import RuleSet, SourceImport, TargetHousehold
from saduak.social.services import cases, targeting
from saduak.social.services.rules import rule_set_create
from saduak.social.services.screening import screening_run
from saduak.social.services.sources import source_import

YEAR = 2569
DISTRICT = "5001"  # Mueang Chiang Mai
PROVINCE = "50"
# About 3,000 people over the district's subdistricts.
SCALE = 3_000 / 38_000_000
SEED = 2569


def _import_sources(*, province: Province, officer: User) -> None:
    subdistricts = list(
        Subdistrict.objects.filter(district_id=DISTRICT, is_active=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    population = Population(subdistricts=subdistricts, scale=SCALE, seed=SEED)
    outputs = {kind.value: io.StringIO() for kind in SourceKind}
    written = write_sources(
        population,
        outputs,
        layouts={kind: csv_layout(LAYOUTS[kind]) for kind in outputs},
    )
    for kind, output in outputs.items():
        if not written[kind]:
            continue
        source_import(
            kind=kind,
            year=YEAR,
            province=province,
            file_name=f"{kind}-{YEAR}-chiang-mai.csv",
            content=output.getvalue().encode(),
            actor=officer,
        )


def social_seed_demo(*, hq: User, province_staff: User, worker: User) -> list[str]:
    """Seeds Social Match for Mueang Chiang Mai (does nothing when the
    province's sources of 2569 are there already). `hq` creates the year's
    rules, `province_staff` (Chiang Mai) imports and screens, `worker` (a
    social worker of Mueang Chiang Mai) holds the forum and the cases.
    Returns lines for the demo's printout."""
    chiang_mai = Province.objects.get(code=PROVINCE)
    if not SourceImport.objects.filter(year=YEAR, province=chiang_mai).exists():
        _import_sources(province=chiang_mai, officer=province_staff)
        rule_set = RuleSet.objects.filter(year=YEAR).first() or rule_set_create(
            year=YEAR,
            name_th="เกณฑ์คัดกรองกลุ่มเป้าหมาย ปี 2569",
            name_en="Screening rules 2569",
            start_from="default",
            actor=hq,
        )
        screening_run(rule_set=rule_set, province=chiang_mai, actor=province_staff)
        _work_one_subdistrict(rule_set=rule_set, worker=worker)
    rule_set = RuleSet.objects.get(year=YEAR)
    found = TargetHousehold.objects.filter(
        rule_set=rule_set, district_code=DISTRICT
    ).count()
    return [
        f"  Mueang Chiang Mai: {found} households found from five sources "
        f"(rules of {YEAR})",
        "  social worker        /staff/social/   cases /staff/social/cases/",
        "  sources (province)   /staff/social/sources/",
        "  rules and screening  /staff/social/rules/",
        "  statistics (HQ)      /staff/social/statistics/",
    ]


def _work_one_subdistrict(*, rule_set: RuleSet, worker: User) -> None:
    """The busiest subdistrict's forum a fortnight ago: its ten neediest
    households confirmed but one, removed; services given; two selected and
    taken into case management."""
    today = timezone.localdate()
    busiest = (
        TargetHousehold.objects.filter(rule_set=rule_set, district_code=DISTRICT)
        .order_by("-need_score", "house_code")
        .values_list("subdistrict_id", flat=True)
        .first()
    )
    if busiest is None:
        return
    subdistrict = Subdistrict.objects.get(code=busiest)
    forum = targeting.forum_record(
        rule_set=rule_set,
        subdistrict=subdistrict,
        held_on=today - timedelta(days=14),
        minutes=(
            "ประชาคมหมู่บ้านพิจารณารายชื่อครัวเรือนเป้าหมายจากการคัดกรอง "
            "ผู้นำชุมชน อสม. และผู้แทนครัวเรือนร่วมยืนยันข้อมูล"
        ),
        attendees=48,
        actor=worker,
    )
    households = list(
        TargetHousehold.objects.filter(
            rule_set=rule_set, subdistrict=subdistrict, status=HouseholdStatus.FOUND
        ).order_by("-need_score", "house_code")[:10]
    )
    for index, household in enumerate(households):
        if index == 9:
            targeting.household_remove(
                household=household,
                forum=forum,
                reason="ประชาคมยืนยันว่าครัวเรือนย้ายออกนอกพื้นที่แล้ว",
                actor=worker,
            )
            continue
        targeting.household_confirm(household=household, forum=forum, actor=worker)
    for household, domain, given in (
        (households[2], Domain.HEALTH, "ส่งต่อรับการตรวจสุขภาพที่ รพ.สต."),
        (households[3], Domain.WORK_INCOME, "ฝึกอาชีพทำขนมและเงินทุนประกอบอาชีพ"),
        (households[4], Domain.EDUCATION, "ทุนการศึกษาสำหรับบุตรหลาน"),
    ):
        targeting.service_record(
            household=household,
            domain=domain,
            description=given,
            provided_on=today - timedelta(days=7),
            actor=worker,
        )
    followed = targeting.household_select(household=households[0], actor=worker)
    closed = targeting.household_select(household=households[1], actor=worker)
    _case_followed(followed, worker=worker, today=today)
    _case_closed(closed, worker=worker, today=today)


def _case_followed(household: TargetHousehold, *, worker: User, today: date) -> None:
    case = cases.case_open(
        household=household,
        case_worker=worker,
        follow_up_frequency=FollowUpFrequency.MONTHLY,
        actor=worker,
        today=today - timedelta(days=12),
    )
    cases.assessment_record(
        case=case,
        assessed_on=today - timedelta(days=12),
        capability=Capability.C,
        needs={
            Domain.HEALTH: "ผู้สูงอายุติดเตียง ต้องการผู้ดูแลและอุปกรณ์",
            Domain.HOUSING: "หลังคารั่ว บ้านทรุดโทรม",
            Domain.WORK_INCOME: "ไม่มีรายได้ประจำ",
        },
        actor=worker,
    )
    cases.plan_step_add(
        case=case,
        domain=Domain.HOUSING,
        goal="ซ่อมแซมหลังคาให้อยู่อาศัยได้ปลอดภัย",
        service="โครงการบ้านมั่นคง ซ่อมแซมที่อยู่อาศัย",
        agency_code="codi-baan-mankong",
        starts_on=today - timedelta(days=10),
        due_on=today + timedelta(days=60),
        actor=worker,
    )
    referral = cases.referral_send(
        case=case,
        agency_code="sub-district-hospital",
        reason="ขอเยี่ยมบ้านและดูแลผู้สูงอายุติดเตียง",
        sent_on=today - timedelta(days=10),
        actor=worker,
    )
    cases.referral_answer(
        referral=referral,
        status=ReferralStatus.ACCEPTED,
        answered_on=today - timedelta(days=8),
        answer="รับเยี่ยมบ้านทุกสัปดาห์ เริ่มสัปดาห์หน้า",
        actor=worker,
    )


def _case_closed(household: TargetHousehold, *, worker: User, today: date) -> None:
    opened = today - timedelta(days=100)
    case = cases.case_open(
        household=household,
        case_worker=worker,
        follow_up_frequency=FollowUpFrequency.MONTHLY,
        actor=worker,
        today=opened,
    )
    cases.assessment_record(
        case=case,
        assessed_on=opened,
        capability=Capability.B,
        needs={Domain.WORK_INCOME: "ตกงาน ต้องการอาชีพเสริม"},
        actor=worker,
    )
    cases.plan_step_add(
        case=case,
        domain=Domain.WORK_INCOME,
        goal="มีรายได้ไม่น้อยกว่า 6,000 บาทต่อเดือน",
        service="ฝึกอาชีพและจัดหางาน",
        agency_code="provincial-employment-office",
        starts_on=opened,
        due_on=opened + timedelta(days=60),
        actor=worker,
    )
    for days, note in (
        (70, "เข้ารับการฝึกอาชีพครบหลักสูตร"),
        (40, "ได้งานประจำที่ร้านค้าในชุมชน"),
    ):
        cases.follow_up_record(
            case=case,
            done_on=today - timedelta(days=days),
            note=note,
            actor=worker,
        )
    cases.assessment_record(
        case=case,
        assessed_on=today - timedelta(days=35),
        capability=Capability.A,
        needs={Domain.WORK_INCOME: "มีรายได้ประจำ พึ่งตนเองได้"},
        actor=worker,
    )
    cases.case_close(
        case=case,
        outcome=CaseOutcome.SELF_RELIANT,
        note="ครัวเรือนมีรายได้ประจำและพึ่งตนเองได้ ปิดกรณี",
        actor=worker,
    )
