from datetime import timedelta

import pytest

from saduak.accounts.choices import Role
from saduak.appointments.choices import MobileRequestStatus, MobileVisitStatus
from saduak.appointments.models import MobileRequest
from saduak.appointments.selectors.mobile import mobile_statistics, requests_for
from saduak.appointments.services.mobile import (
    MobileRequestDetails,
    mobile_request_close,
    mobile_request_create,
    mobile_visit_schedule,
)
from saduak.appointments.tests.conftest import TODAY
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.core.thai import fiscal_year_of
from saduak.notifications.models import Notification

pytestmark = pytest.mark.django_db


def details(**changes):
    values = {
        "category": "bedridden",
        "person_name": "นางมา ดี",
        "person_personal_id": "",
        "requester_name": "นายลูก ดี",
        "requester_relation": "ลูก",
        "contact_phone": "081-234-5678",
        "address": "12 หมู่ 3",
        "subdistrict_code": "500101",
        "reason": "ป่วยติดเตียง",
    }
    values.update(changes)
    return MobileRequestDetails(**values)


@pytest.fixture
def district_office(small_map):
    return Office.objects.get(code="do-5001")


def test_anyone_asks_for_a_home_visit_and_gets_an_sms(
    small_map, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = mobile_request_create(details=details(), actor=None)
    assert (request.district_id, request.province_id) == ("5001", "50")
    assert request.contact_phone == "0812345678"
    assert AuditEvent.objects.filter(action="appointments.mobile.request").exists()
    sms = Notification.objects.get(template_key="appointments.mobile.received")
    assert sms.address == "0812345678" and request.token in sms.body


def test_a_landline_contact_is_kept_to_be_called_and_gets_no_sms(
    small_map, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = mobile_request_create(
            details=details(contact_phone="053-123456"), actor=None
        )
    assert request.contact_phone == "053123456"
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subdistrict_code": "999999"}, "subdistrict"),
        ({"contact_phone": ""}, "contact_phone"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"category": "pets"}, "category"),
        ({"person_name": ""}, "person_name"),
        ({"person_personal_id": "1100000000017"}, "person_personal_id"),
    ],
)
def test_bad_requests_are_refused_by_field_and_nothing_is_saved(
    small_map, changes, field
):
    with pytest.raises(InvalidInput) as refused:
        mobile_request_create(details=details(**changes), actor=None)
    assert refused.value.field == field
    assert not MobileRequest.objects.exists()


def test_the_district_plans_a_visit_records_outcomes_and_the_visit_is_done(
    small_map, admin, district_office, django_capture_on_commit_callbacks
):
    first = mobile_request_create(details=details(), actor=None)
    second = mobile_request_create(details=details(category="elderly"), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        visit = mobile_visit_schedule(
            actor=admin,
            office=district_office,
            day=TODAY + timedelta(days=3),
            requests=[first, second],
        )
    assert set(visit.requests.values_list("status", flat=True)) == {"scheduled"}
    assert (
        Notification.objects.filter(
            template_key="appointments.mobile.scheduled"
        ).count()
        == 2
    )
    mobile_request_close(actor=admin, request=first, outcome="served", note="ทำบัตรแล้ว")
    with pytest.raises(InvalidInput):
        mobile_request_close(actor=admin, request=second, outcome="not_served")
    mobile_request_close(
        actor=admin, request=second, outcome="not_served", note="ย้ายไปอยู่ที่อื่น"
    )
    visit.refresh_from_db()
    assert visit.status == MobileVisitStatus.DONE
    with pytest.raises(Conflict):
        mobile_request_close(actor=admin, request=first, outcome="served")
    assert AuditEvent.objects.filter(action="appointments.mobile.close").count() == 2


def test_one_visit_serves_one_subdistrict(small_map, admin, district_office):
    a = mobile_request_create(details=details(), actor=None)
    b = mobile_request_create(details=details(subdistrict_code="500102"), actor=None)
    with pytest.raises(InvalidInput):
        mobile_visit_schedule(
            actor=admin, office=district_office, day=TODAY, requests=[a, b]
        )


def test_another_district_cannot_act_on_or_see_the_requests(small_map, make_staff):
    request = mobile_request_create(details=details(), actor=None)
    elsewhere = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    assert not requests_for(viewer=elsewhere).exists()
    # Another district's request is not found, so a refusal reveals nothing.
    with pytest.raises(NotFound):
        mobile_request_close(actor=elsewhere, request=request, outcome="served")
    request.refresh_from_db()
    assert request.status == "requested"
    counter = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    assert list(requests_for(viewer=counter)) == [request]


def test_statistics_count_requests_by_fiscal_year_category_and_area(
    small_map, make_staff, admin
):
    first = mobile_request_create(details=details(), actor=None)
    mobile_request_create(details=details(category="elderly"), actor=None)
    mobile_request_close(actor=admin, request=first, outcome="served", note="")
    hq = make_staff(Role.HQ_ADMIN, "hq")
    year = fiscal_year_of(TODAY)
    country = mobile_statistics(viewer=hq, fiscal_year=year, level="country")
    assert [(row.key, row.total, row.served) for row in country.rows] == [("50", 2, 1)]
    assert country.total.by_category == {"bedridden": 1, "elderly": 1}
    district = mobile_statistics(
        viewer=admin, fiscal_year=year, level="district", code="5001"
    )
    assert district.total.total == 2
    with pytest.raises(PermissionDeniedError):
        mobile_statistics(viewer=admin, fiscal_year=year, level="country")
    earlier = mobile_statistics(
        viewer=hq, fiscal_year=type(year)(year.be_year - 1), level="country"
    )
    assert earlier.total.total == 0
    assert MobileRequestStatus.SERVED in {r.status for r in MobileRequest.objects.all()}


def test_a_finance_officer_of_the_province_cannot_close_or_schedule_a_request(
    small_map, make_staff
):
    request = mobile_request_create(details=details(), actor=None)
    finance = make_staff(Role.FINANCE_OFFICER, "pao-50")
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError):
        mobile_request_close(actor=finance, request=request, outcome="served")
    with pytest.raises(PermissionDeniedError):
        mobile_visit_schedule(
            actor=finance,
            office=Office.objects.get(code="do-5001"),
            day=TODAY + timedelta(days=1),
            requests=[request],
        )
    request.refresh_from_db()
    assert request.status == MobileRequestStatus.REQUESTED and request.visit is None
    assert AuditEvent.objects.count() == before


def test_an_officer_records_a_request_for_a_citizen_of_their_district_only(
    small_map, make_staff
):
    officer = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    recorded = mobile_request_create(details=details(), actor=officer, for_citizen=True)
    event = AuditEvent.objects.get(action="appointments.mobile.request")
    assert event.actor_id == officer.pk and event.after["for_citizen"] is True
    with pytest.raises(NotFound):
        mobile_request_create(
            details=details(subdistrict_code="500201"),
            actor=officer,
            for_citizen=True,
        )
    assert list(MobileRequest.objects.all()) == [recorded]
