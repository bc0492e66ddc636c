"""htmx helpers."""

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True when htmx sent the request (it then wants a partial, not a page)."""
    return bool(getattr(request, "htmx", False))
