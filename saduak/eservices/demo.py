"""Demo applications for the local demo: the demo citizen's subsidy applications
at every step, so the tracking page, the officers' queue, the committee and the
payment batch all have something to show. Made through the same services as
real ones."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.eservices.choices import Action, IdentityCheckMethod
from saduak.eservices.documents.services import attachment_store
from saduak.eservices.models import Application, Service
from saduak.eservices.samples import sample_answers
from saduak.eservices.services.applications import (
    application_act,
    application_save,
    application_start,
    application_submit,
    fact_check_record,
)

LOW_INCOME = "low-income-family-assistance"
# A one-page PDF: what a photographed bank book saved as PDF starts like.
DEMO_PDF = one_page_pdf()


def _submitted(service: Service, applicant: User, office: Office) -> Application:
    application = application_start(
        service=service, applicant=applicant, office=office, actor=applicant
    )
    application_save(
        application=application, values=sample_answers(applicant), actor=applicant
    )
    attachment_store(
        application=application,
        field_key="bank_book",
        upload=SimpleUploadedFile("bank-book.pdf", DEMO_PDF, "application/pdf"),
        allowed_types=["pdf", "jpg", "png"],
        max_bytes=10 * 1024 * 1024,
        actor=applicant,
    )
    return application_submit(application=application, actor=applicant)


def _checked(application: Application, officer: User) -> Application:
    application = application_act(
        application=application, action=Action.FORWARD, actor=officer
    )
    fact_check_record(
        application=application,
        actor=officer,
        identity_method=IdentityCheckMethod.SMART_CARD,
        identity_confirmed=True,
        visited_on=timezone.localdate(),
        household_size=4,
        monthly_income=Decimal("2400"),
        findings="บ้านเช่าไม้ชั้นเดียว สามีป่วยติดเตียง ผู้ยื่นคำขอรับจ้างรายวัน",
        recommendation="สมควรได้รับการช่วยเหลือ",
    )
    return application_act(
        application=application, action=Action.FORWARD, actor=officer
    )


def seed_demo_eservices(
    *, citizen: User, officer: User, district_admin: User
) -> list[str]:
    """The demo citizen's applications at intake, returned, at the committee and
    approved (waiting for the payment batch). Does nothing when the citizen
    already has applications. Returns lines for the demo's printout."""
    if Application.objects.filter(applicant=citizen).exists():
        return []
    service = Service.objects.get(code=LOW_INCOME)
    office = Office.objects.get(code="do-5001")
    at_intake = _submitted(service, citizen, office)
    returned = application_act(
        application=_submitted(service, citizen, office),
        action=Action.RETURN,
        actor=officer,
        message="กรุณาแนบรูปถ่ายสภาพบ้าน ด้านหน้าและด้านใน",
    )
    at_committee = _checked(_submitted(service, citizen, office), officer)
    approved = application_act(
        application=_checked(_submitted(service, citizen, office), officer),
        action=Action.APPROVE,
        actor=district_admin,
        amount=Decimal("3000"),
    )
    return [
        f"  at intake             /eservices/applications/{at_intake.reference}/",
        f"  returned to citizen   /eservices/applications/{returned.reference}/",
        f"  at the committee      /eservices/applications/{at_committee.reference}/",
        f"  approved, to be paid  /eservices/applications/{approved.reference}/",
    ]
