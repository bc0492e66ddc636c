"""Complaint documents (services/documents.py, views/documents.py): the batch
check before anything is written, storing inside the caller's transaction
with nothing left behind on a refusal, and who may download what."""

import base64
import io
import itertools
import secrets
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone, translation
from PIL import Image

from saduak.accounts.choices import Role
from saduak.areas.models import District, Office
from saduak.audit.models import AuditEvent
from saduak.complaints.choices import Channel, ComplaintStatus, EventKind, Outcome
from saduak.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintEvent,
)
from saduak.complaints.services.documents import (
    MAX_BYTES,
    complaint_attachment_get,
    complaint_attachment_open,
    complaint_attachment_store,
    complaint_attachments_check,
    delete_stored_on_error,
)
from saduak.complaints.views.documents import complaint_document_url
from saduak.core.errors import InvalidInput, NotFound
from saduak.core.uploads.antivirus import ScannerUnavailable
from saduak.core.uploads.sample_files import one_page_pdf, png_of_one_colour

_serial = itertools.count(1)

PDF = one_page_pdf(b"% a letter from the district " * 50)
PNG = png_of_one_colour(64)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def _image(pil_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((64, 48), 40).convert("RGB").save(buffer, pil_format)
    return buffer.getvalue()


JPG = _image("JPEG")
WEBP = _image("WEBP")


def upload(name: str, content: bytes, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """A private storage of this test's own, no antivirus, the dev key."""
    root = tmp_path / "private"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    settings.CLAMD_ADDRESS = ""
    settings.ESERVICES_MASTER_KEYS = ""
    return root


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


def unused_tcp_address() -> str:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


def make_complaint(*, complainant=None, office_code="ddc-5001", **fields):
    """A complaint row as the filing service leaves it (the bytes of the
    documents are what these tests are about)."""
    category, _created = ComplaintCategory.objects.get_or_create(
        code="road-damage", defaults={"name_th": "ถนนชำรุด", "name_en": "Road damage"}
    )
    office = Office.objects.get(code=office_code)
    district = District.objects.get(code=office_code.rsplit("-", 1)[1])
    today = timezone.localdate()
    serial = next(_serial)
    complaint = Complaint.objects.create(
        reference=f"DOC{serial:05d}",
        tracking_token=secrets.token_urlsafe(24),
        category=category,
        description="The road in front of the school has a deep hole.",
        province=district.province,
        district=district,
        complainant=complainant,
        contact_phone="" if complainant else "0812345678",
        channel=Channel.WEB,
        fingerprint=secrets.token_hex(32),
        office=office,
        holder_district_code=district.code,
        holder_province_code=district.province_id,
        received_at=timezone.now(),
        acknowledge_due=today + timedelta(days=1),
        resolve_due=today + timedelta(days=15),
        hq_escalation_due=today + timedelta(days=30),
        **fields,
    )
    return complaint


def event_of(complaint, kind=EventKind.FILED, *, is_public=True):
    return ComplaintEvent.objects.create(
        complaint=complaint, at=timezone.now(), kind=kind, is_public=is_public
    )


def store(complaint, content=PNG, name="hole.png", *, event=None, **kwargs):
    kwargs.setdefault("uploaded_by", complaint.complainant)
    return complaint_attachment_store(
        complaint=complaint, upload=upload(name, content), event=event, **kwargs
    )


def read(attachment, **kwargs):
    return b"".join(complaint_attachment_open(attachment=attachment, **kwargs))


# --- The batch check ----------------------------------------------------------------
def test_the_check_accepts_photos_and_pdfs_up_to_five():
    complaint_attachments_check(
        [
            upload("a.jpg", JPG),
            upload("b.png", PNG),
            upload("c.webp", WEBP),
            upload("d.pdf", PDF),
            upload("e.jpg", JPG),
        ]
    )
    complaint_attachments_check([])


def test_the_check_refuses_a_sixth_file():
    with pytest.raises(InvalidInput) as refused:
        complaint_attachments_check([upload(f"{n}.jpg", JPG) for n in range(6)])
    assert refused.value.code == "too-many-files"
    assert refused.value.field == "uploads"
    assert str(refused.value.message) == (
        "At most 5 files can be sent at once; you sent 6."
    )


def test_the_check_refuses_a_file_over_10_mb_naming_it():
    big = upload("scan.pdf", PDF + b"\0" * (MAX_BYTES + 1 - len(PDF)))
    with pytest.raises(InvalidInput) as refused:
        complaint_attachments_check([upload("ok.jpg", JPG), big])
    assert refused.value.code == "file-too-large"
    assert refused.value.field == "uploads"
    assert refused.value.extra["max_bytes"] == 10 * 1024 * 1024
    assert str(refused.value.message) == (
        "“scan.pdf”: The file is too large. The limit is 10 MB."
    )


def test_a_file_of_exactly_10_mb_passes_the_size_check():
    exact = upload("scan.pdf", PDF + b"\n" * (MAX_BYTES - len(PDF)))
    complaint_attachments_check([exact])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", EXE),  # a renamed Windows executable
        ("setup.exe", EXE),
        ("report.pdf", b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 200),  # a zip
        ("page.png", b"<html><script>alert(1)</script></html>"),
        ("empty.jpg", b""),
        ("cat.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 40),
    ],
)
def test_the_check_refuses_a_file_that_is_not_what_it_claims(name, content):
    with pytest.raises(InvalidInput) as refused:
        complaint_attachments_check([upload(name, content)])
    assert refused.value.code == "file-type"
    assert refused.value.field == "uploads"
    assert refused.value.extra["file_name"] == name
    message = str(refused.value.message)
    assert message.startswith(f"“{name}”: This file's type is not accepted here.")
    assert "JPG, PNG, WebP, PDF" in message


def test_the_check_refuses_a_damaged_photo():
    with pytest.raises(InvalidInput) as refused:
        complaint_attachments_check([upload("cut.png", PNG[: len(PNG) // 2])])
    assert refused.value.code == "file-unreadable"


def test_the_check_refuses_a_heic_photo_complaints_do_not_take():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x03" * 200
    with pytest.raises(InvalidInput) as refused:
        complaint_attachments_check([upload("photo.heic", heic)])
    assert refused.value.code == "file-type"


def test_the_check_speaks_thai_on_thai_pages():
    with translation.override("th"), pytest.raises(InvalidInput) as refused:
        complaint_attachments_check([upload(f"{n}.jpg", JPG) for n in range(7)])
    assert str(refused.value.message) == ("ส่งไฟล์ได้ครั้งละไม่เกิน 5 ไฟล์ คุณส่งมา 7 ไฟล์")


# --- Storing ------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_stored_photo_is_encrypted_with_its_row_and_audit_event(
    small_map, citizen, private_root
):
    complaint = make_complaint(complainant=citizen)
    filed = event_of(complaint)
    attachment = store(complaint, JPG, "หลุมบนถนน.jpg", event=filed)

    assert attachment.complaint == complaint and attachment.event == filed
    assert attachment.original_name == "หลุมบนถนน.jpg"
    assert attachment.content_type == "image/jpeg"
    assert attachment.size == len(JPG)
    assert attachment.scan_status == "not_scanned"
    assert attachment.is_public and attachment.uploaded_by == citizen
    assert attachment.storage_name.startswith(f"complaints/{timezone.now():%Y}/")
    [path] = stored_files(private_root)
    assert JPG[100:200] not in path.read_bytes()  # encrypted at rest
    assert read(attachment, actor=citizen) == JPG

    audit = AuditEvent.objects.get(action="complaint.document_add")
    assert audit.actor == citizen
    assert audit.after["complaint"] == complaint.reference
    assert audit.after["sha256"] == attachment.sha256
    assert audit.after["size"] == len(JPG)
    assert audit.office_id == complaint.office_id
    assert audit.district_code == "5001" and audit.province_code == "50"


@pytest.mark.django_db
def test_a_file_without_an_event_gets_its_own_timeline_line(small_map):
    complaint = make_complaint()
    attachment = store(complaint, PDF, "letter", uploaded_by=None, is_public=False)
    event = attachment.event
    assert event.kind == EventKind.ATTACHMENT
    assert event.text == "letter.pdf"  # the sniffed kind's extension added
    assert not event.is_public and not attachment.is_public
    assert event.data == {"attachment": str(attachment.public_id)}
    audit = AuditEvent.objects.get(action="complaint.document_add")
    assert audit.actor is None and audit.actor_label == "complainant"


@pytest.mark.django_db
def test_a_partners_file_is_audited_under_the_partners_name(small_map):
    complaint = make_complaint()
    event = event_of(complaint)
    event.actor_label = "open311:ab12cd"
    event.save(update_fields=["actor_label"])
    store(complaint, PDF, "report.pdf", event=event, uploaded_by=None)
    audit = AuditEvent.objects.get(action="complaint.document_add")
    assert audit.actor is None and audit.actor_label == "open311:ab12cd"


@pytest.mark.django_db
def test_store_refuses_a_renamed_executable_and_writes_nothing(small_map, private_root):
    complaint = make_complaint()
    with pytest.raises(InvalidInput) as refused:
        store(complaint, EXE, "photo.jpg", uploaded_by=None)
    assert refused.value.code == "file-type"
    assert not ComplaintAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="complaint.document_add").exists()
    assert not stored_files(private_root)


@pytest.mark.django_db
def test_a_sixth_file_on_one_event_is_refused_and_its_file_deleted(
    small_map, private_root
):
    complaint = make_complaint()
    filed = event_of(complaint)
    for n in range(5):
        store(complaint, PNG, f"{n}.png", event=filed)
    with pytest.raises(InvalidInput) as refused:
        store(complaint, PNG, "6.png", event=filed)
    assert refused.value.code == "too-many-files"
    assert ComplaintAttachment.objects.count() == 5
    assert len(stored_files(private_root)) == 5


@pytest.mark.django_db
def test_a_refusal_inside_the_filing_leaves_no_row_and_no_file(
    small_map, settings, private_root
):
    """The filing stored two files, then the third is refused (the antivirus
    stops answering): the transaction rolls back and the guard deletes the
    two stored objects."""
    complaint = make_complaint()
    with (
        pytest.raises(ScannerUnavailable),
        delete_stored_on_error(),
        transaction.atomic(),
    ):
        filed = event_of(complaint)
        store(complaint, PNG, "1.png", event=filed)
        store(complaint, PDF, "2.pdf", event=filed)
        assert len(stored_files(private_root)) == 2
        settings.CLAMD_ADDRESS = unused_tcp_address()
        store(complaint, JPG, "3.jpg", event=filed)
    assert not ComplaintAttachment.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert not stored_files(private_root)


@pytest.mark.django_db
def test_a_failure_after_the_files_were_stored_deletes_them(small_map, private_root):
    complaint = make_complaint()
    with pytest.raises(RuntimeError), delete_stored_on_error(), transaction.atomic():
        store(complaint, PNG, "1.png", event=event_of(complaint))
        raise RuntimeError("the notification could not be written")
    assert not ComplaintAttachment.objects.exists()
    assert not stored_files(private_root)


@pytest.mark.django_db
def test_files_stored_in_a_successful_block_stay(small_map, private_root):
    complaint = make_complaint()
    with delete_stored_on_error() as names, transaction.atomic():
        attachment = store(complaint, PNG, "1.png", event=event_of(complaint))
    assert names == [attachment.storage_name]
    assert len(stored_files(private_root)) == 1


# --- Opening ------------------------------------------------------------------------
@pytest.fixture
def filed(small_map, citizen):
    """A signed-in citizen's complaint with their public photo, and the
    office's internal PDF."""
    complaint = make_complaint(complainant=citizen)
    photo = store(complaint, PNG, "hole.png", event=event_of(complaint))
    internal = store(
        complaint,
        PDF,
        "memo.pdf",
        event=event_of(complaint, EventKind.NOTE, is_public=False),
        uploaded_by=None,
        is_public=False,
    )
    return complaint, photo, internal


@pytest.mark.django_db
def test_the_complainant_opens_their_public_files_without_an_audit_event(
    filed, citizen
):
    _complaint, photo, internal = filed
    assert read(photo, actor=citizen) == PNG
    assert not AuditEvent.objects.filter(action="complaint.document_open").exists()
    with pytest.raises(NotFound):
        read(internal, actor=citizen)


@pytest.mark.django_db
def test_the_tracking_token_opens_public_files_of_its_complaint_only(small_map):
    complaint = make_complaint()
    photo = store(complaint, PNG, "hole.png", uploaded_by=None)
    other = make_complaint()
    assert read(photo, actor=None, tracking_token=complaint.tracking_token) == PNG
    # The last character changed (a token may already end in "x").
    last = "y" if complaint.tracking_token.endswith("x") else "x"
    tampered = complaint.tracking_token[:-1] + last
    for token in ("", other.tracking_token, tampered):
        with pytest.raises(NotFound):
            read(photo, actor=None, tracking_token=token)


@pytest.mark.django_db
def test_someone_else_cannot_open_a_complaint_file(filed, make_user):
    _complaint, photo, _internal = filed
    with pytest.raises(NotFound):
        read(photo, actor=make_user())
    with pytest.raises(NotFound):
        read(photo, actor=None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "office"),
    [
        (Role.COUNTER_OFFICER, "ddc-5001"),
        (Role.DISTRICT_ADMIN, "do-5001"),
        (Role.PROVINCIAL_STAFF, "pao-50"),
        (Role.HQ_ADMIN, "hq"),
        (Role.AUDITOR, "hq"),
    ],
)
def test_staff_within_reach_open_any_file_each_time_audited(
    filed, make_staff, role, office
):
    complaint, photo, internal = filed
    officer = make_staff(role, office)
    assert read(internal, actor=officer) == PDF
    assert read(photo, actor=officer, purpose="api") == PNG
    events = AuditEvent.objects.filter(action="complaint.document_open").order_by("id")
    assert [event.after["purpose"] for event in events] == ["download", "api"]
    first = events[0]
    assert first.actor == officer
    assert first.after["complaint"] == complaint.reference
    assert first.after["complainant_id"] == complaint.complainant_id
    assert first.after["name"] == "memo.pdf"
    assert first.office_id == complaint.office_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "office"),
    [
        (Role.COUNTER_OFFICER, "ddc-5002"),
        (Role.DISTRICT_ADMIN, "do-1001"),
        (Role.PROVINCIAL_STAFF, "pao-10"),
    ],
)
def test_staff_outside_reach_are_answered_not_found_and_nothing_is_audited(
    filed, make_staff, role, office
):
    _complaint, photo, _internal = filed
    with pytest.raises(NotFound):
        read(photo, actor=make_staff(role, office))
    assert not AuditEvent.objects.filter(action="complaint.document_open").exists()


@pytest.mark.django_db
def test_after_a_take_over_the_province_holder_is_the_reach(filed, make_staff):
    complaint, photo, _internal = filed
    complaint.office = Office.objects.get(code="pao-50")
    complaint.save(update_fields=["office"])
    photo = complaint_attachment_get(public_id=photo.public_id)
    assert read(photo, actor=make_staff(Role.PROVINCIAL_STAFF, "pao-50")) == PNG
    with pytest.raises(NotFound):
        read(photo, actor=make_staff(Role.COUNTER_OFFICER, "ddc-5001"))


@pytest.mark.django_db
def test_a_merged_complainant_opens_the_offices_answers_not_the_other_photos(
    small_map, citizen, make_user, make_staff
):
    survivor = make_complaint(complainant=make_user())
    their_photo = store(survivor, PNG, "mine.png", event=event_of(survivor))
    officer = make_staff(Role.COUNTER_OFFICER, "ddc-5001")
    answer = store(
        survivor,
        PDF,
        "answer.pdf",
        event=event_of(survivor, EventKind.ANSWER),
        uploaded_by=officer,
    )
    duplicate = make_complaint(
        complainant=citizen,
        status=ComplaintStatus.CLOSED,
        outcome=Outcome.DUPLICATE,
        merged_into=survivor,
    )
    assert read(answer, actor=citizen) == PDF
    assert read(answer, actor=None, tracking_token=duplicate.tracking_token) == PDF
    with pytest.raises(NotFound):
        read(their_photo, actor=citizen)
    with pytest.raises(NotFound):
        read(their_photo, actor=None, tracking_token=duplicate.tracking_token)


@pytest.mark.django_db
def test_an_unknown_public_id_is_not_found():
    with pytest.raises(NotFound):
        complaint_attachment_get(public_id="00000000-0000-4000-8000-000000000000")


# --- The download pages -------------------------------------------------------------
@pytest.mark.django_db
def test_the_complainant_downloads_a_photo_as_an_attachment(filed, citizen, client_for):
    _complaint, photo, _internal = filed
    url = complaint_document_url(photo)
    assert url == f"/en/complaints/documents/{photo.public_id}/"  # in English
    response = client_for(citizen).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Length"] == str(len(PNG))
    assert response["Content-Disposition"] == 'attachment; filename="hole.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_tracking_link_downloads_without_signing_in(small_map, client):
    complaint = make_complaint()
    photo = store(complaint, JPG, "ถนน.jpg", uploaded_by=None)
    url = complaint_document_url(photo, tracking_token=complaint.tracking_token)
    assert url == (
        f"/en/complaints/documents/t/{complaint.tracking_token}/{photo.public_id}/"
    )
    response = client.get(url.removeprefix("/en"))  # the Thai page
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPG
    assert "filename*=utf-8''%E0%B8%96" in response["Content-Disposition"]
    english = client.get(url)
    assert english.status_code == 200
    wrong = client.get(
        f"/complaints/documents/t/{'x' * 32}/{photo.public_id}/",
        HTTP_ACCEPT="text/html",
    )
    assert wrong.status_code == 404


@pytest.mark.django_db
def test_without_the_token_or_a_sign_in_the_download_is_not_found(filed, client):
    _complaint, photo, _internal = filed
    assert client.get(complaint_document_url(photo)).status_code == 404


@pytest.mark.django_db
def test_staff_download_in_reach_and_get_404_outside(filed, make_staff, client_for):
    _complaint, photo, internal = filed
    inside = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    response = inside.get(f"/en/complaints/documents/{internal.public_id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="complaint.document_open").count() == 1
    outside = client_for(make_staff(Role.DISTRICT_ADMIN, "do-1001"))
    assert outside.get(complaint_document_url(photo)).status_code == 404
    assert AuditEvent.objects.filter(action="complaint.document_open").count() == 1


@pytest.mark.django_db
def test_a_sequential_id_or_a_bad_id_is_no_address(filed, client_for, citizen):
    _complaint, photo, _internal = filed
    signed_in = client_for(citizen)
    assert signed_in.get(f"/complaints/documents/{photo.pk}/").status_code == 404
    assert signed_in.get("/complaints/documents/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_only_get_is_answered(filed, client_for, citizen):
    _complaint, photo, _internal = filed
    response = client_for(citizen).post(complaint_document_url(photo))
    assert response.status_code == 405


# --- Key rotation -------------------------------------------------------------------
KEY_ONE = base64.b64encode(bytes(range(32))).decode()
KEY_TWO = base64.b64encode(bytes(range(32, 64))).decode()


def rotate(*args):
    out = StringIO()
    call_command("complaints_rotate_keys", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_rotation_rewraps_every_complaint_file_and_they_still_open(
    small_map, citizen, settings, monkeypatch
):
    from saduak.complaints.services import documents

    monkeypatch.setattr(documents, "REWRAP_BATCH", 2)
    settings.ESERVICES_MASTER_KEYS = f"one:{KEY_ONE}"
    complaint = make_complaint(complainant=citizen)
    for n in range(3):
        store(complaint, PNG, f"{n}.png")
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO},one:{KEY_ONE}"
    assert rotate() == (
        "Re-wrapped 3 complaint attachment key(s) with master key 'two'; "
        "0 left under other keys.\n"
    )
    batches = AuditEvent.objects.filter(action="complaint.document_rewrap")
    assert sorted(event.after["count"] for event in batches) == [1, 2]
    assert {event.actor_label for event in batches} == {"complaints_rotate_keys"}
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO}"
    for attachment in ComplaintAttachment.objects.all():
        assert read(attachment, actor=citizen) == PNG
    assert rotate() == (
        "Re-wrapped 0 complaint attachment key(s) with master key 'two'; "
        "0 left under other keys.\n"
    )


@pytest.mark.django_db
def test_rotation_without_the_old_key_stops_and_changes_nothing(small_map, settings):
    settings.ESERVICES_MASTER_KEYS = f"one:{KEY_ONE}"
    complaint = make_complaint()
    store(complaint, PNG, "a.png", uploaded_by=None)
    settings.ESERVICES_MASTER_KEYS = f"two:{KEY_TWO}"
    with pytest.raises(CommandError, match="'one'"):
        rotate()
    assert ComplaintAttachment.objects.get().master_key_id == "one"
    assert not AuditEvent.objects.filter(action="complaint.document_rewrap").exists()
