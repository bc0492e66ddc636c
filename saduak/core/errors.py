"""Errors that services raise. Each carries a machine-readable code, an HTTP status and
a message for people (translated); pages show the message, the API answers
application/problem+json built from the same error."""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "invalid"
    default_message: str | Promise = _("The request could not be carried out.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.field = field
        self.extra = extra or {}
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    status = 400
    code = "invalid-input"


class NotFound(DomainError):
    status = 404
    code = "not-found"
    default_message = _("Nothing was found here. Check the address or the code.")


class PermissionDeniedError(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooManyRequests(DomainError):
    """A rate limit; `extra["retry_after"]` (seconds) becomes Retry-After."""

    status = 429
    code = "rate-limited"


class ServiceUnavailable(DomainError):
    """A part the request needs is down for now (the documents' storage, an
    outside service, the sign-in counters); `extra["retry_after"]` (seconds)
    becomes Retry-After. Pages answer the 503 page with the message
    (DomainErrorMiddleware), the API problem+json."""

    status = 503
    code = "unavailable"
    default_message = _("This part of the service is unavailable for a moment.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        retry_after: int = 60,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code, extra={"retry_after": retry_after})
