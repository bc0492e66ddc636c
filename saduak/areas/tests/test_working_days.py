from datetime import date

import pytest

from saduak.areas.models import Holiday, Office
from saduak.areas.working_days import (
    add_working_days,
    add_working_days_each,
    working_days_between,
)

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)


def test_working_days_skip_weekends() -> None:
    assert add_working_days(MONDAY, 5) == date(2026, 12, 7)
    assert add_working_days(date(2026, 12, 5), 0) == date(2026, 12, 7)  # Saturday


def test_national_holidays_and_the_office_closures_are_not_working_days(
    small_map: None,
) -> None:
    office = Office.objects.get(code="do-5001")
    Holiday.objects.create(date=date(2026, 12, 1), name_th="วันหยุด")
    Holiday.objects.create(date=date(2026, 12, 2), name_th="ปิดสำนักงาน", office=office)
    assert add_working_days(MONDAY, 1) == date(2026, 12, 2)
    assert add_working_days(MONDAY, 1, office=office) == date(2026, 12, 3)
    assert working_days_between(MONDAY, date(2026, 12, 4), office=office) == 2


def test_no_working_days_pass_before_the_start() -> None:
    assert working_days_between(MONDAY, MONDAY) == 0
    assert working_days_between(MONDAY, date(2026, 11, 1)) == 0


def test_several_counts_from_one_start_read_the_days_off_once(
    small_map: None, django_assert_num_queries
) -> None:
    office = Office.objects.get(code="do-5001")
    Holiday.objects.create(date=date(2026, 12, 1), name_th="วันหยุด")
    Holiday.objects.create(date=date(2026, 12, 10), name_th="ปิดสำนักงาน", office=office)
    saturday = date(2026, 12, 5)
    counts = (0, 1, 3, 15, 30)
    for start in (MONDAY, saturday):
        one_by_one = [add_working_days(start, n, office=office) for n in counts]
        with django_assert_num_queries(1):
            together = add_working_days_each(start, counts, office=office)
        assert together == one_by_one
