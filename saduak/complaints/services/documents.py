"""Photos and documents of complaints: checking, storing and opening them.

The pipeline is core/uploads (the same as e-services' documents): the type is
read from the content, the whole file is decoded under limits, the antivirus
scans it when one is configured, and it is written encrypted under a random
name `complaints/<yyyy>/<32 hex>` with its own data key. Limits: at most
MAX_FILES (5) files a filing or answer, each at most MAX_BYTES (10 MB), JPEG,
PNG, WebP photos and PDF (ALLOWED_TYPES). See docs/complaints-documents.md.

Contract for the services that take uploads (complaint_file,
complaint_record_for_citizen, complaint_answer, complaint_resolve). They call
`services/uploads_hook.attachments_store(complaint=, event=, uploads=,
uploaded_by=, is_public=True)` inside their transaction, which does steps 1
and 3; a service closes the last gap (a failure after the files were stored)
with step 2 around its transaction::

    complaint_attachments_check(uploads)          # 1. before writing anything
    with delete_stored_on_error(), transaction.atomic():   # 2. around the write
        ...lock, save the complaint, create its event...
        for upload in uploads:                    # 3. inside, after the event
            complaint_attachment_store(
                complaint=complaint, upload=upload, uploaded_by=citizen_or_officer,
                event=event, is_public=True,
            )
        ...audit, notify, rollups...

1. `complaint_attachments_check(uploads)` refuses a bad batch before anything
   is written: InvalidInput, `field="uploads"`, the file's name in the message,
   codes "too-many-files", "file-too-large", "file-type", "file-unreadable",
   "image-too-large", "image-animated", "pdf-*" (core/uploads/inspect.py).
2. `delete_stored_on_error` (core/uploads/store.py) deletes the stored objects
   again if the transaction rolls back after a file was stored (a later file
   infected, the audit failing, anything): a refused filing leaves no row and
   no file. `complaint_attachment_store` also deletes its own file when it
   fails, so the guard matters for files stored before the failure.
3. `complaint_attachment_store` needs no permission of its own: the calling
   service has already decided who may file or answer. It checks everything
   again (an upload that skipped step 1 is still refused), scans, stores,
   and writes the ComplaintAttachment row, linked to `event` (or to a new
   ATTACHMENT timeline event when `event` is None), and the audit event
   `complaint.document_add`. It refuses a sixth file on one event
   ("too-many-files"), a virus ("file-infected") and, when the configured
   antivirus does not answer, every file (ScannerUnavailable, 503).
   `uploaded_by` is the signed-in complainant or the officer, None for
   someone not signed in (LIFF, Open311, the tracking link).

`complaint_attachment_open` is the download: the complainant (signed in as
its complainant, or holding its tracking token) opens the public attachments
of their complaint; staff whose read reach covers the holder office open any,
each open the audit event `complaint.document_open`. Anyone else: NotFound."""

import secrets
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.audit.services import audit_record, rewrap_batch_auditor
from saduak.complaints.choices import EventKind
from saduak.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent
from saduak.complaints.services.common import is_complainant
from saduak.core.errors import InvalidInput, NotFound
from saduak.core.uploads.rewrap import encrypted_files_rewrap
from saduak.core.uploads.store import (
    MB,
    delete_stored_on_error,
    encrypted_file_open,
    encrypted_file_store,
    storage_delete,
    upload_check,
)

__all__ = [
    "ACCEPTED_FILES",
    "ALLOWED_TYPES",
    "MAX_BYTES",
    "MAX_FILES",
    "complaint_attachment_get",
    "complaint_attachment_open",
    "complaint_attachment_store",
    "complaint_attachments_check",
    "complaint_attachments_rewrap",
    "delete_stored_on_error",
]

MAX_FILES = 5
MAX_BYTES = 10 * MB
ALLOWED_TYPES = ["jpg", "png", "webp", "pdf"]
# What the forms' file pickers offer (the same four kinds).
ACCEPTED_FILES = "image/jpeg,image/png,image/webp,application/pdf"
FIELD = "uploads"
STORAGE_PREFIX = "complaints"
REWRAP_BATCH = 500
# The events whose files are the complainant's own (the filing); an officer's
# answer and the like are the office's.
COMPLAINANT_EVENTS = frozenset({EventKind.FILED, EventKind.RECORDED})


def _too_many(count: int) -> InvalidInput:
    return InvalidInput(
        _("At most %(max)d files can be sent at once; you sent %(count)d.")
        % {"max": MAX_FILES, "count": count},
        code="too-many-files",
        field=FIELD,
        extra={"max_files": MAX_FILES},
    )


def _naming(error: InvalidInput, name: str) -> InvalidInput:
    """The same refusal, saying which file it is about."""
    return InvalidInput(
        _("“%(name)s”: %(message)s") % {"name": name, "message": error.message},
        code=error.code,
        field=FIELD,
        extra={**error.extra, "file_name": name},
    )


def complaint_attachments_check(uploads: Sequence[UploadedFile]) -> None:
    """Refuses a batch of uploads for one filing or answer before anything is
    written: more than MAX_FILES, or any file over MAX_BYTES, not a JPEG, PNG,
    WebP or PDF by its content (a renamed executable included), or failing to
    decode within core/uploads/inspect.py's limits. InvalidInput with
    `field="uploads"` and the file's name in the message. Writes nothing, no
    lock, no audit (the antivirus runs when each file is stored)."""
    if len(uploads) > MAX_FILES:
        raise _too_many(len(uploads))
    for upload in uploads:
        try:
            upload_check(
                upload, allowed_types=ALLOWED_TYPES, max_bytes=MAX_BYTES, field=FIELD
            )
        except InvalidInput as error:
            raise _naming(error, upload.name or "") from error


def complaint_attachment_store(
    *,
    complaint: Complaint,
    upload: UploadedFile,
    uploaded_by: User | None,
    event: ComplaintEvent | None = None,
    is_public: bool = True,
) -> ComplaintAttachment:
    """Checks, scans, encrypts and stores one photo or document of `complaint`
    and writes its ComplaintAttachment row, linked to `event` (the filing's or
    the answer's) or, when None, to a new public-or-not ATTACHMENT timeline
    event naming the file. Audit event `complaint.document_add` (name, type,
    size, SHA-256, scan status, key id; the holder office's scope).

    Call it inside the caller's transaction, after `complaint_attachments_check`
    and inside `delete_stored_on_error()` (module docstring). No permission
    check of its own; the caller holds the complaint's lock. Refuses
    (InvalidInput, field "uploads"): a sixth file on one event, and what the
    check refuses; "file-infected"; ScannerUnavailable (503) when the
    configured antivirus does not answer. On any failure its own stored file
    is deleted before the error propagates."""
    if event is not None and event.complaint_id != complaint.pk:
        raise ValueError("the event belongs to another complaint")
    try:
        stored = encrypted_file_store(
            upload,
            allowed_types=ALLOWED_TYPES,
            max_bytes=MAX_BYTES,
            field=FIELD,
            prefix=STORAGE_PREFIX,
        )
    except InvalidInput as error:
        raise _naming(error, upload.name or "") from error
    try:
        with transaction.atomic():
            attachment = _attachment_insert(
                complaint=complaint,
                event=event,
                is_public=is_public,
                uploaded_by=uploaded_by,
                fields=stored.fields(),
            )
    except BaseException:
        storage_delete(stored.storage_name)
        raise
    return attachment


def _attachment_insert(
    *,
    complaint: Complaint,
    event: ComplaintEvent | None,
    is_public: bool,
    uploaded_by: User | None,
    fields: dict[str, Any],
) -> ComplaintAttachment:
    now = timezone.now()
    if event is not None:
        held = ComplaintAttachment.objects.filter(event=event).count()
        if held >= MAX_FILES:
            raise _too_many(held + 1)
    else:
        event = ComplaintEvent.objects.create(
            complaint=complaint,
            at=now,
            kind=EventKind.ATTACHMENT,
            actor=uploaded_by,
            actor_label="" if uploaded_by is not None else "complainant",
            is_public=is_public,
            text=str(fields["original_name"]),
        )
    attachment = ComplaintAttachment.objects.create(
        complaint=complaint,
        event=event,
        is_public=is_public,
        uploaded_by=uploaded_by,
        uploaded_at=now,
        **fields,
    )
    if event.kind == EventKind.ATTACHMENT:
        event.data = {**event.data, "attachment": str(attachment.public_id)}
        event.save(update_fields=["data"])
    # Someone not signed in is named as their event names them ("complainant",
    # a partner's "open311:<key prefix>").
    anonymous = event.actor_label or "complainant"
    audit_record(
        actor=uploaded_by if uploaded_by is not None else anonymous,
        action="complaint.document_add",
        target=attachment,
        after={
            "complaint": complaint.reference,
            "event": event.kind,
            "name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "scan_status": attachment.scan_status,
            "master_key_id": attachment.master_key_id,
            "is_public": attachment.is_public,
        },
        office=complaint.office,
    )
    return attachment


def complaint_attachment_get(*, public_id: UUID) -> ComplaintAttachment:
    """An attachment by its public id, with its complaint, event and holder
    office (who may open it is `complaint_attachment_open`'s check)."""
    found = (
        ComplaintAttachment.objects.select_related(
            "complaint__office", "complaint__merged_into", "event"
        )
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def _complainant_may_open(
    attachment: ComplaintAttachment, actor: User | None, tracking_token: str
) -> bool:
    """The complainant of the attachment's complaint, for a public one; the
    complainant of a complaint merged into it (who follows the survivor's
    public timeline), for a public one the office added (not the other
    complainant's own photos)."""
    if not attachment.is_public:
        return False
    complaint = attachment.complaint
    if is_complainant(complaint, actor, tracking_token):
        return True
    event = attachment.event
    if event is None or event.kind in COMPLAINANT_EVENTS:
        return False
    merged = Complaint.objects.filter(merged_into=complaint)
    if tracking_token:
        return any(
            secrets.compare_digest(tracking_token.encode(), token.encode())
            for token in merged.values_list("tracking_token", flat=True)
        )
    return (
        actor is not None
        and actor.is_authenticated
        and merged.filter(complainant_id=actor.pk).exists()
    )


def complaint_attachment_open(
    *,
    attachment: ComplaintAttachment,
    actor: User | None,
    tracking_token: str = "",
    purpose: str = "download",
) -> Iterator[bytes]:
    """The plaintext of a complaint's photo or document, as chunks to stream.

    Permission: the complainant (signed in as the complaint's complainant, or
    holding its `tracking_token`), for public attachments (and the office's
    public attachments of a complaint theirs was merged into); staff whose
    read reach covers the complaint's holder office, for any. NotFound for
    anyone else, as for an unknown one. A staff open is the audit event
    `complaint.document_open` (with `purpose` and the complainant's id, the
    holder office's scope), written once the file has been found to open; the
    complainant's own opens are not audited. crypto.DecryptionError when the
    stored file is damaged (before the first byte is returned)."""
    complaint = attachment.complaint
    as_complainant = _complainant_may_open(attachment, actor, tracking_token)
    if not as_complainant and (
        actor is None
        or not actor.is_authenticated
        or not read_reach(actor).covers_office(complaint.office)
    ):
        raise NotFound()
    opened = encrypted_file_open(attachment)
    if not as_complainant:
        try:
            audit_record(
                actor=actor,
                action="complaint.document_open",
                target=attachment,
                after={
                    "complaint": complaint.reference,
                    "complainant_id": complaint.complainant_id,
                    "name": attachment.original_name,
                    "purpose": purpose,
                },
                office=complaint.office,
            )
        except BaseException:
            opened.close()
            raise
    return iter(opened)


def complaint_attachments_rewrap(*, to_key_id: str | None = None) -> int:
    """Re-wraps the data key of every complaint attachment not wrapped with
    `to_key_id` (default: the current master key) with that key
    (core/uploads/rewrap.py: batches of REWRAP_BATCH rows, each locked in its
    own transaction with one audit event `complaint.document_rewrap`: how
    many, from which keys). File contents are not touched. Raises
    crypto.MasterKeyError when a key it needs is not configured. Returns how
    many were re-wrapped."""

    return encrypted_files_rewrap(
        model=ComplaintAttachment,
        to_key_id=to_key_id,
        batch_size=REWRAP_BATCH,
        on_batch=rewrap_batch_auditor(
            actor="complaints_rotate_keys", action="complaint.document_rewrap"
        ),
    )
