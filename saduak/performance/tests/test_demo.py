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
from saduak.areas.models import District, Office
from saduak.areas.sync import areas_sync
from saduak.audit.models import AuditEvent
from saduak.core.measures import measure_source_get
from saduak.feedback.generator import votes_generate
from saduak.performance.choices import (
    BreakdownLevel,
    Direction,
    FrameworkStatus,
    KpiKind,
    ResultOrigin,
    RoundStatus,
)
from saduak.performance.demo import BREAKDOWN_FILE, performance_seed_demo
from saduak.performance.models import (
    BreakdownRow,
    Framework,
    Kpi,
    KpiResult,
    PmqaAgencyAverage,
    PmqaAssessment,
    Round,
)

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
