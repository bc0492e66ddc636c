"""The one place the complaint services store uploaded files.

Filing, recording, answering and resolving take `uploads` (Django
UploadedFiles) and call `attachments_store` inside their transaction, after
the complaint and its timeline event are saved. The documents pipeline
(`services/documents.py`, `complaint_attachment_store`, written with the
encrypted-document move of issue 15) checks and stores them; until it is
there, a complaint with files is refused with a precise message and nothing
is stored. The uploads work replaces the body of this function only."""

from collections.abc import Sequence
from importlib import import_module
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from saduak.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent
from saduak.core.errors import InvalidInput


def attachments_store(
    *,
    complaint: Complaint,
    event: ComplaintEvent,
    uploads: Sequence[UploadedFile],
    uploaded_by: Any,
    is_public: bool = True,
) -> list[ComplaintAttachment]:
    """Stores `uploads` as the complaint's attachments, tied to `event`
    (InvalidInput, field "uploads", for a file that is refused: the caller's
    transaction then rolls back). `uploaded_by` is the User, or None for
    someone not signed in or a partner's system."""
    if not uploads:
        return []
    try:
        documents = import_module("saduak.complaints.services.documents")
    except ModuleNotFoundError:
        raise InvalidInput(
            _("Files cannot be attached to complaints yet. Send it without them."),
            field="uploads",
        ) from None
    stored: list[ComplaintAttachment] = documents.complaint_attachment_store(
        complaint=complaint,
        event=event,
        uploads=uploads,
        uploaded_by=uploaded_by,
        is_public=is_public,
    )
    return stored
