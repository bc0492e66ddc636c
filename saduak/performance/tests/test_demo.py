"""The demo's KPI frameworks (saduak/performance/demo.py), built on the whole
map (the 77-province file needs every province) through the real services."""

import csv
from datetime import date
from decimal import Decimal

import pytest

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.services import staff_role_grant
from saduak.areas.geography import current_rows
from saduak.areas.models import District, Office, Province
from saduak.areas.sync import areas_sync
from saduak.audit.models import AuditEvent
from saduak.audit.sequencer import seal_pending
from saduak.audit.verify import verify_chain
from saduak.core.measures import measure_source_get
from saduak.feedback.generator import votes_generate
from saduak.performance.choices import (
    AnswerStatus,
    BreakdownLevel,
    Direction,
    FrameworkStatus,
    GeccParticipation,
    GeccRoundStatus,
    KpiKind,
    LegStatus,
    RequestStatus,
    ResultOrigin,
    RoundStatus,
)
from saduak.performance.demo import BREAKDOWN_FILE, performance_seed_demo
from saduak.performance.demo_collection import REPORT_FORM, collection_seed_demo
from saduak.performance.models import (
    BreakdownRow,
    Framework,
    GeccAssessment,
    GeccEvidence,
    GeccRound,
    Kpi,
    KpiResult,
    Letterhead,
    PmqaAgencyAverage,
    PmqaAssessment,
    ReportAnswer,
    ReportRequest,
    Round,
)
from saduak.performance.selectors.collection import inbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people(make_user) -> tuple[User, User]:
    # Every province (the file names all 77), Chiang Mai's districts (its
    # framework's breakdown) and Mueang Chiang Mai's subdistricts: the whole
    # map would take minutes to sync on SQLite.
    areas_sync(
        actor="test",
        rows=[
            row
            for row in current_rows()
            if row.level == "province"
            or (row.level == "district" and row.parent_code == "50")
            or (row.level == "subdistrict" and row.parent_code == "5001")
        ],
    )
    votes_generate(
        votes=3000, days=1096, end=date(2026, 9, 30), seed=2567, replace=True
    )
    hq, province = make_user(), make_user()
    for user, role, office in (
        (hq, Role.HQ_ADMIN, "hq"),
        (province, Role.PROVINCIAL_STAFF, "pao-50"),
    ):
        staff_role_grant(
            user=user, role=role, office=Office.objects.get(code=office), actor="test"
        )
    return hq, province


def _file_totals() -> tuple[Decimal, Decimal]:
    with BREAKDOWN_FILE.open(encoding="utf-8") as text:
        lines = list(csv.reader(text))[1:-1]  # the header, the total line
    assert len(lines) == 77
    return (
        sum((Decimal(line[1]) for line in lines), Decimal(0)),
        sum((Decimal(line[2]) for line in lines), Decimal(0)),
    )


def test_the_demo_seeds_three_years_of_the_departments_framework_and_chiang_mais(
    demo_people,
):
    hq, province = demo_people
    lines = performance_seed_demo(hq=hq, province=province)
    assert len(lines) == 4

    department = list(
        Framework.objects.filter(unit_level="country").order_by("fiscal_year")
    )
    assert [framework.fiscal_year for framework in department] == [2567, 2568, 2569]
    assert department[0].copied_from is None
    assert department[1].copied_from == department[0]
    assert department[2].copied_from == department[1]
    assert [framework.name_th[-4:] for framework in department] == [
        "2567",
        "2568",
        "2569",
    ]
    assert {framework.status for framework in department} == {FrameworkStatus.PUBLISHED}
    newest = department[-1]
    kpis = list(Kpi.objects.filter(component__framework=newest))
    assert len(kpis) == 7
    assert sorted(newest.components.values_list("code", "weight")) == [
        ("1", Decimal(70)),
        ("2", Decimal(30)),
    ]
    assert sum(kpi.kind == KpiKind.MILESTONE for kpi in kpis) == 1
    assert sum(kpi.direction == Direction.LOWER for kpi in kpis) == 1
    computed = [kpi for kpi in kpis if kpi.origin == ResultOrigin.COMPUTED]
    assert {kpi.source_key for kpi in computed} == {
        "feedback.happy_share",
        "performance.pmqa_assessor",
    }
    assert all(measure_source_get(kpi.source_key) for kpi in computed)
    # Each KPI is last year's, copied.
    assert all(kpi.previous is not None for kpi in kpis)
    assert all(kpi.previous.previous is not None for kpi in kpis)

    # Every round of every year is scored; all but the newest one locked.
    rounds = Round.objects.filter(framework__in=department)
    assert rounds.count() == 9
    assert not rounds.filter(score=None).exists()
    assert list(
        rounds.filter(status=RoundStatus.OPEN).values_list(
            "framework__fiscal_year", "months"
        )
    ) == [(2569, 12)]
    assert all(framework.score is not None for framework in department)

    # The 77 provinces, imported from the file, add up to the result.
    imported = KpiResult.objects.get(
        round__framework=newest, round__months=12, kpi__code="1.1"
    )
    rows = BreakdownRow.objects.filter(result=imported)
    assert rows.count() == 77
    assert rows.values("province").distinct().count() == 77
    assert (imported.numerator, imported.denominator) == _file_totals()
    assert AuditEvent.objects.filter(action="breakdown.import").count() == 1

    # The computed happiness KPI has its per-province breakdown from the votes.
    happy = KpiResult.objects.get(
        round__framework=newest, round__months=12, kpi__code="1.2"
    )
    assert happy.origin == ResultOrigin.COMPUTED
    assert happy.denominator and happy.score is not None
    assert BreakdownRow.objects.filter(result=happy).exists()

    # Lower is better: days to decide fell every year and the score rose.
    days = KpiResult.objects.filter(
        kpi__code="1.3", round__months=12, round__framework__in=department
    ).order_by("round__framework__fiscal_year")
    values = [result.value for result in days]
    assert values == sorted(values, reverse=True)
    assert [result.score for result in days] == sorted(result.score for result in days)
    # The milestone KPI reached level 3 in the newest year.
    milestone = KpiResult.objects.get(
        round__framework=newest, round__months=12, kpi__code="1.4"
    )
    assert (milestone.level_reached, milestone.score) == (3, Decimal(100))
    # The PMQA KPI is the assessor's mean of the year.
    pmqa = KpiResult.objects.get(
        round__framework=newest, round__months=12, kpi__code="2.1"
    )
    assert pmqa.numerator == Decimal("408.57")  # 2,860 / 7

    assessments = PmqaAssessment.objects.filter(unit_level="country")
    assert sorted(assessments.values_list("fiscal_year", flat=True)) == [
        2567,
        2568,
        2569,
    ]
    assert all(assessment.scores.count() == 7 for assessment in assessments)
    assert PmqaAgencyAverage.objects.count() == 21

    # Chiang Mai's framework, with its districts' rows, set up by its staff.
    chiang_mai = Framework.objects.get(unit_level="province", unit_code="50")
    assert chiang_mai.fiscal_year == 2569
    district_rows = BreakdownRow.objects.filter(
        result__round__framework=chiang_mai, result__round__months=12
    ).exclude(district=None)
    assert (
        district_rows.count()
        == District.objects.filter(province_id="50", is_active=True).count()
    )
    assert (
        Kpi.objects.filter(
            component__framework=chiang_mai,
            breakdown_level=BreakdownLevel.DISTRICT,
        ).count()
        == 1
    )
    assert AuditEvent.objects.filter(
        action="framework.create", actor=province, province_code="50"
    ).exists()
    assert not Round.objects.filter(framework=chiang_mai, score=None).exists()

    # A second run leaves the demo as it is.
    counted = (Framework.objects.count(), KpiResult.objects.count())
    assert performance_seed_demo(hq=hq, province=province) == []
    assert (Framework.objects.count(), KpiResult.objects.count()) == counted


# --- Report collection (saduak/performance/demo_collection.py) ----------------


@pytest.fixture
def collection_people(make_user) -> dict[str, User]:
    """The provinces the demo's stories pass through (Bangkok, Chiang Mai,
    Samut Sakhon, Samut Songkhram) with their districts (Bangkok's Phra
    Nakhon only, a GECC target): the whole map takes minutes to sync on
    SQLite. The demo's staff with their positions."""
    provinces = ("10", "50", "74", "75")
    areas_sync(
        actor="test",
        rows=[
            row
            for row in current_rows()
            if (row.level == "province" and row.code in provinces)
            or (row.level == "district" and row.parent_code in provinces[1:])
            or (row.level == "district" and row.code == "1001")
        ],
    )
    people = {
        "hq": (Role.HQ_ADMIN, "hq", "ผู้อำนวยการส่วนติดตามและประเมินผล"),
        "province": (Role.PROVINCIAL_STAFF, "pao-50", "เจ้าพนักงานปกครองชำนาญงาน"),
        "district": (Role.DISTRICT_ADMIN, "do-5001", "ปลัดอำเภอ"),
        "chom_thong": (Role.DISTRICT_ADMIN, "do-5002", "ปลัดอำเภอ"),
        "registry": (Role.COUNTER_OFFICER, "reg-5001", "เจ้าพนักงานปกครอง"),
    }
    made = {}
    for name, (role, office, position) in people.items():
        user = make_user(position=position, email=f"{name}@example.org")
        staff_role_grant(
            user=user, role=role, office=Office.objects.get(code=office), actor="test"
        )
        made[name] = user
    return made


def test_the_demo_seeds_directives_in_progress_and_a_gecc_round(collection_people):
    people = collection_people
    lines = collection_seed_demo(
        hq=people["hq"],
        province=people["province"],
        district=people["district"],
        chom_thong=people["chom_thong"],
    )
    assert len(lines) == 3

    # Letterheads for HQ and two provinces.
    assert dict(Letterhead.objects.values_list("office__code", "book_code")) == {
        "hq": "มท 0309.2",
        "pao-50": "ชม 0017.2",
        "pao-75": "สส 0017.1",
    }

    # HQ's directive, numbered from HQ's register, through every province.
    hq_request = ReportRequest.objects.get(issuer__code="hq", kind="directive")
    assert hq_request.status == RequestStatus.SENT
    assert hq_request.directive.number == "1"
    assert hq_request.directive.signer_position == people["hq"].position
    assert hq_request.form == REPORT_FORM
    legs = {leg.province_id: leg for leg in hq_request.legs.all()}
    assert len(legs) == Province.objects.filter(is_active=True).count() == 4
    assert legs["10"].status == LegStatus.RECEIVED  # not forwarded yet

    # Chiang Mai forwarded it earlier than HQ's deadline, one district out.
    chiang_mai = legs["50"]
    assert chiang_mai.status == LegStatus.FORWARDED
    assert chiang_mai.due_on < hq_request.due_on
    answers = {
        answer.office.code: answer
        for answer in ReportAnswer.objects.filter(leg=chiang_mai).select_related(
            "office"
        )
    }
    assert len(answers) == District.objects.filter(province_id="50").count()
    (excused,) = [a for a in answers.values() if a.status == AnswerStatus.EXCUSED]
    assert excused.excused_reason
    states = {code: answers[code].status for code in sorted(answers)[:7]}
    assert states == {
        "do-5001": AnswerStatus.NEW,
        "do-5002": AnswerStatus.ACKNOWLEDGED,
        "do-5003": AnswerStatus.READ,
        "do-5004": AnswerStatus.ACKNOWLEDGED,
        "do-5005": AnswerStatus.RETURNED,
        "do-5006": AnswerStatus.CERTIFIED,
        "do-5007": AnswerStatus.CERTIFIED,
    }
    assert answers["do-5002"].answers and not answers["do-5002"].submitted_at
    assert answers["do-5005"].return_comment
    assert answers["do-5007"].late and not answers["do-5006"].late
    assert answers["do-5006"].certifier_name == people["province"].get_full_name()
    assert answers["do-5006"].certifier_position == people["province"].position
    history = list(answers["do-5005"].steps.values_list("kind", flat=True))
    assert history == ["read", "acknowledged", "submitted", "returned"]

    # Samut Songkhram: all certified, consolidated, accepted by HQ.
    samut = legs["75"]
    assert samut.status == LegStatus.ACCEPTED
    assert set(samut.answers.values_list("status", flat=True)) == {
        AnswerStatus.CERTIFIED
    }
    assert samut.consolidated
    # Samut Sakhon: two districts excused, one certified; waiting for HQ.
    sakhon = legs["74"]
    assert sakhon.status == LegStatus.SUBMITTED
    assert sorted(sakhon.answers.values_list("status", flat=True)) == [
        AnswerStatus.CERTIFIED,
        AnswerStatus.EXCUSED,
        AnswerStatus.EXCUSED,
    ]

    # Chiang Mai's own directive to its districts; Chom Thong answered.
    own = ReportRequest.objects.get(issuer__code="pao-50")
    assert own.directive.number == "1"
    assert own.answers.count() == District.objects.filter(province_id="50").count()
    assert own.answers.get(office__code="do-5002").status == AnswerStatus.SUBMITTED
    assert own.answers.get(office__code="do-5001").status == AnswerStatus.NEW

    # The GECC round: targets, a volunteer, responsible people, assessments
    # with a photo, Chiang Mai's registrations certified but Mueang's.
    gecc = GeccRound.objects.get(fiscal_year=2569)
    assert gecc.status == GeccRoundStatus.OPEN
    participation = dict(gecc.participants.values_list("office__code", "participation"))
    assert participation == {
        "reg-1001": GeccParticipation.TARGET,
        "reg-5001": GeccParticipation.TARGET,
        "reg-5002": GeccParticipation.VOLUNTEER,
        "reg-5006": GeccParticipation.TARGET,
        "reg-7501": GeccParticipation.TARGET,
    }
    mueang = gecc.participants.get(office__code="reg-5001")
    assert mueang.responsible == people["registry"]
    assert not gecc.participants.get(office__code="reg-1001").responsible
    assessed = GeccAssessment.objects.filter(participant__round=gecc).exclude(status="")
    assert assessed.count() == 20
    assert GeccEvidence.objects.filter(assessment__participant__round=gecc).count() == 3
    registrations = dict(
        ReportAnswer.objects.filter(request=gecc.registration).values_list(
            "office__code", "status"
        )
    )
    assert registrations["reg-5001"] == AnswerStatus.SUBMITTED
    assert registrations["reg-5002"] == AnswerStatus.CERTIFIED
    assert registrations["reg-5006"] == AnswerStatus.CERTIFIED
    assert registrations["reg-1001"] == AnswerStatus.NEW

    # Each demo account has something to do in its inbox.
    for name in ("province", "district"):
        rows = inbox(user=people[name])
        assert rows, name
    assert any(row.state == "new" for row in inbox(user=people["district"]))
    assert ReportRequest.objects.filter(
        legs__status=LegStatus.SUBMITTED, issuer__code="hq"
    ).exists()  # HQ: Samut Sakhon's consolidated report to accept

    # Every step was audited, and the audit chain verifies.
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "letterhead.save",
        "directive.send",
        "report_request.send",
        "request_leg.forward",
        "request_leg.submit",
        "request_leg.accept",
        "report_answer.submit",
        "report_answer.return",
        "report_answer.certify",
        "gecc_round.open",
        "gecc_office.volunteer",
        "gecc_office.evidence_add",
    } <= actions
    seal_pending()
    report = verify_chain()
    assert report.intact and report.checked == AuditEvent.objects.count()

    # A second run leaves it as it is.
    counted = (ReportRequest.objects.count(), ReportAnswer.objects.count())
    assert (
        collection_seed_demo(
            hq=people["hq"],
            province=people["province"],
            district=people["district"],
        )
        == []
    )
    assert (ReportRequest.objects.count(), ReportAnswer.objects.count()) == counted
