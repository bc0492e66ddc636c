"""The one cache of public pages (docs/layout.md 8.4, pattern D): a page read
by a crowd of visitors without a session is kept in Django's cache for a few
seconds or minutes, keyed by language and address, and browsers and proxies
may keep it as long. A signed-in person's page is never cached (its header is
theirs). The happiness ranking and the complaint figures both use it."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

View = Callable[..., HttpResponse]


def anonymous_page_cache(
    *,
    prefix: str,
    seconds: Callable[[], int],
    generation: Callable[[], object] = lambda: "",
) -> Callable[[View], View]:
    """A view decorator. `seconds()` is read on each request (a setting, so
    tests may change it; 0 turns the cache off); `generation()` is part of the
    key, so bumping it forgets every cached page at once."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            keep = seconds()
            anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
            if not (anonymous and keep):
                return view(request, *args, **kwargs)
            key = f"{prefix}:{generation()}:{get_language()}:{request.get_full_path()}"
            found = cache.get(key)
            if found is not None:
                content, content_type, disposition = found
                response = HttpResponse(content, content_type=content_type)
                if disposition:
                    response["Content-Disposition"] = disposition
                return _cacheable(response, keep)
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.cookies:
                return response
            cache.set(
                key,
                (
                    response.content,
                    response["Content-Type"],
                    response.get("Content-Disposition", ""),
                ),
                keep,
            )
            return _cacheable(response, keep)

        return wrapped

    return decorate


def _cacheable(response: HttpResponse, seconds: int) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={seconds}"
    return response
