import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.eservices.choices import ApplicationStatus
from saduak.eservices.models import Attachment
from saduak.eservices.tests.document_fixtures import *  # noqa: F403
from saduak.eservices.tests.document_fixtures import (
    EXE,
    PAGE_OBJECTS,
    PDF,
    PNG,
    pdf_file,
    unused_tcp_address,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def upload(client, application, content=PDF, name="bank.pdf", field="bank_book"):
    return client.post(
        f"/api/v1/eservices/applications/{application.reference}/attachments",
        {"field_key": field, "file": SimpleUploadedFile(name, content)},
    )


def problem(response):
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


def test_the_applicant_uploads_a_document_to_a_draft(application, citizen, client_for):
    response = upload(client_for(citizen), application)
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert response.json() == {
        "id": str(attachment.public_id),
        "field_key": "bank_book",
        "name": "bank.pdf",
        "size": len(PDF),
        "content_type": "application/pdf",
        "scan_status": "not_scanned",
        "uploaded_at": response.json()["uploaded_at"],
    }
    assert AuditEvent.objects.get(action="eservices.attachment.add").actor == citizen


def test_a_renamed_executable_is_refused_with_a_precise_problem(
    application, citizen, client_for
):
    response = upload(client_for(citizen), application, content=EXE, name="bank.pdf")
    assert response.status_code == 400
    details = problem(response)
    assert details["code"] == "file-type"
    assert details["invalid_params"][0]["name"] == "bank_book"
    assert details["allowed_types"] == ["pdf", "jpg", "png"]
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(action="eservices.attachment.add")


def test_a_pdf_with_javascript_is_refused_in_thai_with_what_to_do(
    application, citizen, client_for
):
    content = pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            *PAGE_OBJECTS[1:],
            b"<< /S /JavaScript /JS (app.launchURL('x')) >>",
        ]
    )
    response = client_for(citizen).post(
        f"/api/v1/eservices/applications/{application.reference}/attachments",
        {"field_key": "bank_book", "file": SimpleUploadedFile("b.pdf", content)},
        HTTP_ACCEPT_LANGUAGE="th",
    )
    assert response.status_code == 400
    details = problem(response)
    assert details["code"] == "pdf-active-content"
    assert details["invalid_params"][0]["name"] == "bank_book"
    assert "PDF" in details["title"] and "พิมพ์" in details["title"]
    assert not Attachment.objects.exists()


def test_a_file_over_the_fields_limit_is_refused_with_the_limit(
    application, citizen, client_for
):
    response = upload(client_for(citizen), application, content=PDF + b"\0" * MB)
    assert response.status_code == 400
    details = problem(response)
    assert details["code"] == "file-too-large"
    assert "1 MB" in details["title"]
    assert details["max_bytes"] == MB
    assert not Attachment.objects.exists()


def test_the_site_wide_limit_caps_a_fields_own(
    application, citizen, client_for, settings
):
    settings.ESERVICES_MAX_UPLOAD_MB = 0.5
    response = upload(client_for(citizen), application, content=PDF + b"\0" * (MB // 2))
    assert response.status_code == 400
    assert "0.5 MB" in problem(response)["title"]


def test_a_field_that_is_not_a_document_field_is_refused(
    application, citizen, client_for
):
    for field in ("note", "nothing"):
        response = upload(client_for(citizen), application, field=field)
        assert response.status_code == 400
        assert problem(response)["code"] == "unknown-field"


def test_a_field_takes_no_more_files_than_it_allows(application, citizen, client_for):
    client = client_for(citizen)
    assert upload(client, application).status_code == 201
    assert upload(client, application, content=PNG, name="b.png").status_code == 201
    response = upload(client, application)
    assert response.status_code == 400
    assert problem(response)["code"] == "too-many-files"
    assert Attachment.objects.count() == 2


def test_others_cannot_even_see_the_application(
    application, make_user, make_staff, client_for
):
    for outsider in (make_user(), make_staff(Role.DISTRICT_ADMIN, "do-5001")):
        response = upload(client_for(outsider), application)
        assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_an_officer_in_reach_uploads_to_an_application_in_progress(
    make_application, citizen, make_staff, client_for
):
    application = make_application(citizen, status=ApplicationStatus.IN_PROGRESS)
    assert upload(client_for(citizen), application).status_code == 409
    officer = make_staff(Role.COUNTER_OFFICER, "ddc-1001")
    assert upload(client_for(officer), application).status_code == 201
    assert Attachment.objects.get().uploaded_by == officer


def test_an_unreachable_antivirus_answers_503_with_retry_after(
    application, citizen, client_for, settings
):
    settings.CLAMD_ADDRESS = unused_tcp_address()
    response = upload(client_for(citizen), application)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert problem(response)["code"] == "scanner-unavailable"


def test_uploading_needs_a_signed_in_caller(application):
    response = upload(Client(), application)
    assert response.status_code == 401


def test_an_officer_downloads_through_the_api_and_is_audited(
    application, citizen, make_staff, client_for
):
    upload(client_for(citizen), application)
    attachment = Attachment.objects.get()
    officer = make_staff(Role.DISTRICT_ADMIN, "do-1001")
    address = f"/api/v1/eservices/attachments/{attachment.public_id}"
    response = client_for(officer).get(address)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    audit = AuditEvent.objects.get(action="eservices.attachment.download")
    assert audit.actor == officer and audit.after["purpose"] == "api"
    outsider = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    refused = client_for(outsider).get(address)
    assert refused.status_code == 404 and problem(refused)["code"] == "not-found"
    assert Client().get(address).status_code == 401
    by_id = client_for(officer).get(f"/api/v1/eservices/attachments/{attachment.pk}")
    assert by_id.status_code == 400  # not a public id at all
