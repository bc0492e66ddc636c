from datetime import timedelta

import pytest

from saduak.accounts.choices import Role
from saduak.core.errors import NotFound, PermissionDeniedError
from saduak.social.selectors.cases import (
    capability_movement,
    case_detail,
    case_list,
    case_worker_candidates,
)
from saduak.social.services import cases
from saduak.social.tests.case_setup import household, opened, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_staff):
    return make_staff(Role.SOCIAL_WORKER, "do-5001")


def assess(case, worker, *levels):
    for days_ago, level in zip(range(len(levels), 0, -1), levels, strict=True):
        cases.assessment_record(
            case=case,
            assessed_on=today() - timedelta(days=days_ago),
            capability=level,
            needs={"health": "x"},
            actor=worker,
        )


def test_movement_counts_each_case_from_its_baseline_to_its_latest_level(
    worker, make_staff
):
    assess(opened(worker), worker, "B", "C", "A")  # moved B to A
    assess(opened(worker), worker, "B", "A")  # moved B to A
    assess(opened(worker), worker, "A", "A")  # stayed A
    assess(opened(worker), worker, "A", "C")  # moved down
    assess(opened(worker), worker, "C")  # assessed once
    opened(worker)  # not assessed
    other = make_staff(Role.SOCIAL_WORKER, "do-5002")
    home = household(subdistrict="500201")
    assess(opened(other, home=home), other, "C", "B")
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    rows = capability_movement(actor=provincial, province_code="50")
    assert [row.area_code for row in rows] == ["5001", "5002"]
    mueang, chom_thong = rows
    assert mueang.pairs == {("B", "A"): 2, ("A", "A"): 1, ("A", "C"): 1}
    assert (mueang.up, mueang.stayed, mueang.down, mueang.assessed_once) == (2, 1, 1, 1)
    assert chom_thong.pairs == {("C", "B"): 1}
    only = capability_movement(actor=worker, province_code="50", district_code="5001")
    assert [row.area_code for row in only] == ["5001"]


def test_movement_outside_the_actors_area_is_refused(worker):
    with pytest.raises((NotFound, PermissionDeniedError)):
        capability_movement(actor=worker, province_code="50", district_code="5002")
    with pytest.raises((NotFound, PermissionDeniedError)):
        capability_movement(actor=worker, province_code="50")


def test_the_case_detail_names_the_baseline_and_the_movement(worker):
    case = opened(worker)
    assess(case, worker, "C", "B")
    record = case_detail(actor=worker, case=case)
    assert (record.baseline.capability, record.latest.capability) == ("C", "B")
    assert record.movement == "up"
    assert record.next_follow_up is not None


def test_the_list_puts_the_soonest_follow_up_first_and_keeps_to_its_district(
    worker, make_staff
):
    yearly = opened(worker, frequency="yearly")
    monthly = opened(worker)
    page = case_list(actor=worker, district_code="5001")
    assert [case.reference for case in page.object_list] == [
        monthly.reference,
        yearly.reference,
    ]
    with pytest.raises((NotFound, PermissionDeniedError)):
        case_list(actor=worker, district_code="5002")


def test_the_candidates_are_the_districts_social_workers_and_administrators(
    worker, make_staff
):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    make_staff(Role.SOCIAL_WORKER, "do-5002")
    make_staff(Role.COUNTER_OFFICER, "do-5001")
    assert set(case_worker_candidates("5001")) == {worker, admin}
