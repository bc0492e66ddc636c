"""Downloading a document of an application, by its public id: the applicant,
or staff whose reach covers the application's office (each staff download an
audit event; anyone else is answered 404).
The file is decrypted as it is sent; nothing of it is cached on the way."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from saduak.accounts.permissions import acting_user
from saduak.core.uploads.responses import encrypted_file_response
from saduak.eservices.documents.selectors import attachment_get
from saduak.eservices.documents.services import attachment_open


@login_required
@never_cache
@require_GET
def attachment_download(request: HttpRequest, public_id: UUID) -> StreamingHttpResponse:
    # The services' NotFound and PermissionDeniedError become the 404 and 403
    # pages (core.middleware.DomainErrorMiddleware).
    attachment = attachment_get(public_id=public_id)
    chunks = attachment_open(
        attachment=attachment, actor=acting_user(request), purpose="download"
    )
    return encrypted_file_response(attachment, chunks)
