"""Downloading a complaint's photo or document by its public id: the
complainant (signed in, or through the tracking link's token) for its public
ones, staff whose reach covers the holder office for any (each an audit
event); anyone else is answered 404. The file is decrypted as it is sent;
nothing of it is cached on the way."""

from uuid import UUID

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from saduak.accounts.permissions import acting_user
from saduak.complaints.models import ComplaintAttachment
from saduak.complaints.services.documents import (
    complaint_attachment_get,
    complaint_attachment_open,
)
from saduak.core.uploads.responses import encrypted_file_response


def complaint_document_url(
    attachment: ComplaintAttachment, *, tracking_token: str = ""
) -> str:
    """The download link of an attachment: through the tracking token for
    the tracking page, by the public id alone for a signed-in reader."""
    if tracking_token:
        return reverse(
            "complaints-documents:download-tracked",
            kwargs={"token": tracking_token, "public_id": attachment.public_id},
        )
    return reverse(
        "complaints-documents:download", kwargs={"public_id": attachment.public_id}
    )


def _download(
    request: HttpRequest, public_id: UUID, tracking_token: str
) -> StreamingHttpResponse:
    # NotFound becomes the 404 page (core.middleware.DomainErrorMiddleware).
    attachment = complaint_attachment_get(public_id=public_id)
    actor = acting_user(request) if request.user.is_authenticated else None
    chunks = complaint_attachment_open(
        attachment=attachment,
        actor=actor,
        tracking_token=tracking_token,
        purpose="download",
    )
    return encrypted_file_response(attachment, chunks)


@never_cache
@require_GET
def download(request: HttpRequest, public_id: UUID) -> StreamingHttpResponse:
    """Signed-in readers: the complainant, or staff within reach. Not signed
    in is a 404 too (a sign-in page would tell that the file exists)."""
    return _download(request, public_id, "")


@never_cache
@require_GET
def download_tracked(
    request: HttpRequest, token: str, public_id: UUID
) -> StreamingHttpResponse:
    """Whoever holds the complaint's tracking link (not signed in, or signed
    in as someone else)."""
    return _download(request, public_id, token)
