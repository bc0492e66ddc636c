from datetime import date, time

import pytest

from saduak.accounts.choices import Role
from saduak.areas.models import Holiday, Office
from saduak.areas_staff import services
from saduak.areas_staff.services import Period
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(small_map):
    return Office.objects.get(code="reg-5001")


def test_a_district_admin_changes_an_office_of_their_district_and_it_is_audited(
    make_staff, registry
):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")

    services.office_update_contact(office=registry, actor=admin, phone="053 112 233")

    registry.refresh_from_db()
    assert registry.phone == "053 112 233"
    event = AuditEvent.objects.get(action="office.update")
    assert event.actor_id == admin.pk
    assert event.before == {"phone": ""}
    assert event.after == {"phone": "053 112 233"}
    assert (event.office_id, event.district_code, event.province_code) == (
        registry.pk,
        "5001",
        "50",
    )


def test_a_district_admin_cannot_change_an_office_of_another_district(
    make_staff, registry
):
    other_admin = make_staff(Role.DISTRICT_ADMIN, "do-5002")

    with pytest.raises(PermissionDeniedError):
        services.office_update_contact(office=registry, actor=other_admin, phone="000")

    registry.refresh_from_db()
    assert registry.phone == ""
    assert not AuditEvent.objects.filter(action="office.update").exists()


@pytest.mark.parametrize(
    "role,office", [(Role.COUNTER_OFFICER, "reg-5001"), (Role.AUDITOR, "hq")]
)
def test_counter_officers_and_auditors_cannot_change_offices(
    make_staff, registry, role, office
):
    with pytest.raises(PermissionDeniedError):
        services.office_update_contact(
            office=registry, actor=make_staff(role, office), phone="1"
        )


def test_provincial_staff_and_hq_reach_every_office_below_them(make_staff, registry):
    services.office_update_contact(
        office=registry, actor=make_staff(Role.PROVINCIAL_STAFF, "pao-50"), phone="1"
    )
    services.office_update_contact(
        office=registry, actor=make_staff(Role.HQ_ADMIN, "hq"), phone="2"
    )
    registry.refresh_from_db()
    assert registry.phone == "2"


def test_provincial_staff_do_not_reach_another_province(make_staff):
    with pytest.raises(PermissionDeniedError):
        services.office_update_contact(
            office=Office.objects.get(code="reg-1001"),
            actor=make_staff(Role.PROVINCIAL_STAFF, "pao-50"),
            phone="1",
        )


def test_a_bad_email_is_refused_and_nothing_is_saved(make_staff, registry):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    with pytest.raises(InvalidInput) as caught:
        services.office_update_contact(
            office=registry, actor=admin, email="not-an-email"
        )
    assert caught.value.field == "email"
    registry.refresh_from_db()
    assert registry.email == ""


def test_opening_hours_are_replaced_and_audited(make_staff, registry):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    periods = [
        Period(0, time(8, 30), time(12, 0)),
        Period(0, time(13, 0), time(16, 30)),
        Period(5, time(9), time(12)),
    ]

    services.office_set_opening_hours(office=registry, actor=admin, periods=periods)

    assert list(registry.opening_hours.values_list("weekday", "opens", "closes")) == [
        (0, time(8, 30), time(12, 0)),
        (0, time(13, 0), time(16, 30)),
        (5, time(9), time(12)),
    ]
    event = AuditEvent.objects.get(action="office.opening_hours")
    assert len(event.before["periods"]) == 5
    assert len(event.after["periods"]) == 3


@pytest.mark.parametrize(
    "periods,field",
    [
        ([Period(0, time(12), time(8))], "closes"),
        ([Period(0, time(8), time(12)), Period(0, time(11), time(15))], "opens"),
        ([Period(7, time(8), time(12))], "weekday"),
    ],
)
def test_impossible_opening_hours_are_refused_and_the_old_ones_kept(
    make_staff, registry, periods, field
):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    with pytest.raises(InvalidInput) as caught:
        services.office_set_opening_hours(office=registry, actor=admin, periods=periods)
    assert caught.value.field == field
    assert registry.opening_hours.count() == 5


def test_a_counter_is_added_then_renamed(make_staff, registry):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    services.counter_save(office=registry, actor=admin, number=4, label_th="ช่องด่วน")
    services.counter_save(
        office=registry, actor=admin, number=4, label_th="ช่องผู้สูงอายุ", is_active=False
    )
    counter = registry.counters.get(number=4)
    assert (counter.label_th, counter.is_active) == ("ช่องผู้สูงอายุ", False)
    assert AuditEvent.objects.filter(action="counter.save").count() == 2


def test_only_hq_adds_national_holidays(make_staff):
    with pytest.raises(PermissionDeniedError):
        services.holiday_add(
            actor=make_staff(Role.DISTRICT_ADMIN, "do-5001"),
            day=date(2026, 12, 24),
            name_th="x",
        )
    services.holiday_add(
        actor=make_staff(Role.HQ_ADMIN, "hq"),
        day=date(2026, 12, 24),
        name_th="วันหยุดพิเศษ",
    )
    assert Holiday.objects.filter(office__isnull=True, date=date(2026, 12, 24)).exists()


def test_a_second_holiday_on_the_same_day_is_a_conflict(make_staff):
    hq = make_staff(Role.HQ_ADMIN, "hq")
    services.holiday_add(actor=hq, day=date(2026, 12, 24), name_th="หนึ่ง")
    with pytest.raises(Conflict):
        services.holiday_add(actor=hq, day=date(2026, 12, 24), name_th="สอง")
    assert Holiday.objects.filter(date=date(2026, 12, 24)).count() == 1


def test_a_district_admin_closes_their_own_office_for_a_day(make_staff, registry):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    holiday = services.holiday_add(
        actor=admin, day=date(2026, 12, 24), name_th="ปิดปรับปรุง", office=registry
    )
    assert holiday.office == registry
    services.holiday_remove(actor=admin, day=holiday.date, office=registry)
    assert not Holiday.objects.filter(pk=holiday.pk).exists()
    assert AuditEvent.objects.filter(
        action="holiday.remove", office_id=registry.pk
    ).exists()


def test_thai_public_holidays_load_once_in_thai_and_english(small_map):
    added = services.holidays_load_national(years=[2026], actor="test")
    again = services.holidays_load_national(years=[2026], actor="test")
    new_year = Holiday.objects.get(date=date(2026, 1, 1), office__isnull=True)
    assert added >= 15 and again == 0
    assert new_year.name_th == "วันขึ้นปีใหม่"
    assert "New Year" in new_year.name_en
