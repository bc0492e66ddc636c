"""The complaints' KPI source against the complaints themselves: complaints
filed, resolved in time and late, held by a district, the province and HQ,
through the real services; the expected figures are counted here from the
complaint rows, independently of the rollups the source reads."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Q

from saduak.accounts.choices import Role
from saduak.complaints.models import Complaint
from saduak.complaints.services import handling
from saduak.complaints.tests.factories import file_complaint, make_category
from saduak.core.measures import Measured, MeasureScope, measure_source_get

pytestmark = pytest.mark.django_db

BANGKOK = ZoneInfo("Asia/Bangkok")
KEY = "complaints.resolved_within_target"


def at(day: int, month: int) -> time_machine.travel:
    return time_machine.travel(datetime(2026, month, day, 10, 7, tzinfo=BANGKOK))


@pytest.fixture
def handled(small_map: None, make_staff: Any, make_user: Any) -> None:
    quick = make_category("street-lights", name_th="ไฟดับ", resolve_days=2)
    slow = make_category()
    officer = make_staff(Role.COUNTER_OFFICER, "ddc-5001")
    officer_5002 = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    hq = make_staff(Role.HQ_ADMIN, "hq")
    people = iter(make_user(phone=f"081100{n:04d}") for n in range(20))
    filed: dict[str, Complaint] = {}
    with at(27, 1):  # before the period
        filed["early"] = file_complaint(citizen=next(people), category=quick)
    with at(2, 2):
        for name, category, district in (
            ("on-time", quick, "5001"),
            ("late", quick, "5001"),
            ("slow-ok", slow, "5001"),
            ("open", slow, "5001"),
            ("chomthong", quick, "5002"),
            ("chomthong-late", quick, "5002"),
            ("province", slow, "5001"),
            ("bangkok", slow, "1001"),
        ):
            filed[name] = file_complaint(
                citizen=next(people), category=category, district_code=district
            )
    with at(3, 2):
        for name in ("on-time", "slow-ok"):
            handling.complaint_resolve(
                complaint=filed[name], officer=officer, text="แก้ไขแล้ว"
            )
        handling.complaint_resolve(
            complaint=filed["chomthong"], officer=officer_5002, text="แก้ไขแล้ว"
        )
        handling.complaint_resolve(
            complaint=filed["early"], officer=officer, text="แก้ไขแล้ว"
        )
        taken = handling.complaint_take_over(
            complaint=filed["province"], officer=province, reason="จังหวัดติดตาม"
        )
        handling.complaint_take_over(
            complaint=filed["bangkok"], officer=hq, reason="HQ ติดตาม"
        )
    with at(20, 2):
        handling.complaint_resolve(complaint=filed["late"], officer=officer, text="ช้า")
        handling.complaint_resolve(
            complaint=filed["chomthong-late"], officer=officer_5002, text="ช้า"
        )
        handling.complaint_resolve(complaint=taken, officer=province, text="จังหวัด")


START, END = date(2026, 2, 1), date(2026, 3, 31)


def scope(level: str, code: str, where: Q) -> MeasureScope:
    return MeasureScope(level, code, where, START, END)


def counted(**holder: str) -> Measured:
    """Of the complaints received in the period held where `holder` says,
    the resolved ones and those resolved by their due date."""
    resolved = in_time = 0
    for complaint in Complaint.objects.filter(**holder):
        received = complaint.received_at.astimezone(BANGKOK).date()
        if not START <= received <= END or complaint.resolved_at is None:
            continue
        resolved += 1
        in_time += complaint.resolved_at.astimezone(BANGKOK).date() <= (
            complaint.resolve_due
        )
    return Measured(numerator=Decimal(in_time), denominator=Decimal(resolved))


def _sum(figures: dict[str, Measured]) -> Measured:
    return Measured(
        numerator=sum((item.numerator for item in figures.values()), Decimal(0)),
        denominator=sum(
            (item.denominator or Decimal(0) for item in figures.values()), Decimal(0)
        ),
    )


def test_the_share_resolved_within_target_equals_a_count_of_the_complaints(handled):
    source = measure_source_get(KEY)
    assert source is not None and source.measure_unit == "percent"
    country = source.compute(scope("country", "", Q()))
    assert country == counted()
    # Six resolved in the period's cohort, two of them late.
    assert country == Measured(numerator=Decimal(4), denominator=Decimal(6))
    assert source.compute(scope("province", "50", Q(province_id="50"))) == counted(
        holder_province_code="50"
    )
    for district in ("5001", "5002"):
        assert source.compute(
            scope("district", district, Q(district_id=district))
        ) == counted(holder_district_code=district)


def test_the_children_add_up_to_their_parent_at_every_level(handled):
    source = measure_source_get(KEY)
    assert source is not None and source.per_child is not None
    for parent in (
        scope("country", "", Q()),
        scope("province", "50", Q(province_id="50")),
        scope("district", "5001", Q(district_id="5001")),
    ):
        children = source.per_child(parent)
        assert _sum(children) == source.compute(parent)
    by_province = source.per_child(scope("country", "", Q()))
    assert by_province["50"] == counted(holder_province_code="50")
    by_district = source.per_child(scope("province", "50", Q(province_id="50")))
    assert by_district["5001"] == counted(holder_district_code="5001")
    assert by_district["5002"] == counted(holder_district_code="5002")
    # The complaint the provincial office holds is under its own code.
    assert by_district["pao-50"] == counted(office__code="pao-50")
    assert by_district["pao-50"] == Measured(
        numerator=Decimal(1), denominator=Decimal(1)
    )
    by_office = source.per_child(scope("district", "5001", Q(district_id="5001")))
    assert set(by_office) == {"ddc-5001"}


def test_a_period_without_resolved_complaints_measures_nothing(handled):
    source = measure_source_get(KEY)
    assert source is not None and source.per_child is not None
    empty = MeasureScope("country", "", Q(), date(2025, 1, 1), date(2025, 3, 31))
    assert source.compute(empty) == Measured(
        numerator=Decimal(0), denominator=Decimal(0)
    )
    assert source.per_child(empty) == {}
