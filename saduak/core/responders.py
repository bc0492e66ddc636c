"""Error answers for paths that speak a format of their own (an external
standard's error body, not our pages' or the API's problem+json). Middleware
that refuses a request before any view runs (text that cannot be stored, an
Idempotency-Key reused) asks `error_responder(path)` first: settings
`ERROR_RESPONDERS` maps a path prefix to the dotted path of a function
`(request, status, message) -> HttpResponse`. Today: `/open311/` (GeoReport
v2's `errors` list)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

Responder = Callable[[HttpRequest, int, str], HttpResponse]


def error_responder(path: str) -> Responder | None:
    for prefix, dotted in getattr(settings, "ERROR_RESPONDERS", {}).items():
        if path.startswith(prefix):
            responder: Responder = import_string(dotted)
            return responder
    return None
