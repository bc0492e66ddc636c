import pytest

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.areas_staff.services import office_update_contact
from saduak.audit_staff.selectors import audit_events_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes_in_two_districts(small_map, make_staff):
    hq = make_staff(Role.HQ_ADMIN, "hq")
    for code in ("reg-5001", "reg-5002", "reg-1001"):
        office_update_contact(
            office=Office.objects.get(code=code), actor=hq, phone=code
        )


def offices_seen(user):
    return sorted(
        Office.objects.get(pk=e.office_id).code
        for e in audit_events_visible_to(user=user, action="office.update")
    )


def test_a_district_admin_sees_only_their_districts_events(
    changes_in_two_districts, make_staff
):
    assert offices_seen(make_staff(Role.DISTRICT_ADMIN, "do-5001")) == ["reg-5001"]


def test_a_counter_officer_sees_only_their_office(changes_in_two_districts, make_staff):
    assert offices_seen(make_staff(Role.COUNTER_OFFICER, "do-5002")) == []
    assert offices_seen(make_staff(Role.COUNTER_OFFICER, "reg-5002")) == ["reg-5002"]


def test_provincial_staff_see_their_province(changes_in_two_districts, make_staff):
    assert offices_seen(make_staff(Role.PROVINCIAL_STAFF, "pao-50")) == [
        "reg-5001",
        "reg-5002",
    ]


def test_auditors_see_everything(changes_in_two_districts, make_staff):
    assert offices_seen(make_staff(Role.AUDITOR, "hq")) == [
        "reg-1001",
        "reg-5001",
        "reg-5002",
    ]


def test_events_without_a_place_are_for_those_who_reach_everything(
    changes_in_two_districts, make_staff
):
    district_admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    assert not audit_events_visible_to(
        user=district_admin, action="areas.sync"
    ).exists()
    assert audit_events_visible_to(
        user=make_staff(Role.AUDITOR, "hq"), action="areas.sync"
    ).exists()


def test_a_citizen_sees_no_events(changes_in_two_districts, citizen):
    assert not audit_events_visible_to(user=citizen).exists()
