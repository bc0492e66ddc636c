"""Storing, opening, removing and re-wrapping the documents of applications.

A stored document is written to the private storage encrypted
(core/uploads/store.py, crypto.py) under a random name; its row holds the
wrapped data key. Files are streamed through every step (type check, scan,
encryption, download), so memory stays flat whatever their size. What is
e-services' own here: who may add, open and remove a document, the row, the
timeline and the audit events."""

from collections.abc import Iterator
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts import matrix
from saduak.accounts.models import User
from saduak.audit.services import audit_record, rewrap_batch_auditor
from saduak.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDeniedError,
)
from saduak.core.uploads.rewrap import encrypted_files_rewrap
from saduak.core.uploads.store import (
    encrypted_file_open,
    encrypted_file_store,
    storage_delete,
)
from saduak.eservices.choices import Action, ApplicationStatus, EventKind
from saduak.eservices.models import Application, ApplicationEvent, Attachment
from saduak.eservices.permissions import ensure_sees_as_staff, may_fill

REWRAP_BATCH = 500
# What an applicant may still change.
APPLICANT_EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


def _refuse_upload(actor: User, application: Application) -> None:
    """The applicant adds documents while the application is a draft or
    returned to them. Staff add them only with `application.record_for_citizen`
    over its office (the officers who record applications and check them at
    the counter), while it is not closed, and to a draft only when it is
    recorded on the citizen's behalf: a citizen's own draft is theirs alone."""
    if actor.pk == application.applicant_id:
        if application.status not in APPLICANT_EDITABLE:
            raise Conflict(
                _("Documents cannot be added to this application any more."),
                code="not-editable",
            )
        return
    matrix.ensure_may(
        actor,
        matrix.Action.APPLICATION_RECORD_FOR_CITIZEN,
        office=application.office,
        refusal=_(
            "Only the applicant and the officers who record applications at this "
            "office add documents."
        ),
    )
    if application.status == ApplicationStatus.CLOSED:
        raise Conflict(
            _("Documents cannot be added to this application any more."),
            code="not-editable",
        )
    if application.status == ApplicationStatus.DRAFT and (
        application.recorded_by_id is None
    ):
        raise PermissionDeniedError(
            _(
                "Only the applicant adds documents to an application they are filling in."
            ),
            code="not-yours",
        )


def attachment_store(
    *,
    application: Application,
    field_key: str,
    upload: UploadedFile,
    allowed_types: list[str],
    max_bytes: int,
    actor: User,
    max_files: int | None = None,
) -> Attachment:
    """Checks, scans, encrypts and stores one uploaded document of a form field.

    Refuses (InvalidInput, `field=field_key`): a file over `max_bytes`
    ("file-too-large", the limit in MB in the message), a file whose content is
    none of `allowed_types` ("file-type"), one that fails to decode within the
    limits of inspect.py (its codes), an infected file ("file-infected"),
    a field already holding `max_files` ("too-many-files"); a configured
    antivirus that does not answer refuses with ScannerUnavailable (503).
    Permission (`_refuse_upload`): the applicant while the application is a
    draft or returned to them; staff with `application.record_for_citizen`
    over its office while it is not closed (a draft only when recorded on the
    citizen's behalf).

    The file is streamed through the type check, the scan and the encryption to
    the private storage, then the row, the timeline event and the audit event
    `eservices.attachment.add` are written in one short transaction (holding
    the application's row lock, not while the file is written). Nothing is left
    half-saved: on any failure the stored object is deleted again.
    """
    _refuse_upload(actor, application)
    stored = encrypted_file_store(
        upload,
        allowed_types=allowed_types,
        max_bytes=max_bytes,
        field=field_key,
        prefix="eservices",
    )
    try:
        with transaction.atomic():
            attachment = _attachment_insert(
                application=application,
                field_key=field_key,
                actor=actor,
                max_files=max_files,
                **stored.fields(),
            )
    except BaseException:
        storage_delete(stored.storage_name)
        raise
    return attachment


def _attachment_insert(
    *,
    application: Application,
    field_key: str,
    actor: User,
    max_files: int | None,
    **fields: Any,
) -> Attachment:
    locked = (
        Application.objects.select_for_update()
        .select_related("office")
        .get(pk=application.pk)
    )
    # The status may have moved on while the file was being stored.
    _refuse_upload(actor, locked)
    if max_files is not None:
        held = Attachment.objects.filter(
            application=locked, field_key=field_key, removed_at__isnull=True
        ).count()
        if held >= max_files:
            raise InvalidInput(
                _("This field takes at most %(count)d files. Remove one first.")
                % {"count": max_files},
                code="too-many-files",
                field=field_key,
                extra={"max_files": max_files},
            )
    now = timezone.now()
    attachment = Attachment.objects.create(
        application=locked,
        field_key=field_key,
        uploaded_by=actor,
        uploaded_at=now,
        **fields,
    )
    ApplicationEvent.objects.create(
        application=locked,
        occurred_at=now,
        kind=EventKind.DOCUMENT,
        actor=actor,
        message=attachment.original_name,
        for_applicant=True,
        data={"attachment": str(attachment.public_id), "field_key": field_key},
    )
    audit_record(
        actor=actor,
        action="eservices.attachment.add",
        target=attachment,
        after={
            "application": locked.reference,
            "field_key": field_key,
            "name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "scan_status": attachment.scan_status,
            "master_key_id": attachment.master_key_id,
        },
        office=locked.office,
    )
    return attachment


def attachment_open(
    *, attachment: Attachment, actor: User, purpose: str
) -> Iterator[bytes]:
    """The plaintext of a document, as chunks to stream to the reader.

    Permission: the applicant, or staff whose reach covers the application's
    office (NotFound otherwise, as for a removed document).
    A staff read is the audit event `eservices.attachment.download` (with
    `purpose`), which the citizen's access log shows, written once the file
    has been found to open. The key is unwrapped and the header and first
    chunk checked before this returns, so a missing key or a foreign file
    fails before a response starts; every later chunk is authenticated before
    it is yielded (crypto.DecryptionError on tampering).
    """
    if attachment.removed_at is not None:
        raise NotFound()
    application = attachment.application
    is_applicant = actor.pk == application.applicant_id
    if not is_applicant:
        ensure_sees_as_staff(actor, application)
    opened = encrypted_file_open(attachment)
    if not is_applicant:
        try:
            audit_record(
                actor=actor,
                action="eservices.attachment.download",
                target=attachment,
                after={
                    "application": application.reference,
                    "applicant_id": application.applicant_id,
                    "name": attachment.original_name,
                    "purpose": purpose,
                },
                office=application.office,
            )
        except BaseException:
            opened.close()
            raise
    return iter(opened)


def _returned_at(application: Application) -> Any:
    """When a returned application was last returned (None for a draft)."""
    if application.status != ApplicationStatus.RETURNED:
        return None
    return (
        application.events.filter(kind=EventKind.ACTION, action=Action.RETURN)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )


def attachment_remove(*, attachment: Attachment, actor: User) -> Attachment:
    """Takes a document off an application: whoever uploaded it, when they
    may fill the application in (the applicant, or staff with
    `application.record_for_citizen` over its office for an application
    recorded on the citizen's behalf: `permissions.may_fill`), while it is a
    draft, or returned and the file came after the return (what the officers
    already had stays).

    Locks the application row. Sets `removed_at`, writes the audit event
    `eservices.attachment.remove`, and deletes the stored object after commit
    (the row stays, for the timeline and the audit trail)."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("office")
            .get(pk=attachment.application_id)
        )
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if locked.removed_at is not None:
            raise NotFound()
        if actor.pk != application.applicant_id:
            ensure_sees_as_staff(actor, application)
        if application.status not in APPLICANT_EDITABLE:
            raise Conflict(
                _(
                    "Documents can be removed only while the application is a "
                    "draft or returned to you."
                ),
                code="not-editable",
            )
        # The applicant, or the officer recording the application for them:
        # each removes only what they uploaded themselves.
        if locked.uploaded_by_id != actor.pk or not may_fill(actor, application):
            raise PermissionDeniedError(
                _("Only the applicant who uploaded a document may remove it.")
            )
        returned_at = _returned_at(application)
        if returned_at is not None and locked.uploaded_at < returned_at:
            raise Conflict(
                _(
                    "The officers already have this document, so it stays with "
                    "the application. Add a new one instead."
                ),
                code="document-received",
            )
        locked.removed_at = timezone.now()
        locked.save(update_fields=["removed_at"])
        audit_record(
            actor=actor,
            action="eservices.attachment.remove",
            target=locked,
            before={"removed_at": None},
            after={
                "application": application.reference,
                "field_key": locked.field_key,
                "name": locked.original_name,
                "removed_at": locked.removed_at,
            },
            office=application.office,
        )
        storage_name = locked.storage_name
        transaction.on_commit(lambda: storage_delete(storage_name), robust=True)
    attachment.removed_at = locked.removed_at
    return locked


def attachments_rewrap(*, to_key_id: str | None = None) -> int:
    """Re-wraps every attachment's data key that is not wrapped with
    `to_key_id` (default: the current master key) with that key. The file
    contents are not touched: only `wrapped_key` and `master_key_id` change.

    Works in batches of REWRAP_BATCH rows, each in its own transaction with the
    rows locked and one audit event `eservices.attachment.rewrap` (how many,
    from which keys); core/uploads/rewrap.py. Raises crypto.MasterKeyError
    when a key it needs is not configured. Returns how many were re-wrapped."""

    return encrypted_files_rewrap(
        model=Attachment,
        to_key_id=to_key_id,
        batch_size=REWRAP_BATCH,
        on_batch=rewrap_batch_auditor(
            actor="eservices_rotate_keys", action="eservices.attachment.rewrap"
        ),
    )
