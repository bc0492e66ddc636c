"""The dashboard reads stored scores and breakdown rows: district rows add up
to provinces in the database for the department's view, a province sees its
own districts and a district its own row, in a number of queries that does
not grow with the rows."""

from decimal import Decimal

import pytest

from saduak.accounts.choices import Role
from saduak.accounts.scoping import read_reach
from saduak.accounts.units import Unit, unit_get
from saduak.performance.selectors.dashboard import framework_dashboard
from saduak.performance.tests.report_data import department, served_rows, two_years

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq(make_staff):
    return make_staff(Role.HQ_ADMIN, "hq")


def board_for(viewer, data, level="country", code="", round=None):
    unit = unit_get(viewer=viewer, level=level, code=code)
    return framework_dashboard(
        framework=data.framework,
        round=round or data.six,
        unit=unit,
        reach=read_reach(viewer),
    )


def test_the_department_sees_district_rows_added_up_to_their_provinces(hq):
    data = department()
    board = board_for(hq, data)
    (breakdown,) = board.breakdowns
    assert breakdown.kpi == data.served and breakdown.level == "province"
    assert breakdown.on_map
    areas = {area.code: area for area in breakdown.areas}
    assert set(areas) == {"10", "50"}
    assert areas["50"].numerator == 370 and areas["50"].denominator == 440
    assert areas["50"].value == Decimal("84.0909") and areas["50"].rows == 2
    assert areas["50"].shape == "cmi" and areas["10"].shape == "bkk"
    assert areas["10"].value == Decimal("89.2857")


def test_scores_per_component_and_kpi_with_the_weight_not_reported(hq):
    data = department()
    board = board_for(hq, data)
    components = board.scoreboard.components
    assert [line.component.code for line in components] == ["1", "2"]
    assert [line.weighted for line in components] == [
        Decimal("52.75"),
        Decimal("15.00"),
    ]
    assert [
        (line.kpi.code, line.score) for part in components for line in part.lines
    ] == [
        ("1.1", Decimal("85.00")),
        ("1.2", Decimal("62.50")),
        ("2.1", Decimal("50.00")),
    ]
    assert board.scoreboard.overall == Decimal("67.75")
    assert board.scoreboard.unreported_weight == 0
    later = board_for(hq, data, round=data.twelve)
    assert later.scoreboard.unreported_weight == 100 and later.breakdowns == []


def test_each_kpis_trend_over_three_fiscal_years_with_the_change(hq):
    data = two_years()
    board = board_for(hq, data)
    assert board.years == [2567, 2568, 2569]
    served = next(row for row in board.trends if row.kpi == data.served)
    assert served.points[0] is None
    assert [point.score for point in served.points[1:]] == [
        Decimal("50.00"),
        Decimal("85.00"),
    ]
    assert served.points[-1].change == Decimal("7.00")
    assert served.change_label.startswith("+7.00")


def test_a_province_sees_its_own_districts_only(make_staff):
    data = department()
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    board = board_for(province, data, "province", "50")
    (breakdown,) = board.breakdowns
    assert breakdown.level == "district" and not breakdown.on_map
    assert {area.code for area in breakdown.areas} == {"5001", "5002"}
    assert {area.value for area in breakdown.areas} == {
        Decimal("86.2069"),
        Decimal("80.0000"),
    }


def test_a_district_sees_its_own_row_only_even_in_its_provinces_view(make_staff):
    data = department()
    district = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    board = board_for(district, data, "district", "5001")
    (breakdown,) = board.breakdowns
    assert [(area.numerator, area.denominator) for area in breakdown.areas] == [
        (Decimal(250), Decimal(290))
    ]
    wider = framework_dashboard(
        framework=data.framework,
        round=data.six,
        unit=Unit("province", "50"),
        reach=read_reach(district),
    )
    assert [area.code for area in wider.breakdowns[0].areas] == ["5001"]


def test_the_national_view_costs_the_same_queries_whatever_the_rows(
    hq, django_assert_max_num_queries, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = department()
    with CaptureQueriesContext(connection) as province_view:
        board_for(hq, data, "province", "50")
    with CaptureQueriesContext(connection) as national:
        board_for(hq, data)
    served_rows(data.results["served"], {"5001": (1, 2), "1001": (3, 4)})
    for _ in range(5):
        served_rows(data.results["served"], {"5002": (1, 1), "5001": (2, 3)})
    with django_assert_num_queries(len(national.captured_queries)):
        board = board_for(hq, data)
    assert board.breakdowns[0].areas[1].rows == 13
    with django_assert_max_num_queries(2 * len(province_view.captured_queries)):
        board_for(hq, data)
