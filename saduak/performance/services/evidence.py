"""Evidence attached to a result (or one of its milestone criteria): PDFs and
photos stored encrypted through core/uploads (docs/layout.md 8.6), added and
removed while the round is open."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Actor
from saduak.accounts.models import User
from saduak.audit.services import rewrap_batch_auditor
from saduak.core.errors import InvalidInput
from saduak.core.uploads.rewrap import encrypted_files_rewrap
from saduak.core.uploads.store import (
    MB,
    delete_stored_on_error,
    encrypted_file_store,
    storage_delete,
)
from saduak.performance.models import KpiResult, MilestoneItem, ResultEvidence
from saduak.performance.services.common import framework_audit, result_open

ALLOWED_TYPES = ["pdf", "jpg", "png", "webp"]
ACCEPTED_FILES = "application/pdf,image/jpeg,image/png,image/webp"
MAX_BYTES = 20 * MB
FIELD = "upload"
STORAGE_PREFIX = "performance"
DESCRIPTION_LIMIT = 300
REWRAP_BATCH = 500


def evidence_add(
    *,
    actor: Actor,
    result: KpiResult,
    upload: UploadedFile,
    description: str = "",
    item: MilestoneItem | None = None,
) -> ResultEvidence:
    """Stores one evidence file of a result (saved or new) in an open round,
    for the whole result or one milestone criterion of its KPI. Refused on
    "upload": not a PDF, JPEG, PNG or WebP by its content, over 20 MB,
    unreadable, infected. Permission: as `result_record`.
    Audit: evidence.add (name, type, size, SHA-256)."""
    description = (description or "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        raise InvalidInput(
            _("At most %(limit)s characters.") % {"limit": DESCRIPTION_LIMIT},
            field="description",
        )
    if item is not None and item.kpi_id != result.kpi_id:
        raise InvalidInput(_("This criterion is of another KPI."), field="item")
    with delete_stored_on_error(), transaction.atomic():
        result, round = result_open(actor=actor, result=result)
        stored = encrypted_file_store(
            upload,
            allowed_types=ALLOWED_TYPES,
            max_bytes=MAX_BYTES,
            field=FIELD,
            prefix=STORAGE_PREFIX,
        )
        evidence = ResultEvidence.objects.create(
            result=result,
            item=item,
            description=description,
            uploaded_by=actor if isinstance(actor, User) else None,
            uploaded_at=timezone.now(),
            **stored.fields(),
        )
        framework_audit(
            actor=actor,
            action="evidence.add",
            framework=round.framework,
            target=evidence,
            after={
                "name": evidence.original_name,
                "type": evidence.content_type,
                "size": evidence.size,
                "sha256": evidence.sha256,
                "description": description,
            },
        )
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Actor, evidence: ResultEvidence) -> None:
    """Removes an evidence file while its round is open; the stored object is
    deleted after commit. Permission: as `result_record`.
    Audit: evidence.remove."""
    _result, round = result_open(actor=actor, result=evidence.result)
    storage_name = evidence.storage_name
    framework_audit(
        actor=actor,
        action="evidence.remove",
        framework=round.framework,
        target=evidence,
        before={
            "name": evidence.original_name,
            "sha256": evidence.sha256,
            "description": evidence.description,
        },
    )
    evidence.delete()
    transaction.on_commit(lambda: storage_delete(storage_name), robust=True)


def evidence_rewrap(*, to_key_id: str | None = None) -> int:
    """Re-wraps the data key of every evidence file not wrapped with
    `to_key_id` (default: the current master key), in locked batches with
    one audit event `evidence.rewrap` each (`performance_rotate_keys`).
    File contents are not touched. Raises crypto.MasterKeyError when a key
    it needs is not configured. Returns how many were re-wrapped."""

    return encrypted_files_rewrap(
        model=ResultEvidence,
        to_key_id=to_key_id,
        batch_size=REWRAP_BATCH,
        on_batch=rewrap_batch_auditor(
            actor="performance_rotate_keys", action="evidence.rewrap"
        ),
    )
