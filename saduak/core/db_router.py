"""Which database a query goes to (docs/operations.md section 14, "Read
replicas").

Everything goes to the primary ("default"): every write, every migration and
every read, except the reads of a view decorated with `replica_reads` (the
heavy read-only pages: rankings, statistics, dashboards, open data). Those go
to the replica ("replica", from DATABASE_REPLICA_URL) when all of these hold:

- a replica is configured and REPLICA_READS is on;
- this process last found it up and at most REPLICA_MAX_LAG_SECONDS behind
  (saduak/core/replica.py);
- the person is not pinned to the primary: after a change of theirs (a POST,
  PUT, PATCH or DELETE that succeeded) their reads stay on the primary for
  REPLICA_PIN_SECONDS, so that they read their own writes (a signed cookie,
  which works for anonymous voters too, and, for a signed-in person, a mark
  in the shared cache, which API clients without cookies also get);
- the model is not one whose staleness would be wrong rather than late:
  sessions, people and their roles, tokens and sign-in records
  (PRIMARY_ONLY_APPS) always come from the primary.

The choice is made once per request, at its first eligible read, so that one
page never mixes the two. If a replica query fails, the replica is marked down
in this process and the view runs once more on the primary: a replica never
turns a page into a 500."""

import contextlib
import math
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone

from saduak.core.replica import (
    REPLICA_ALIAS,
    ReplicaState,
    replica_configured,
    replica_mark_down,
    replica_state,
)

# Read from the primary even on a replica page: a session, a person, a role or
# a token read a few seconds late would sign someone in or out wrongly, or let a
# revoked role act; an idempotency record must be the primary's.
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "admin",
        "auth",
        "axes",
        "contenttypes",
        "core",
        "django_otp",
        "identity",
        "oauth2_provider",
        "oidc",
        "otp_static",
        "otp_totp",
        "sessions",
    }
)
PIN_COOKIE = "saduak_primary"
PIN_SALT = "saduak.core.db_router.pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FRESHNESS_HEADER = "X-Data-Freshness-Seconds"
SOURCE_HEADER = "X-Data-Source"

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


@dataclass
class ReadScope:
    """The replica-eligible reads of one request (one decorated view)."""

    request: HttpRequest | None
    primary_only: bool = False
    alias: str | None = None
    state: ReplicaState | None = None
    deciding: bool = False
    replica_used: bool = field(default=False)

    def read_alias(self) -> str:
        if self.alias is None:
            if self.deciding:
                # The pin check reads the session and the person (primary-only
                # models anyway); nothing it reads decides anything.
                return DEFAULT_DB_ALIAS
            self.deciding = True
            try:
                self.alias = self._decide()
            finally:
                self.deciding = False
        if self.alias == REPLICA_ALIAS:
            self.replica_used = True
        return self.alias

    def _decide(self) -> str:
        if self.primary_only or not replica_configured():
            return DEFAULT_DB_ALIAS
        if self.request is not None and pinned_to_primary(self.request):
            return DEFAULT_DB_ALIAS
        state = replica_state()
        if not state.usable:
            return DEFAULT_DB_ALIAS
        self.state = state
        replica = connections[REPLICA_ALIAS]
        if replica.errors_occurred:
            # Left broken by an earlier request of this thread: start afresh
            # (the flag is what tells this request's failures apart).
            replica.close()
            replica.errors_occurred = False
        return REPLICA_ALIAS

    def replica_failed(self) -> bool:
        return self.replica_used and connections[REPLICA_ALIAS].errors_occurred


_scope: ContextVar[ReadScope | None] = ContextVar("replica_read_scope", default=None)


class PrimaryReplicaRouter:
    """DATABASE_ROUTERS: the rules in this module's docstring."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str:
        scope = _scope.get()
        if scope is None or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        return scope.read_alias()

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(
        self, obj1: models.Model, obj2: models.Model, **hints: Any
    ) -> bool:
        # The replica holds the primary's very rows: an object read from one
        # may point at an object read from the other.
        return {obj1._state.db, obj2._state.db} <= {
            DEFAULT_DB_ALIAS,
            REPLICA_ALIAS,
            None,
        }

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # A streaming replica is read-only and copies the primary's schema.
        return db == DEFAULT_DB_ALIAS


def replica_reads(view: ViewT) -> ViewT:
    """A view decorator (for an API operation: `@decorate_view(replica_reads)`)
    that lets the view's reads come from the replica. Only for views that
    write nothing they read back in the same request: every write goes to the
    primary, and the replica would not have it yet."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if _scope.get() is not None:
            return view(request, *args, **kwargs)
        scope = ReadScope(request)
        token = _scope.set(scope)
        try:
            try:
                response = view(request, *args, **kwargs)
            except DatabaseError as error:
                if not scope.replica_failed():
                    raise
                replica_mark_down(error)
            else:
                # The API answers a failed query with its own 500 rather than
                # raising it: the replica connection remembers the error.
                if not scope.replica_failed():
                    return _with_freshness(response, scope)
                replica_mark_down()
            _scope.set(scope := ReadScope(request, primary_only=True))
            return view(request, *args, **kwargs)
        finally:
            _scope.reset(token)

    return cast(ViewT, wrapped)


def _with_freshness(response: HttpResponseBase, scope: ReadScope) -> HttpResponseBase:
    freshness = _freshness_of(scope)
    if freshness is not None:
        response[SOURCE_HEADER] = "replica"
        response[FRESHNESS_HEADER] = str(freshness.behind_seconds)
    return response


@dataclass(frozen=True)
class Freshness:
    """How fresh a page read from the replica is: its data is at least as
    recent as `as_of`, at most `behind_seconds` behind the primary now."""

    as_of: datetime
    behind_seconds: int


def _freshness_of(scope: ReadScope | None) -> Freshness | None:
    if scope is None or not scope.replica_used or scope.state is None:
        return None
    as_of = scope.state.data_as_of()
    behind = (timezone.now() - as_of).total_seconds()
    return Freshness(as_of=as_of, behind_seconds=max(1, math.ceil(behind)))


def current_freshness() -> Freshness | None:
    """The freshness of the current view's data if any of it came from the
    replica (read when the template asks, after the view's queries)."""
    return _freshness_of(_scope.get())


def data_freshness(request: HttpRequest) -> dict[str, object]:
    """Context processor: `data_freshness`, called by the template
    templates/partials/data_freshness.html when it is rendered."""
    return {"data_freshness": current_freshness}


# --- Reading one's own writes ---------------------------------------------------------
def _user_pin_key(user_pk: object) -> str:
    return f"replica-pin:{user_pk}"


def pinned_to_primary(request: HttpRequest) -> bool:
    """Whether this person changed something less than REPLICA_PIN_SECONDS ago."""
    if request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_SALT, max_age=settings.REPLICA_PIN_SECONDS
    ):
        return True
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    try:
        return bool(cache.get(_user_pin_key(user.pk)))
    # The shared cache down: not knowing, read what is certainly current.
    except Exception:
        return True


def pin_to_primary(request: HttpRequest, response: HttpResponseBase) -> None:
    """Keeps this person's reads on the primary for REPLICA_PIN_SECONDS."""
    seconds = settings.REPLICA_PIN_SECONDS
    response.set_signed_cookie(
        PIN_COOKIE,
        "1",
        salt=PIN_SALT,
        max_age=seconds,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # The shared cache down: the cookie still pins a browser; a machine's
        # next read may come from the replica.
        with contextlib.suppress(Exception):
            cache.set(_user_pin_key(user.pk), 1, timeout=seconds)


class ReplicaPinMiddleware:
    """After a change that succeeded (an unsafe method answered below 400), the
    person's reads stay on the primary for REPLICA_PIN_SECONDS. Only when a
    replica is configured: otherwise there is nothing to pin away from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method not in SAFE_METHODS
            and response.status_code < 400
            and replica_configured()
        ):
            pin_to_primary(request, response)
        return response
