from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.core.errors import NotFound
from saduak.performance.choices import BreakdownLevel, UnitLevel
from saduak.performance.models import MilestoneItem
from saduak.performance.selectors.breakdown import breakdown_rows
from saduak.performance.selectors.frameworks import (
    framework_get,
    framework_list,
    kpi_get,
    round_get,
)
from saduak.performance.selectors.results import result_get_or_new
from saduak.performance.selectors.scores import framework_scoreboard, kpi_computation
from saduak.performance.selectors.trend import kpi_trend
from saduak.performance.services import frameworks
from saduak.performance.services.results import (
    BreakdownInput,
    breakdown_save,
    milestone_check_save,
    result_record,
)
from saduak.performance.tests.factories import SYSTEM, Built, framework_built

D = Decimal


@pytest.fixture
def three(small_map: None) -> dict[str, Built]:
    return {
        "country": framework_built(unit_level=UnitLevel.COUNTRY, unit_code=""),
        "50": framework_built(unit_level=UnitLevel.PROVINCE, unit_code="50"),
        "5001": framework_built(),
        "5002": framework_built(unit_code="5002"),
        "10": framework_built(unit_level=UnitLevel.PROVINCE, unit_code="10"),
    }


def _codes(viewer: Any) -> list[str]:
    return sorted(f.unit_code or "-" for f in framework_list(viewer=viewer))


def test_frameworks_are_listed_by_read_reach_and_the_departments_for_all_staff(
    three: dict[str, Built], make_staff: Any, make_user: Any
) -> None:
    assert _codes(make_staff(Role.HQ_ADMIN, "hq")) == ["-", "10", "50", "5001", "5002"]
    assert _codes(make_staff(Role.PROVINCIAL_STAFF, "pao-50")) == [
        "-",
        "50",
        "5001",
        "5002",
    ]
    assert _codes(make_staff(Role.DISTRICT_ADMIN, "do-5001")) == ["-", "5001"]
    assert _codes(make_staff(Role.COUNTER_OFFICER, "reg-5002")) == ["-", "5002"]
    assert _codes(make_user()) == []


def test_a_framework_or_kpi_outside_the_reach_is_not_found(
    three: dict[str, Built], make_staff: Any
) -> None:
    district = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    assert framework_get(viewer=district, public_id=three["5001"].framework.public_id)
    with pytest.raises(NotFound):
        framework_get(viewer=district, public_id=three["5002"].framework.public_id)
    with pytest.raises(NotFound):
        framework_get(viewer=district, public_id="not-a-uuid")
    kpi = three["5002"].kpis["1.1"]
    with pytest.raises(NotFound):
        kpi_get(viewer=district, public_id=kpi.public_id)
    assert kpi_get(viewer=district, public_id=three["country"].kpis["1.1"].public_id)
    assert round_get(framework=three["5001"].framework, months=9).months == 9
    with pytest.raises(NotFound):
        round_get(framework=three["5001"].framework, months=3)


def test_the_scoreboard_shows_each_score_and_the_weight_not_reported(
    built: Built,
) -> None:
    for code, numerator, denominator in (("1.1", 145, 200), ("1.3.1", 80, 100)):
        result_record(
            actor=SYSTEM,
            kpi=built.kpis[code],
            round=built.rounds[6],
            numerator=D(numerator),
            denominator=D(denominator),
        )
    board = framework_scoreboard(framework=built.framework, round=built.rounds[6])
    first = board.components[0]
    assert [(line.kpi.code, line.depth, line.score) for line in first.lines] == [
        ("1.1", 0, D("81.25")),
        ("1.2", 0, None),
        ("1.3", 0, D("50.00")),
        ("1.3.1", 1, D("100.00")),
        ("1.3.2", 1, None),
    ]
    assert first.score == D("49.11")  # (81.25*30 + 50*20) / 70
    assert board.overall == D("34.38")
    assert board.unreported_weight == D(60)  # 1.2 (20), 1.3.2 (10), 2.1 (30)
    assert board.reported_weight == D(40)


def test_the_computation_is_shown_step_by_step(built: Built) -> None:
    result = result_record(
        actor=SYSTEM,
        kpi=built.kpis["1.1"],
        round=built.rounds[6],
        numerator=D(145),
        denominator=D(200),
    )
    with translation.override("en"):
        steps = kpi_computation(result=result)
        parent = kpi_computation(
            result=result_get_or_new(built.kpis["1.3"], built.rounds[6])
        )
    assert steps == [
        "Result = 145 / 200 × 100 = 72.5",
        "Higher is better: minimum 60 = 50, standard 70 = 75, advanced 80 = 100 points",
        "Score = 75 + 25 × (72.5 − 70) / (80 − 70) = 81.25",
        "Weighted score = 81.25 × 30 / 100 = 24.38",
    ]
    assert parent == ["No result yet."]
    with translation.override("th"):
        thai = kpi_computation(result=result)
    assert thai[-1] != steps[-1]


def test_a_milestone_computation_counts_each_levels_criteria(built: Built) -> None:
    kpi = built.kpis["2.1"]
    for item in MilestoneItem.objects.filter(kpi=kpi, level=1):
        milestone_check_save(
            actor=SYSTEM,
            result=result_get_or_new(kpi, built.rounds[6]),
            item=item,
            met=True,
        )
    with translation.override("en"):
        steps = kpi_computation(result=result_get_or_new(kpi, built.rounds[6]))
    assert steps == [
        "Level 1: 2 of 2 criteria met",
        "Level 2: 0 of 1 criteria met",
        "Level 3: 0 of 1 criteria met",
        "Level reached: 1, 50 points",
        "Weighted score = 50 × 30 / 100 = 15",
    ]


def test_breakdown_rows_are_filtered_by_the_viewers_reach(
    small_map: None, make_staff: Any
) -> None:
    built = framework_built(
        unit_level=UnitLevel.COUNTRY,
        unit_code="",
        breakdown_level=BreakdownLevel.DISTRICT,
    )
    result = result_get_or_new(built.kpis["1.1"], built.rounds[6])
    breakdown_save(
        actor=SYSTEM,
        result=result,
        rows=[
            BreakdownInput(district_code=code, numerator=D(7), denominator=D(10))
            for code in ("1001", "5001", "5002")
        ],
    )
    result = result_get_or_new(built.kpis["1.1"], built.rounds[6])

    def seen(role: Role, office: str) -> list[str | None]:
        viewer = make_staff(role, office)
        return [row.district_id for row in breakdown_rows(result=result, viewer=viewer)]

    assert seen(Role.HQ_ADMIN, "hq") == ["1001", "5001", "5002"]
    assert seen(Role.PROVINCIAL_STAFF, "pao-50") == ["5001", "5002"]
    assert seen(Role.DISTRICT_ADMIN, "do-5002") == ["5002"]


def test_the_trend_follows_last_years_kpis_with_the_change_in_points(
    small_map: None,
) -> None:
    values = {2567: (60, 100), 2568: (6325, 10000), 2569: (145, 200)}
    source = None
    for year, (numerator, denominator) in values.items():
        if source is None:
            built = framework_built(fiscal_year=year)
            framework = built.framework
        else:
            framework = frameworks.framework_copy(
                actor=SYSTEM, source=source, fiscal_year=year
            )
            framework = frameworks.framework_publish(actor=SYSTEM, framework=framework)
        kpi = framework.components.get(code="1").kpis.get(code="1.1")
        round = framework.rounds.get(months=9)
        result_record(
            actor=SYSTEM,
            kpi=kpi,
            round=round,
            numerator=D(numerator),
            denominator=D(denominator),
        )
        source = framework
    with translation.override("en"):
        trend = kpi_trend(kpi=kpi)
    assert [(p.fiscal_year, p.months, p.value) for p in trend.points] == [
        (2567, 9, D(60)),
        (2568, 9, D("63.25")),
        (2569, 9, D("72.5")),
    ]
    assert [p.change_label for p in trend.points] == ["", "+3.25 pp", "+9.25 pp"]
    assert trend.points[2].score == D("81.25")
