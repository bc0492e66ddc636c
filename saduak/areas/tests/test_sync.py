from dataclasses import replace

import pytest

from conftest import SMALL_MAP
from saduak.areas.models import (
    Counter,
    District,
    Office,
    OpeningHours,
    Province,
    Subdistrict,
)
from saduak.areas.sync import areas_sync
from saduak.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_whole_country_loads_from_geothai_with_every_office():
    report = areas_sync(actor="test")

    assert Province.objects.filter(is_active=True).count() == 77
    assert District.objects.filter(is_active=True).count() == 928
    assert Subdistrict.objects.filter(is_active=True).count() == 7436
    assert District.objects.filter(is_active=False).exists()  # abolished, kept
    assert Office.objects.filter(kind="headquarters").count() == 1
    assert Office.objects.filter(kind="provincial_office").count() == 77
    for kind in ("district_office", "district_registry", "damrongdham_center"):
        assert Office.objects.filter(kind=kind, is_active=True).count() == 928
    assert report.levels["office"].created == 1 + 77 + 3 * 928


def test_loading_the_map_twice_changes_and_duplicates_nothing():
    areas_sync(actor="test")
    counts = [
        model.objects.count()
        for model in (Province, District, Subdistrict, Office, OpeningHours, Counter)
    ]
    events = AuditEvent.objects.count()

    report = areas_sync(actor="test")

    assert not report.changed
    assert [
        model.objects.count()
        for model in (Province, District, Subdistrict, Office, OpeningHours, Counter)
    ] == counts
    assert AuditEvent.objects.count() == events


def test_a_renamed_district_is_updated_with_its_offices(small_map):
    renamed = [
        replace(row, name_th="เมืองเชียงใหม่ใหม่") if row.code == "5001" else row
        for row in SMALL_MAP
    ]

    report = areas_sync(actor="test", rows=renamed)

    assert District.objects.get(code="5001").name_th == "เมืองเชียงใหม่ใหม่"
    assert Office.objects.get(code="do-5001").name_th == "ที่ว่าการอำเภอเมืองเชียงใหม่ใหม่"
    assert report.levels["district"].updated == 1
    assert report.levels["office"].updated == 3


def test_an_area_that_disappears_is_marked_inactive_never_deleted(small_map):
    without_chom_thong = [row for row in SMALL_MAP if not row.code.startswith("5002")]

    report = areas_sync(actor="test", rows=without_chom_thong)

    district = District.objects.get(code="5002")
    assert district.is_active is False
    assert Subdistrict.objects.get(code="500201").is_active is False
    assert Office.objects.get(code="do-5002").is_active is False
    assert report.levels["district"].deactivated == 1
    assert report.levels["subdistrict"].deactivated == 1


def test_every_district_gets_its_three_offices_under_the_provincial_office(small_map):
    offices = Office.objects.filter(district_id="5001").order_by("code")
    assert [o.code for o in offices] == ["ddc-5001", "do-5001", "reg-5001"]
    provincial = Office.objects.get(code="pao-50")
    assert all(o.parent_id == provincial.pk for o in offices)
    assert provincial.parent == Office.objects.get(code="hq")
    assert all(o.province_id == "50" for o in offices)


def test_bangkok_offices_are_named_for_khet_not_amphoe(small_map):
    assert Office.objects.get(code="do-1001").name_th == "สำนักงานเขตพระนคร"
    assert Office.objects.get(code="reg-1001").name_th == "สำนักทะเบียนเขตพระนคร"
    assert Office.objects.get(code="pao-10").name_th == "ที่ทำการปกครองกรุงเทพมหานคร"
    assert Office.objects.get(code="do-5001").name_th == "ที่ว่าการอำเภอเมืองเชียงใหม่"


def test_new_offices_open_monday_to_friday_with_counters(small_map):
    registry = Office.objects.get(code="reg-5001")
    assert sorted(registry.opening_hours.values_list("weekday", flat=True)) == [
        0,
        1,
        2,
        3,
        4,
    ]
    assert registry.counters.count() == 3


def test_a_load_that_changes_something_is_audited(small_map):
    event = AuditEvent.objects.get(action="areas.sync")
    assert event.actor_label == "test"
    assert event.after["province"]["created"] == 2
