"""Request ids for structured logs: every log line written while serving a request
carries that request's id, and so does every audit event."""

import logging
import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_VALID_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


def bind_request_id(incoming: str | None) -> tuple[str, object]:
    """Takes the caller's X-Request-ID when it looks like one, else makes a new id."""
    request_id = (
        incoming
        if incoming and _VALID_INCOMING_ID.match(incoming)
        else uuid.uuid4().hex
    )
    token = _request_id.set(request_id)
    return request_id, token


def unbind_request_id(token: object) -> None:
    _request_id.reset(token)  # type: ignore[arg-type]


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
