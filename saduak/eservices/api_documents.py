"""Documents of applications over the API: upload one file to a form's document
field, and download one. Mounted at /api/v1/eservices (config/api.py)."""

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.matrix import Action
from saduak.accounts.permissions import acting_user
from saduak.core.uploads.fields import document_field
from saduak.core.uploads.responses import encrypted_file_response
from saduak.eservices.documents.selectors import (
    application_for_documents,
    attachment_get,
)
from saduak.eservices.documents.services import attachment_open, attachment_store

documents_router = Router(tags=["e-service documents"])


class AttachmentOut(Schema):
    id: UUID = Field(description="The document's public id (for downloading it).")
    field_key: str
    name: str = Field(description="The file name as uploaded (extension fixed).")
    size: int = Field(description="Bytes.")
    content_type: str = Field(description="Read from the content, not the name.")
    scan_status: str = Field(description="clean, or not_scanned (no antivirus).")
    uploaded_at: datetime


@documents_router.post(
    "/applications/{reference}/attachments",
    response={201: AttachmentOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.APPLICATION_RECORD_FOR_CITIZEN},
)
def attachment_upload(
    request: HttpRequest,
    reference: str,
    field_key: Form[str],
    file: File[UploadedFile],
) -> Status:
    """Adds one document to a document field of an application: its applicant
    while it is a draft or returned to them, or staff who record applications
    for citizens at its office while it is open (a draft only when recorded on
    the citizen's behalf); others who may read it 403, anyone else 404. The type
    is read from the content (a renamed file is refused with 400 `file-type`);
    too large a file is 400 `file-too-large` with the limit; an infected one
    400 `file-infected`; an unreachable antivirus 503 with Retry-After."""
    actor = acting_user(request)
    application = application_for_documents(reference=reference, actor=actor)
    field = document_field(application.version.form, field_key)
    attachment = attachment_store(
        application=application,
        field_key=field.key,
        upload=file,
        allowed_types=field.allowed_types,
        max_bytes=field.max_bytes,
        max_files=field.max_files,
        actor=actor,
    )
    return Status(
        201,
        {
            "id": attachment.public_id,
            "field_key": attachment.field_key,
            "name": attachment.original_name,
            "size": attachment.size,
            "content_type": attachment.content_type,
            "scan_status": attachment.scan_status,
            "uploaded_at": attachment.uploaded_at,
        },
    )


@documents_router.get(
    "/attachments/{public_id}",
    auth=STAFF_OR_MACHINE,
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, decrypted as it is sent.",
                "content": {
                    "application/octet-stream": {
                        "schema": {"type": "string", "format": "binary"}
                    }
                },
            }
        }
    },
)
def attachment_download(request: HttpRequest, public_id: UUID) -> StreamingHttpResponse:
    """One document by its public id, for its applicant or an officer whose
    reach covers the application's office (each officer's download is an audit
    event); 404 for anyone else."""
    attachment = attachment_get(public_id=public_id)
    chunks = attachment_open(
        attachment=attachment, actor=acting_user(request), purpose="api"
    )
    return encrypted_file_response(attachment, chunks)
