"""The one place the complaint services store uploaded files.

Filing, recording, answering and resolving take `uploads` (Django
UploadedFiles) and call `attachments_store` inside their transaction, after
the complaint and its timeline event are saved. It checks the whole batch
before any file is written, then stores each file through the documents
pipeline (`services/documents.py`, docs/complaints-documents.md): a refused
batch leaves no row and no file, and the caller's transaction rolls back."""

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile

from saduak.accounts.models import User
from saduak.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent
from saduak.complaints.services.documents import (
    complaint_attachment_store,
    complaint_attachments_check,
    delete_stored_on_error,
)


def attachments_store(
    *,
    complaint: Complaint,
    event: ComplaintEvent,
    uploads: Sequence[UploadedFile],
    uploaded_by: User | None,
    is_public: bool = True,
) -> list[ComplaintAttachment]:
    """Stores `uploads` as the complaint's attachments, tied to `event`
    (InvalidInput, field "uploads", for a file that is refused, the file's
    name in the message: the caller's transaction then rolls back).
    `uploaded_by` is the User, or None for someone not signed in or a
    partner's system. The batch is checked first (at most 5 files, 10 MB
    each, JPEG/PNG/WebP/PDF by content, decodable); then each file is scanned
    and stored; if one fails, the files already stored by this call are
    deleted again. Audit `complaint.document_add` per file."""
    if not uploads:
        return []
    complaint_attachments_check(uploads)
    with delete_stored_on_error():
        return [
            complaint_attachment_store(
                complaint=complaint,
                upload=upload,
                uploaded_by=uploaded_by,
                event=event,
                is_public=is_public,
            )
            for upload in uploads
        ]
