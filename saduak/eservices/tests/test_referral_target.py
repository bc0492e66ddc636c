import pytest

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.errors import NotFound, PermissionDeniedError
from saduak.core.referral_targets import referral_target
from saduak.eservices.models import Application, Service

pytestmark = pytest.mark.django_db


def open_service():
    service = Service.objects.filter(
        is_active=True, versions__status="published"
    ).first()
    if service is None:
        pytest.skip("no published e-service in the test database")
    return service


def test_the_target_lists_the_open_services(small_map):
    service = open_service()
    codes = [item.code for item in referral_target().services()]
    assert service.code in codes


def test_an_application_is_started_through_the_referral_channel(make_staff, make_user):
    service = open_service()
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    citizen = make_user()
    office = Office.objects.get(code="do-5001")
    assert referral_target().office_takes(service.code, office)
    reference = referral_target().start(
        service_code=service.code,
        applicant=citizen,
        office=office,
        actor=admin,
        referral_agency="สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด",
    )
    application = Application.objects.get(reference=reference)
    assert (application.channel, application.applicant, application.recorded_by) == (
        "referral",
        citizen,
        admin,
    )
    assert AuditEvent.objects.filter(action="eservices.application.start").count() == 1


def test_an_officer_without_record_for_citizen_is_refused(make_staff, make_user):
    service = open_service()
    worker = make_staff(Role.SOCIAL_WORKER, "do-5001")
    with pytest.raises((PermissionDeniedError, NotFound)):
        referral_target().start(
            service_code=service.code,
            applicant=make_user(),
            office=Office.objects.get(code="do-5001"),
            actor=worker,
            referral_agency="x",
        )
    assert not Application.objects.exists()


def test_an_unknown_service_is_not_found(make_staff, make_user):
    with pytest.raises(NotFound):
        referral_target().start(
            service_code="no-such-service",
            applicant=make_user(),
            office=Office.objects.get(code="do-5001"),
            actor=make_staff(Role.DISTRICT_ADMIN, "do-5001"),
            referral_agency="x",
        )
