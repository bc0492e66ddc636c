from datetime import timedelta

import pytest
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.areas.models import Subdistrict
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.social.choices import Domain, HouseholdStatus, SourceKind
from saduak.social.models import (
    CommunityForum,
    ServiceRecord,
    TargetHousehold,
    TargetingCounts,
)
from saduak.social.services import targeting as services
from saduak.social.tests import targeting_setup as setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_staff):
    return make_staff(Role.SOCIAL_WORKER, "do-5001")


@pytest.fixture
def found(small_map):
    household = setup.household(sources=(SourceKind.BASIC_NEEDS, SourceKind.FAMILY))
    setup.rebuild()
    return household


@pytest.fixture
def forum(worker):
    return setup.forum(recorded_by=worker)


def counts(dimension=""):
    row = TargetingCounts.objects.get(subdistrict_id="500101", dimension=dimension)
    return (row.found, row.confirmed, row.removed, row.selected, row.served)


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_social_worker_records_a_forum_with_its_date_and_minutes(small_map, worker):
    rules = setup.rule_set()
    subdistrict = Subdistrict.objects.get(code="500101")
    held_on = timezone.localdate() - timedelta(days=2)
    forum = services.forum_record(
        rule_set=rules,
        subdistrict=subdistrict,
        held_on=held_on,
        minutes="  ประชาคมหมู่ 3 รับรอง 12 ครัวเรือน  ",
        attendees=40,
        actor=worker,
    )
    assert forum.minutes == "ประชาคมหมู่ 3 รับรอง 12 ครัวเรือน"
    assert (forum.district_code, forum.province_code) == ("5001", "50")
    [event] = events("social.forum.record")
    assert event.actor_id == worker.pk
    assert event.district_code == "5001"
    assert event.after["held_on"] == held_on.isoformat()
    assert event.after["attendees"] == 40


def test_a_forum_in_the_future_or_without_minutes_is_refused(small_map, worker):
    rules = setup.rule_set()
    subdistrict = Subdistrict.objects.get(code="500101")
    with pytest.raises(InvalidInput) as error:
        services.forum_record(
            rule_set=rules,
            subdistrict=subdistrict,
            held_on=timezone.localdate() + timedelta(days=1),
            minutes="x",
            actor=worker,
        )
    assert error.value.field == "held_on"
    with pytest.raises(InvalidInput) as error:
        services.forum_record(
            rule_set=rules,
            subdistrict=subdistrict,
            held_on=timezone.localdate(),
            minutes="   ",
            actor=worker,
        )
    assert error.value.field == "minutes"
    assert not CommunityForum.objects.exists()
    assert not events("social.forum.record")


def test_a_social_worker_of_another_district_cannot_record_its_forum(
    small_map, make_staff
):
    away = make_staff(Role.SOCIAL_WORKER, "do-5002")
    with pytest.raises(NotFound):
        services.forum_record(
            rule_set=setup.rule_set(),
            subdistrict=Subdistrict.objects.get(code="500101"),
            held_on=timezone.localdate(),
            minutes="ประชุม",
            actor=away,
        )
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    with pytest.raises(PermissionDeniedError):
        services.forum_record(
            rule_set=setup.rule_set(),
            subdistrict=Subdistrict.objects.get(code="500101"),
            held_on=timezone.localdate(),
            minutes="ประชุม",
            actor=provincial,
        )
    assert not CommunityForum.objects.exists()


def test_confirming_a_household_cites_the_forum_and_moves_the_counts(
    found, forum, worker
):
    assert counts() == (1, 0, 0, 0, 0)
    services.household_confirm(household=found, forum=forum, actor=worker)
    found.refresh_from_db()
    assert found.status == HouseholdStatus.CONFIRMED
    assert found.forum == forum
    assert found.decided_by == worker
    assert counts() == (1, 1, 0, 0, 0)
    assert counts("source:family") == (1, 1, 0, 0, 0)
    [event] = events("social.household.confirm")
    assert event.before["status"] == "found"
    assert event.after == {
        "status": "confirmed",
        "forum": str(forum.public_id),
        "forum_held_on": forum.held_on.isoformat(),
        "reason": "",
    }
    assert event.district_code == "5001"
    assert setup.rebuild() == 0


def test_removing_needs_a_reason_and_a_forum_of_the_households_subdistrict(
    found, forum, worker
):
    with pytest.raises(InvalidInput) as error:
        services.household_remove(
            household=found, forum=forum, reason=" ", actor=worker
        )
    assert error.value.field == "reason"
    other = setup.forum("500102", recorded_by=worker)
    with pytest.raises(InvalidInput) as error:
        services.household_confirm(household=found, forum=other, actor=worker)
    assert error.value.field == "forum"
    found.refresh_from_db()
    assert found.status == HouseholdStatus.FOUND
    assert counts() == (1, 0, 0, 0, 0)
    assert not events("social.household.remove")
    assert not events("social.household.confirm")


def test_a_decision_changes_while_the_household_is_not_selected(found, forum, worker):
    services.household_confirm(household=found, forum=forum, actor=worker)
    later = setup.forum(recorded_by=worker)
    services.household_remove(
        household=found, forum=later, reason="ย้ายออกนอกพื้นที่", actor=worker
    )
    found.refresh_from_db()
    assert found.status == HouseholdStatus.REMOVED
    assert found.removal_reason == "ย้ายออกนอกพื้นที่"
    assert counts() == (1, 0, 1, 0, 0)
    [event] = events("social.household.remove")
    assert event.before["status"] == "confirmed"
    assert event.before["forum"] == str(forum.public_id)
    assert event.after["forum"] == str(later.public_id)
    assert event.after["reason"] == "ย้ายออกนอกพื้นที่"
    services.household_confirm(household=found, forum=later, actor=worker)
    found.refresh_from_db()
    assert found.removal_reason == ""
    assert counts() == (1, 1, 0, 0, 0)
    assert len(events("social.household.confirm")) == 2
    assert setup.rebuild() == 0


def test_the_same_decision_twice_writes_nothing_more(found, forum, worker):
    services.household_confirm(household=found, forum=forum, actor=worker)
    services.household_confirm(household=found, forum=forum, actor=worker)
    assert len(events("social.household.confirm")) == 1
    assert counts() == (1, 1, 0, 0, 0)


def test_a_selected_household_keeps_its_decision(found, forum, worker):
    services.household_confirm(household=found, forum=forum, actor=worker)
    services.household_select(household=found, actor=worker)
    found.refresh_from_db()
    assert found.status == HouseholdStatus.SELECTED
    assert counts() == (1, 1, 0, 1, 0)
    [event] = events("social.household.select")
    assert event.before == {"status": "confirmed"}
    assert event.after == {"status": "selected"}
    with pytest.raises(Conflict):
        services.household_remove(
            household=found, forum=forum, reason="ไม่เข้าเกณฑ์", actor=worker
        )
    found.refresh_from_db()
    assert found.status == HouseholdStatus.SELECTED
    assert not events("social.household.remove")
    assert setup.rebuild() == 0


def test_only_a_confirmed_household_is_selected(found, worker):
    with pytest.raises(Conflict):
        services.household_select(household=found, actor=worker)
    found.refresh_from_db()
    assert found.status == HouseholdStatus.FOUND
    assert not events("social.household.select")
    assert counts() == (1, 0, 0, 0, 0)


def test_a_service_marks_the_household_served_once_and_counts_its_domain(
    found, forum, worker
):
    services.household_confirm(household=found, forum=forum, actor=worker)
    agency = setup.agency()
    today = timezone.localdate()
    services.service_record(
        household=found,
        domain=Domain.HEALTH,
        description="ส่งต่อรับการรักษาที่โรงพยาบาล",
        provided_on=today,
        agency=agency,
        actor=worker,
    )
    found.refresh_from_db()
    first_served = found.served_at
    assert first_served is not None
    assert counts() == (1, 1, 0, 0, 1)
    assert counts("domain:health") == (0, 0, 0, 0, 1)
    services.service_record(
        household=found,
        domain=Domain.HEALTH,
        description="เยี่ยมบ้าน",
        provided_on=today,
        actor=worker,
    )
    services.service_record(
        household=found,
        domain=Domain.HOUSING,
        description="ซ่อมแซมบ้าน",
        provided_on=today,
        actor=worker,
    )
    found.refresh_from_db()
    assert found.served_at == first_served
    assert counts() == (1, 1, 0, 0, 1)
    assert counts("domain:health") == (0, 0, 0, 0, 1)
    assert counts("domain:housing") == (0, 0, 0, 0, 1)
    assert ServiceRecord.objects.filter(household=found).count() == 3
    recorded = events("social.service.record")
    assert len(recorded) == 3
    assert recorded[0].after["agency"] == "pmj"
    assert recorded[0].after["first_service"] is True
    assert recorded[1].after["first_service"] is False
    assert setup.rebuild() == 0


def test_a_service_is_refused_before_the_forum_confirms(found, worker):
    with pytest.raises(Conflict):
        services.service_record(
            household=found,
            domain=Domain.HEALTH,
            description="ตรวจสุขภาพ",
            provided_on=timezone.localdate(),
            actor=worker,
        )
    assert not ServiceRecord.objects.exists()
    assert not events("social.service.record")


def test_a_service_with_a_bad_domain_date_or_agency_is_refused(found, forum, worker):
    services.household_confirm(household=found, forum=forum, actor=worker)
    today = timezone.localdate()
    bad = [
        ({"domain": "magic"}, "domain"),
        ({"description": " "}, "description"),
        ({"provided_on": today + timedelta(days=1)}, "provided_on"),
        ({"agency": setup.agency("gone", active=False)}, "agency"),
    ]
    for change, field in bad:
        arguments = {
            "household": found,
            "domain": Domain.HEALTH,
            "description": "ตรวจสุขภาพ",
            "provided_on": today,
            "actor": worker,
            **change,
        }
        with pytest.raises(InvalidInput) as error:
            services.service_record(**arguments)
        assert error.value.field == field
    assert not ServiceRecord.objects.exists()
    assert not events("social.service.record")
    assert TargetHousehold.objects.get(pk=found.pk).served_at is None


def test_a_district_admin_decides_but_a_provincial_officer_does_not(
    found, forum, make_staff
):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    services.household_confirm(household=found, forum=forum, actor=admin)
    provincial = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    with pytest.raises(PermissionDeniedError):
        services.household_select(household=found, actor=provincial)
    found.refresh_from_db()
    assert found.status == HouseholdStatus.CONFIRMED
    assert not events("social.household.select")


def test_the_recount_repairs_drift_and_then_finds_nothing(found, forum, worker):
    services.household_confirm(household=found, forum=forum, actor=worker)
    TargetingCounts.objects.filter(dimension="").update(confirmed=7)
    TargetingCounts.objects.filter(dimension="source:family").delete()
    assert services.targeting_counts_recount() == 2
    assert counts() == (1, 1, 0, 0, 0)
    assert counts("source:family") == (1, 1, 0, 0, 0)
    assert services.targeting_counts_recount() == 0
