import hashlib
import os
import tracemalloc
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.core.uploads import crypto
from saduak.core.uploads.antivirus import ScannerUnavailable, ScanStatus
from saduak.core.uploads.store import clean_file_name
from saduak.eservices.choices import ApplicationStatus, EventKind
from saduak.eservices.documents import services
from saduak.eservices.documents.services import (
    attachment_open,
    attachment_remove,
    attachment_store,
    attachments_rewrap,
)
from saduak.eservices.models import ApplicationEvent, Attachment
from saduak.eservices.tests.document_fixtures import *  # noqa: F403
from saduak.eservices.tests.document_fixtures import (
    EICAR,
    EXE,
    KEY_ONE,
    KEY_TWO,
    PDF,
    PNG,
    clamd_stub,
    png_of_one_colour,
    unused_tcp_address,
)

MB = 1024 * 1024


def store(application, actor, content=PDF, name="bank-book.pdf", **options):
    options.setdefault("field_key", "bank_book")
    options.setdefault("allowed_types", ["pdf", "jpg", "png"])
    options.setdefault("max_bytes", MB)
    return attachment_store(
        application=application,
        upload=SimpleUploadedFile(name, content, "application/octet-stream"),
        actor=actor,
        **options,
    )


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def read_all(attachment, actor, purpose="test"):
    return b"".join(
        attachment_open(attachment=attachment, actor=actor, purpose=purpose)
    )


@pytest.mark.django_db
def test_a_stored_document_is_encrypted_under_a_random_name_and_audited(
    application, citizen, private_root
):
    attachment = store(application, citizen)

    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.master_key_id == "one"
    assert attachment.scan_status == ScanStatus.NOT_SCANNED
    assert attachment.original_name == "bank-book.pdf"
    assert attachment.uploaded_by == citizen
    assert attachment.storage_name.startswith(f"eservices/{date.today():%Y}/")
    assert application.reference not in attachment.storage_name
    (on_disk,) = stored_files(private_root)
    raw = on_disk.read_bytes()
    assert raw.startswith(crypto.MAGIC)
    assert PDF[:40] not in raw
    assert len(raw) == crypto.encrypted_size(len(PDF))

    event = ApplicationEvent.objects.get(application=application)
    assert event.kind == EventKind.DOCUMENT and event.for_applicant
    assert event.message == "bank-book.pdf" and event.actor == citizen
    assert event.data == {
        "attachment": str(attachment.public_id),
        "field_key": "bank_book",
    }
    audit = AuditEvent.objects.get(action="eservices.attachment.add")
    assert audit.target_id == str(attachment.pk) and audit.actor == citizen
    assert audit.office_id == application.office_id
    assert audit.after["sha256"] == attachment.sha256
    assert audit.after["application"] == application.reference


@pytest.mark.django_db
def test_the_applicant_gets_the_original_bytes_back_without_an_audit_event(
    application, citizen
):
    attachment = store(application, citizen)
    assert read_all(attachment, citizen) == PDF
    assert not AuditEvent.objects.filter(action="eservices.attachment.download")


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_with_the_limit_and_nothing_is_kept(
    application, citizen, private_root
):
    with pytest.raises(InvalidInput) as refused:
        store(application, citizen, content=PDF + b"\0" * MB)
    assert refused.value.code == "file-too-large"
    assert refused.value.field == "bank_book"
    assert "1 MB" in str(refused.value.message)
    assert refused.value.extra == {"max_bytes": MB}
    assert not Attachment.objects.exists() and not stored_files(private_root)
    assert not AuditEvent.objects.filter(action="eservices.attachment.add")


@pytest.mark.django_db
def test_a_renamed_executable_is_refused_and_nothing_is_kept(
    application, citizen, private_root
):
    with pytest.raises(InvalidInput) as refused:
        store(application, citizen, content=EXE, name="bank-book.pdf")
    assert refused.value.code == "file-type"
    assert not Attachment.objects.exists() and not stored_files(private_root)
    assert not AuditEvent.objects.filter(action="eservices.attachment.add")


@pytest.mark.django_db
def test_a_png_decompression_bomb_is_refused_before_it_is_scanned_or_stored(
    application, citizen, settings, private_root
):
    with clamd_stub() as (address, log):
        settings.CLAMD_ADDRESS = address
        with pytest.raises(InvalidInput) as refused:
            store(application, citizen, content=png_of_one_colour(20_000))
    assert refused.value.code == "image-too-large"
    assert refused.value.field == "bank_book"
    assert log.commands == []  # not sent on to the antivirus
    assert not Attachment.objects.exists() and not stored_files(private_root)
    assert not AuditEvent.objects.filter(action="eservices.attachment.add")


@pytest.mark.django_db
def test_a_misnamed_file_is_stored_with_the_extension_of_what_it_is(
    application, citizen
):
    attachment = store(application, citizen, content=PNG, name="setup.exe")
    assert attachment.original_name == "setup.exe.png"
    assert attachment.content_type == "image/png"


@pytest.mark.django_db
def test_an_infected_file_is_refused_and_nothing_is_kept(
    application, citizen, settings, private_root
):
    with clamd_stub() as (address, _log):
        settings.CLAMD_ADDRESS = address
        with pytest.raises(InvalidInput) as refused:
            store(application, citizen, content=PDF + EICAR)
        clean = store(application, citizen)
    assert refused.value.code == "file-infected"
    assert clean.scan_status == ScanStatus.CLEAN
    assert list(Attachment.objects.all()) == [clean]
    assert len(stored_files(private_root)) == 1


@pytest.mark.django_db
def test_an_unreachable_antivirus_refuses_the_upload_with_503(
    application, citizen, settings, private_root
):
    settings.CLAMD_ADDRESS = unused_tcp_address()
    with pytest.raises(ScannerUnavailable) as refused:
        store(application, citizen)
    assert refused.value.status == 503
    assert not Attachment.objects.exists() and not stored_files(private_root)


@pytest.mark.django_db
def test_a_failure_after_the_file_was_written_deletes_it_again(
    application, citizen, private_root, monkeypatch
):
    def broken_audit(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        store(application, citizen)
    assert not Attachment.objects.exists()
    assert not ApplicationEvent.objects.exists()
    assert not stored_files(private_root)


@pytest.mark.django_db
def test_a_field_holding_its_maximum_refuses_another_file(
    application, citizen, private_root
):
    store(application, citizen, max_files=1)
    with pytest.raises(InvalidInput) as refused:
        store(application, citizen, max_files=1)
    assert refused.value.code == "too-many-files"
    assert Attachment.objects.count() == 1 and len(stored_files(private_root)) == 1


@pytest.mark.django_db
def test_a_large_upload_is_streamed_with_flat_memory(application, citizen):
    size = 24 * MB
    upload = TemporaryUploadedFile("big.pdf", "application/pdf", size, None)
    upload.write(PDF)
    block = os.urandom(MB)
    while upload.tell() < size:
        upload.write(block[: size - upload.tell()])
    upload.size = size
    upload.seek(0)
    tracemalloc.start()
    try:
        attachment = attachment_store(
            application=application,
            field_key="photos",
            upload=upload,
            allowed_types=["pdf"],
            max_bytes=30 * MB,
            actor=citizen,
        )
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        received = 0
        for chunk in attachment_open(attachment=attachment, actor=citizen, purpose="t"):
            received += len(chunk)
        _current, peak_reading = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        upload.close()
    assert attachment.size == size and received == size
    assert peak < 2 * MB, f"storing held {peak / MB:.1f} MB"
    assert peak_reading < 2 * MB, f"reading held {peak_reading / MB:.1f} MB"


@pytest.mark.django_db
def test_the_applicant_may_not_add_documents_once_the_application_is_submitted(
    make_application, citizen
):
    application = make_application(citizen, status=ApplicationStatus.IN_PROGRESS)
    with pytest.raises(Conflict):
        store(application, citizen)
    returned = make_application(citizen, status=ApplicationStatus.RETURNED)
    assert store(returned, citizen).application == returned


@pytest.mark.django_db
def test_staff_add_documents_only_when_they_record_applications_at_the_office(
    make_application, citizen, make_staff
):
    application = make_application(citizen, status=ApplicationStatus.IN_PROGRESS)
    officer = make_staff(Role.COUNTER_OFFICER, "ddc-1001")
    assert store(application, officer).uploaded_by == officer
    admin = make_staff(Role.DISTRICT_ADMIN, "do-1001")
    assert store(application, admin).uploaded_by == admin
    # Issue 13, finding 2: who reads the case is not who adds to it.
    for reader in (
        make_staff(Role.FINANCE_OFFICER, "pao-10"),
        make_staff(Role.PROVINCIAL_STAFF, "pao-10"),
        make_staff(Role.HQ_ADMIN, "hq"),
        make_staff(Role.AUDITOR, "hq"),
    ):
        with pytest.raises(PermissionDeniedError):
            store(application, reader)
    with pytest.raises(NotFound):
        store(application, make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    assert Attachment.objects.count() == 2
    assert AuditEvent.objects.filter(action="eservices.attachment.add").count() == 2


@pytest.mark.django_db
def test_staff_add_nothing_to_a_draft_the_citizen_fills_in_online(
    make_application, citizen, make_staff
):
    application = make_application(citizen)
    officer = make_staff(Role.COUNTER_OFFICER, "ddc-1001")
    with pytest.raises(PermissionDeniedError) as refused:
        store(application, officer)
    assert refused.value.code == "not-yours"
    application.recorded_by = officer
    application.save(update_fields=["recorded_by"])
    assert store(application, officer).uploaded_by == officer
    assert Attachment.objects.count() == 1


@pytest.mark.django_db
def test_staff_in_reach_open_a_document_and_the_read_is_audited(
    application, citizen, make_staff
):
    attachment = store(application, citizen)
    officer = make_staff(Role.DISTRICT_ADMIN, "do-1001")
    assert read_all(attachment, officer, purpose="review") == PDF
    audit = AuditEvent.objects.get(action="eservices.attachment.download")
    assert audit.actor == officer and audit.target_id == str(attachment.pk)
    assert audit.after["purpose"] == "review"
    assert audit.after["applicant_id"] == citizen.pk
    assert audit.office_id == application.office_id


@pytest.mark.django_db
def test_staff_out_of_reach_and_other_citizens_may_not_open_a_document(
    application, citizen, make_staff, make_user
):
    attachment = store(application, citizen)
    for outsider in (make_staff(Role.DISTRICT_ADMIN, "do-5001"), make_user()):
        with pytest.raises(NotFound):
            attachment_open(attachment=attachment, actor=outsider, purpose="x")
    assert not AuditEvent.objects.filter(action="eservices.attachment.download")


@pytest.mark.django_db
def test_a_tampered_stored_file_fails_to_decrypt(application, citizen, private_root):
    attachment = store(application, citizen)
    (on_disk,) = stored_files(private_root)
    raw = bytearray(on_disk.read_bytes())
    raw[crypto.HEADER.size + 10] ^= 0xFF
    on_disk.write_bytes(bytes(raw))
    with pytest.raises(crypto.DecryptionError):
        attachment_open(attachment=attachment, actor=citizen, purpose="t")


@pytest.mark.django_db
def test_damage_later_in_a_file_stops_the_stream_at_that_chunk(
    application, citizen, private_root
):
    content = PDF + os.urandom(3 * crypto.CHUNK_SIZE)
    attachment = store(application, citizen, content=content)
    (on_disk,) = stored_files(private_root)
    raw = bytearray(on_disk.read_bytes())
    raw[-3] ^= 0xFF
    on_disk.write_bytes(bytes(raw))
    chunks = attachment_open(attachment=attachment, actor=citizen, purpose="t")
    received = []
    with pytest.raises(crypto.DecryptionError, match="chunk 3"):
        for chunk in chunks:
            received.append(chunk)
    assert b"".join(received) == content[: 3 * crypto.CHUNK_SIZE]


@pytest.mark.django_db
def test_a_stored_file_swapped_for_another_fails_before_anything_is_sent(
    application, citizen, private_root
):
    first = store(application, citizen)
    second = store(application, citizen, content=PNG, name="p.png")
    first.storage_name = second.storage_name  # same format, another file's key
    with pytest.raises(crypto.DecryptionError):
        attachment_open(attachment=first, actor=citizen, purpose="t")


@pytest.mark.django_db
def test_the_applicant_removes_their_document_from_a_draft(
    application, citizen, private_root, django_capture_on_commit_callbacks
):
    attachment = store(application, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        removed = attachment_remove(attachment=attachment, actor=citizen)
    assert removed.removed_at is not None
    assert Attachment.objects.get().removed_at == removed.removed_at
    assert not stored_files(private_root)
    audit = AuditEvent.objects.get(action="eservices.attachment.remove")
    assert audit.actor == citizen and audit.target_id == str(attachment.pk)
    with pytest.raises(NotFound):
        attachment_open(attachment=removed, actor=citizen, purpose="t")
    with pytest.raises(NotFound):
        attachment_remove(attachment=removed, actor=citizen)


@pytest.mark.django_db
def test_documents_cannot_be_removed_by_others_or_after_submission(
    make_application, citizen, make_user, make_staff, private_root
):
    application = make_application(citizen)
    attachment = store(application, citizen)
    with pytest.raises(NotFound):
        attachment_remove(attachment=attachment, actor=make_user())
    with pytest.raises(PermissionDeniedError):
        attachment_remove(attachment=attachment, actor=make_staff(Role.HQ_ADMIN, "hq"))
    application.status = ApplicationStatus.IN_PROGRESS
    application.save(update_fields=["status"])
    with pytest.raises(Conflict):
        attachment_remove(attachment=attachment, actor=citizen)
    assert Attachment.objects.get().removed_at is None
    assert len(stored_files(private_root)) == 1
    assert not AuditEvent.objects.filter(action="eservices.attachment.remove")


@pytest.mark.django_db
def test_rewrapping_moves_every_key_to_the_new_master_key_without_touching_files(
    application, citizen, settings, private_root, monkeypatch
):
    attachments = [store(application, citizen) for _ in range(5)]
    before = {path: path.read_bytes() for path in stored_files(private_root)}
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO},one:{KEY_ONE}"
    monkeypatch.setattr(services, "REWRAP_BATCH", 2)

    assert attachments_rewrap() == 5

    for old in attachments:
        fresh = Attachment.objects.get(pk=old.pk)
        assert fresh.master_key_id == "two"
        assert bytes(fresh.wrapped_key) != bytes(old.wrapped_key)
        assert read_all(fresh, citizen) == PDF
    assert {path: path.read_bytes() for path in stored_files(private_root)} == before
    events = AuditEvent.objects.filter(action="eservices.attachment.rewrap")
    assert sorted(e.after["count"] for e in events) == [1, 2, 2]
    assert {e.after["to_key_id"] for e in events} == {"two"}
    assert attachments_rewrap() == 0
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO}"  # the old key retired
    assert read_all(Attachment.objects.first(), citizen) == PDF


@pytest.mark.django_db
def test_rewrapping_needs_the_old_key_and_a_known_target(
    application, citizen, settings
):
    store(application, citizen)
    with pytest.raises(crypto.MasterKeyError, match="'three'"):
        attachments_rewrap(to_key_id="three")
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO}"
    with pytest.raises(crypto.MasterKeyError, match="'one'"):
        attachments_rewrap()
    assert Attachment.objects.get().master_key_id == "one"
    assert not AuditEvent.objects.filter(action="eservices.attachment.rewrap")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("C:\\Users\\me\\scan.pdf", "scan.pdf"),
        ("../../etc/passwd", "passwd"),
        ("bad\x00name\r\n.pdf", "badname.pdf"),
        ("", "document"),
        ("ใบรับรองแพทย์.pdf", "ใบรับรองแพทย์.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_uploaded_names_lose_paths_and_control_characters(name, expected):
    assert clean_file_name(name) == expected
