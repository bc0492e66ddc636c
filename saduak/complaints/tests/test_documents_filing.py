"""Files through the complaint services (intake and handling call
services/uploads_hook.py): stored with the filing or the answer, and a
refused file refuses the whole filing with nothing stored, no row and no
object in the storage."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from saduak.audit.models import AuditEvent
from saduak.complaints.choices import EventKind
from saduak.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent
from saduak.complaints.services.handling import complaint_answer
from saduak.complaints.tests.factories import file_complaint
from saduak.complaints.tests.test_documents import (
    EXE,
    JPG,
    PDF,
    PNG,
    WEBP,
    in_english,
    private_root,
    read,
    stored_files,
    unused_tcp_address,
)
from saduak.core.errors import InvalidInput
from saduak.core.uploads.antivirus import ScannerUnavailable
from saduak.notifications.models import Notification

__all__ = ["in_english", "private_root"]  # autouse fixtures of this module too


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def nothing_stored(root: Any) -> None:
    assert not Complaint.objects.exists()
    assert not ComplaintAttachment.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="complaint.").exists()
    assert not stored_files(root)


@pytest.mark.django_db
def test_a_filing_stores_its_photos_with_the_filed_event(
    category, citizen, private_root
):
    complaint = file_complaint(
        category=category,
        citizen=citizen,
        uploads=[upload("หลุม.jpg", JPG), upload("scan.pdf", PDF), upload("b", WEBP)],
    )
    attachments = list(complaint.attachments.order_by("id"))
    assert [a.original_name for a in attachments] == ["หลุม.jpg", "scan.pdf", "b.webp"]
    filed = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.FILED)
    assert {a.event_id for a in attachments} == {filed.pk}
    assert all(a.is_public and a.uploaded_by == citizen for a in attachments)
    assert len(stored_files(private_root)) == 3
    assert read(attachments[0], actor=citizen) == JPG
    assert AuditEvent.objects.filter(action="complaint.document_add").count() == 3


@pytest.mark.django_db
def test_someone_not_signed_in_files_photos_too(category, private_root):
    complaint = file_complaint(category=category, uploads=[upload("a.png", PNG)])
    [attachment] = complaint.attachments.all()
    assert attachment.uploaded_by is None
    assert read(attachment, actor=None, tracking_token=complaint.tracking_token) == PNG
    audit = AuditEvent.objects.get(action="complaint.document_add")
    assert audit.actor is None and audit.actor_label == "complainant"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([("photo.jpg", EXE)], "file-type"),  # a renamed executable
        ([("a.jpg", JPG), ("virus.pdf", EXE)], "file-type"),
        ([(f"{n}.png", PNG) for n in range(6)], "too-many-files"),
        ([("big.pdf", PDF + b"\n" * (10 * 1024 * 1024))], "file-too-large"),
        ([("cut.png", PNG[:40])], "file-unreadable"),
    ],
)
def test_a_bad_file_refuses_the_filing_and_nothing_is_stored(
    category, citizen, private_root, files, code
):
    with pytest.raises(InvalidInput) as refused:
        file_complaint(
            category=category,
            citizen=citizen,
            uploads=[upload(name, content) for name, content in files],
        )
    assert refused.value.code == code
    assert refused.value.field == "uploads"
    nothing_stored(private_root)


@pytest.mark.django_db
def test_the_refusal_names_the_file_in_thai(category, citizen, private_root):
    with translation.override("th"), pytest.raises(InvalidInput) as refused:
        file_complaint(
            category=category,
            citizen=citizen,
            uploads=[upload("a.jpg", JPG), upload("โปรแกรม.jpg", EXE)],
        )
    assert str(refused.value.message).startswith("“โปรแกรม.jpg”: ")
    nothing_stored(private_root)


@pytest.mark.django_db
def test_an_antivirus_that_stops_answering_refuses_the_filing_without_a_file_left(
    category, citizen, private_root, settings
):
    settings.CLAMD_ADDRESS = unused_tcp_address()
    with pytest.raises(ScannerUnavailable):
        file_complaint(
            category=category,
            citizen=citizen,
            uploads=[upload("a.jpg", JPG), upload("b.png", PNG)],
        )
    nothing_stored(private_root)


@pytest.mark.django_db
def test_an_officers_answer_carries_its_files(category, citizen, officer, private_root):
    complaint = file_complaint(category=category, citizen=citizen)
    complaint_answer(
        complaint=complaint,
        officer=officer,
        text="เราได้ส่งช่างไปซ่อมแล้ว ดูรูปที่แนบ",
        uploads=[upload("fixed.jpg", JPG)],
    )
    [attachment] = complaint.attachments.all()
    assert attachment.event.kind == EventKind.ANSWER
    assert attachment.uploaded_by == officer
    assert read(attachment, actor=citizen) == JPG


@pytest.mark.django_db
def test_a_refused_answer_file_leaves_the_complaint_as_it_was(
    category, citizen, officer, private_root
):
    complaint = file_complaint(category=category, citizen=citizen)
    events = ComplaintEvent.objects.count()
    with pytest.raises(InvalidInput):
        complaint_answer(
            complaint=complaint,
            officer=officer,
            text="ดูไฟล์แนบ",
            uploads=[upload("fixed.jpg", JPG), upload("setup.pdf", EXE)],
        )
    assert ComplaintEvent.objects.count() == events
    assert not ComplaintAttachment.objects.exists()
    assert not stored_files(private_root)
