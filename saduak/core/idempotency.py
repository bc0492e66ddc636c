"""Idempotency-Key for POSTs that create things (RFC draft
"The Idempotency-Key HTTP Header Field"). The first request with a key is
carried out and its answer kept for IDEMPOTENCY_HOURS; the same key again from
the same credential (a bearer token, the session, or a form's `api_key`) gets
that answer back, marked `Idempotent-Replayed: true`. A key reused with another
body is refused (422), and a key whose first request is still running answers
409 with Retry-After. Pages send the key as a hidden form
field `idempotency_key` (see `idempotency_field`), the API as the header.

The record, the request's work and the kept answer commit together, so an answer
of 500 or more (the database unavailable, a server error) keeps nothing and the
same key may be sent again."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from saduak.core.models import IdempotencyRecord
from saduak.core.problems import problem_response
from saduak.core.responders import error_responder

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
MAX_KEY_LENGTH = 200
# Answers bigger than this are not kept (the work is still done once: the record
# stays as a marker and a replay says the answer is gone).
MAX_BODY_BYTES = 256 * 1024


def idempotency_field() -> SafeString:
    """A hidden field with a fresh key, for a form whose POST creates something."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">',
        FORM_FIELD,
        secrets.token_urlsafe(18),
    )


# A form-encoded POST may carry its credential as a field (GeoReport v2's api_key).
FORM_CREDENTIAL_FIELD = "api_key"


def _owner(request: HttpRequest) -> str | None:
    credential = request.headers.get("Authorization", "")
    if not credential:
        session = getattr(request, "session", None)
        credential = session.session_key if session is not None else ""
        if credential:
            credential = "session:" + credential
        elif request.content_type == "application/x-www-form-urlencoded":
            field = request.POST.get(FORM_CREDENTIAL_FIELD, "").strip()
            credential = "form:" + field if field else ""
        if not credential:
            return None
    return hashlib.sha256(credential.encode()).hexdigest()


def request_key(request: HttpRequest) -> str:
    if request.method != "POST":
        return ""
    return (request.headers.get(HEADER) or request.POST.get(FORM_FIELD, "")).strip()


def _request_digest(request: HttpRequest) -> str:
    """What the request asks, to tell a replay from another request with the same
    key: the body of an API request, the fields of a form or multipart upload
    with each file's name and size (a file is never read into memory for this;
    the CSRF token changes between tabs)."""
    hashed = hashlib.sha256(request.path.encode() + b"\0")
    if request.headers.get(HEADER) and request.content_type != "multipart/form-data":
        hashed.update(request.body)
        return hashed.hexdigest()
    for name in sorted(request.POST):
        if name != "csrfmiddlewaretoken":
            hashed.update(f"{name}={request.POST.getlist(name)!r}\0".encode())
    for name in sorted(request.FILES):
        files = [(item.name, item.size) for item in request.FILES.getlist(name)]
        hashed.update(f"{name}={files!r}\0".encode())
    return hashed.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self.get_response(request)
        key = request_key(request)
        owner = _owner(request) if key else None
        if not key or owner is None:
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return self._refuse(request, 400, _("The Idempotency-Key is too long."))
        digest = _request_digest(request)
        replay = False
        # The key's record, the request's work and its answer are saved in one
        # transaction: if the database goes away before the answer is kept, the
        # work is rolled back with it and a retry with the key is carried out
        # anew; once committed, a retry gets the answer. A second request with
        # the key waits on the first's record (PostgreSQL's unique index) and
        # then gets its answer.
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        owner=owner, key=key, request_hash=digest
                    )
            except IntegrityError:
                replay = True
            if not replay:
                response = self.get_response(request)
                if response.status_code >= 500:
                    # Nothing is done for good (a 503 of a database that went
                    # away, a server error): the client tries again with the key.
                    transaction.set_rollback(True)
                    return response
                content = b"" if response.streaming else response.content
                IdempotencyRecord.objects.filter(pk=record.pk).update(
                    status=response.status_code,
                    content_type=response.get("Content-Type", "")[:100],
                    location=response.get("Location", "")[:1000],
                    body=content if len(content) <= MAX_BODY_BYTES else b"",
                )
                return response
        return self._replay(request, owner, key, digest)

    def _replay(
        self, request: HttpRequest, owner: str, key: str, digest: str
    ) -> HttpResponse:
        record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if record is None:  # expired and removed in between
            return self.get_response(request)
        if record.request_hash != digest:
            return self._refuse(
                request,
                422,
                _("This Idempotency-Key was used for another request. Use a new key."),
            )
        if record.status == 0:
            refused = self._refuse(
                request,
                409,
                _("The first request with this key is still being carried out."),
            )
            refused["Retry-After"] = "1"
            return refused
        response = HttpResponse(
            bytes(record.body), status=record.status, content_type=record.content_type
        )
        if record.location:
            response["Location"] = record.location
        response["Idempotent-Replayed"] = "true"
        return response

    def _refuse(self, request: HttpRequest, status: int, message: str) -> HttpResponse:
        responder = error_responder(request.path)
        if responder is not None:
            return responder(request, status, message)
        if request.path.startswith("/api/"):
            return problem_response(
                request, status=status, code="idempotency-key", title=message
            )
        return HttpResponse(message, status=status, content_type="text/plain")


def idempotency_records_expire() -> int:
    """Deletes answers older than IDEMPOTENCY_HOURS. Run by celery beat."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
