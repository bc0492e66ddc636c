"""Removing documents once an application came back from the officers, and
documents an officer uploads while recording an application for a citizen."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.core.errors import Conflict
from saduak.eservices.choices import Action, Channel
from saduak.eservices.demo import DEMO_PDF
from saduak.eservices.documents.services import attachment_remove, attachment_store
from saduak.eservices.models import Application, Attachment, Service
from saduak.eservices.services.applications import (
    application_act,
    application_save,
    application_start,
    application_submit,
)
from saduak.eservices.tests.conftest import complete_answers

pytestmark = pytest.mark.django_db


def upload(
    application: Application, actor: User, field: str = "bank_book"
) -> Attachment:
    return attachment_store(
        application=application,
        field_key=field,
        upload=SimpleUploadedFile("doc.pdf", DEMO_PDF, "application/pdf"),
        allowed_types=["pdf"],
        max_bytes=1024 * 1024,
        actor=actor,
    )


def test_after_a_return_only_the_new_documents_can_be_removed(
    low_income: Service, citizen: User, district_office: Office, officer: User
) -> None:
    application = application_start(
        service=low_income, applicant=citizen, office=district_office, actor=citizen
    )
    application_save(
        application=application, values=complete_answers(citizen), actor=citizen
    )
    received = upload(application, citizen)
    application_submit(application=application, actor=citizen)
    returned = application_act(
        application=application,
        action=Action.RETURN,
        actor=officer,
        message="ขอหน้าสมุดบัญชีที่ชัดกว่านี้",
    )
    with pytest.raises(Conflict) as refused:
        attachment_remove(attachment=received, actor=citizen)
    assert refused.value.code == "document-received"
    clearer = upload(returned, citizen)
    assert attachment_remove(attachment=clearer, actor=citizen).removed_at is not None


def test_the_officer_recording_an_application_removes_what_they_uploaded(
    low_income: Service, citizen: User, district_office: Office, officer: User
) -> None:
    application = application_start(
        service=low_income,
        applicant=citizen,
        office=district_office,
        actor=officer,
        channel=Channel.COUNTER,
    )
    mistaken = upload(application, officer)
    assert attachment_remove(attachment=mistaken, actor=officer).removed_at is not None
