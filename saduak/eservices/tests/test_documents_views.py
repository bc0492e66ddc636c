import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.uploads import crypto
from saduak.eservices.documents.services import attachment_store, attachments_rewrap
from saduak.eservices.tests.document_fixtures import *  # noqa: F403
from saduak.eservices.tests.document_fixtures import (
    KEY_ONE,
    KEY_TWO,
    PDF,
)

pytestmark = pytest.mark.django_db

NAME = "ใบรับรองแพทย์ 2567.pdf"


@pytest.fixture
def attachment(application, citizen):
    return attachment_store(
        application=application,
        field_key="bank_book",
        upload=SimpleUploadedFile(NAME, PDF, "application/pdf"),
        allowed_types=["pdf"],
        max_bytes=1024 * 1024,
        actor=citizen,
    )


def url(attachment) -> str:
    return f"/eservices/documents/attachments/{attachment.public_id}/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_officer_in_reach_downloads_the_original_bytes_and_is_audited(
    attachment, make_staff, client_for
):
    officer = make_staff(Role.DISTRICT_ADMIN, "do-1001")
    response = client_for(officer).get(url(attachment))
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    cache = response["Cache-Control"]
    assert "private" in cache and "no-store" in cache
    audit = AuditEvent.objects.get(action="eservices.attachment.download")
    assert audit.actor == officer and audit.target_id == str(attachment.pk)
    assert audit.after["purpose"] == "download"


def test_an_officer_of_another_district_is_answered_not_found_and_nothing_audited(
    attachment, make_staff, client_for
):
    outsider = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    response = client_for(outsider).get(url(attachment))
    assert response.status_code == 404
    assert PDF[:20] not in response.content
    assert not AuditEvent.objects.filter(action="eservices.attachment.download")


def test_the_applicant_downloads_their_own_document(attachment, citizen, client_for):
    response = client_for(citizen).get(url(attachment))
    assert response.status_code == 200 and body(response) == PDF


def test_another_citizen_is_answered_not_found(attachment, make_user, client_for):
    assert client_for(make_user()).get(url(attachment)).status_code == 404


def test_a_document_is_never_addressed_by_its_sequential_id(
    attachment, citizen, client_for
):
    client = client_for(citizen)
    by_id = client.get(f"/eservices/documents/attachments/{attachment.pk}/")
    assert by_id.status_code == 404
    assert str(attachment.pk) not in url(attachment).split("/")


def test_an_anonymous_visitor_is_sent_to_sign_in(attachment):
    response = Client().get(url(attachment))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"] and "next=" in response["Location"]


def test_an_unknown_or_removed_document_is_not_found(attachment, citizen, client_for):
    client = client_for(citizen)
    unknown = "/eservices/documents/attachments/00000000-0000-4000-8000-000000000000/"
    assert client.get(unknown).status_code == 404
    attachment.__class__.objects.filter(pk=attachment.pk).update(
        removed_at=attachment.uploaded_at
    )
    assert client.get(url(attachment)).status_code == 404


def test_the_stored_file_is_not_the_plaintext(attachment, private_root):
    (on_disk,) = [path for path in private_root.rglob("*") if path.is_file()]
    raw = on_disk.read_bytes()
    assert raw != PDF and PDF[:32] not in raw and b"%PDF" not in raw
    assert on_disk.relative_to(private_root).as_posix() == attachment.storage_name


def test_a_tampered_file_never_streams_unauthenticated_bytes(
    application, citizen, client_for, private_root, make_staff
):
    content = PDF + bytes(3 * crypto.CHUNK_SIZE)
    attachment = attachment_store(
        application=application,
        field_key="bank_book",
        upload=SimpleUploadedFile("big.pdf", content),
        allowed_types=["pdf"],
        max_bytes=1024 * 1024,
        actor=citizen,
    )
    (on_disk,) = [path for path in private_root.rglob("*") if path.is_file()]
    sealed = on_disk.read_bytes()
    client = client_for(citizen)
    # Damage at the end: the stream stops at that chunk.
    on_disk.write_bytes(sealed[:-3] + bytes([sealed[-3] ^ 1]) + sealed[-2:])
    response = client.get(url(attachment))
    with pytest.raises(crypto.DecryptionError):
        body(response)
    # Damage at the start: nothing is sent and no download is audited.
    start = crypto.HEADER.size + 5
    on_disk.write_bytes(
        sealed[:start] + bytes([sealed[start] ^ 1]) + sealed[start + 1 :]
    )
    officer = make_staff(Role.DISTRICT_ADMIN, "do-1001")
    with pytest.raises(crypto.DecryptionError):
        client_for(officer).get(url(attachment))
    assert not AuditEvent.objects.filter(action="eservices.attachment.download")


def test_after_a_key_rotation_old_files_still_open(
    attachment, citizen, client_for, settings
):
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO},one:{KEY_ONE}"
    assert attachments_rewrap() == 1
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO}"
    response = client_for(citizen).get(url(attachment))
    assert body(response) == PDF
    assert AuditEvent.objects.filter(action="eservices.attachment.rewrap").exists()
