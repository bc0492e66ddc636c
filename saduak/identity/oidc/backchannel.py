"""OIDC Back-Channel Logout 1.0: when a person's session at Saduak ends, every
partner client they used in that session is told, server to server, with a logout
token; and the tokens issued to those clients in that session end with it.

The outbox rule of docs/layout.md section 8.2: `partner_sign_ins_end_for_sessions`
runs inside the transaction that ends the session, ends the partner sign-ins
(PartnerSignIn.ended_at), revokes their tokens and writes one BackchannelLogout row
per client with a back-channel logout address; the delivery is queued after commit.
`backchannel_logout_deliver` makes one attempt (a lease through `next_attempt_at`,
so two workers never send one row at once), `backchannel_logouts_requeue_stale`
(celery beat, every minute) hands over again rows whose hand-over was lost.

Delivery: POST application/x-www-form-urlencoded `logout_token=<JWT>` with
OIDC_BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS, redirects never followed; 200 or 204 is
success. Timeouts, connection errors, 429 and 5xx are retried with exponential
backoff until OIDC_BACKCHANNEL_LOGOUT_ATTEMPTS are used; any other answer (3xx,
4xx) fails at once. The token is signed at each attempt (its `exp` is two minutes
ahead), with a new `jti`."""

import ipaddress
import logging
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import get_id_token_model
from oauth2_provider.settings import oauth2_settings

from saduak.identity.models import PartnerClient
from saduak.identity.oidc.claims import pairwise_subject
from saduak.identity.oidc.models import (
    AccessTokenBinding,
    BackchannelLogout,
    BackchannelLogoutStatus,
    PartnerSignIn,
    RefreshTokenBinding,
)
from saduak.identity.oidc.sign_ins import session_sid
from saduak.identity.oidc.signing import sign_jwt

logger = logging.getLogger(__name__)

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_SECONDS = 120
BACKOFF_BASE_SECONDS = 30
REQUEUE_GRACE_SECONDS = 60
# Tests replace this with an httpx.MockTransport; None is the real network.
transport: httpx.BaseTransport | None = None


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one delivery run left: the row's status, and `retry_in` (seconds) when
    the task should run again."""

    status: str
    retry_in: int | None = None


class _DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


# --- In the transaction that ends a session ----------------------------------------
def partner_sign_ins_end_for_sessions(*, session_ids: Iterable[int]) -> int:
    """Ends the partner sign-ins made in these Saduak sessions: their tokens are
    revoked and each client with a back-channel logout address gets a logout token
    (a BackchannelLogout row, delivered after commit). Call it inside the
    transaction that ends the sessions. Returns how many rows were written."""
    ids = [pk for pk in session_ids if pk]
    if not ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        sign_ins = list(
            PartnerSignIn.objects.select_related("session")
            .filter(session_id__in=ids, ended_at__isnull=True)
            .order_by("pk")
        )
        if not sign_ins:
            return 0
        PartnerSignIn.objects.filter(pk__in=[s.pk for s in sign_ins]).update(
            ended_at=now
        )
        _revoke_tokens_of(sign_ins)
        addresses = dict(
            PartnerClient.objects.filter(
                application_id__in={s.application_id for s in sign_ins}
            )
            .exclude(backchannel_logout_uri="")
            .values_list("application_id", "backchannel_logout_uri")
        )
        owed: dict[tuple[int, int, int | None], PartnerSignIn] = {}
        for sign_in in sign_ins:
            if sign_in.application_id in addresses and sign_in.session is not None:
                key = (sign_in.application_id, sign_in.user_id, sign_in.session_id)
                owed.setdefault(key, sign_in)
        rows = BackchannelLogout.objects.bulk_create(
            [
                BackchannelLogout(
                    application_id=sign_in.application_id,
                    user_id=sign_in.user_id,
                    sid=session_sid(sign_in.session),  # type: ignore[arg-type]
                    created_at=now,
                    next_attempt_at=now,
                )
                for sign_in in owed.values()
            ]
        )
        # PostgreSQL and SQLite (3.35+) give bulk-created rows their pks.
        pks = [row.pk for row in rows if row.pk is not None]
        if pks:
            transaction.on_commit(lambda: _queue_deliveries(pks), robust=True)
    return len(rows)


def _revoke_tokens_of(sign_ins: list[PartnerSignIn]) -> None:
    """Revokes the refresh tokens issued from these sign-ins (which deletes their
    access tokens), the access tokens left, and their ID tokens (deleted, as
    django-oauth-toolkit revokes them)."""
    access_bindings = AccessTokenBinding.objects.filter(sign_in__in=sign_ins)
    id_token_ids = list(
        access_bindings.filter(access_token__id_token__isnull=False).values_list(
            "access_token__id_token_id", flat=True
        )
    )
    refresh_bindings = RefreshTokenBinding.objects.filter(
        sign_in__in=sign_ins, refresh_token__revoked__isnull=True
    ).select_related("refresh_token")
    for refresh_binding in refresh_bindings:
        refresh_binding.refresh_token.revoke()
    for binding in access_bindings.select_related("access_token"):
        binding.access_token.revoke()
    get_id_token_model().objects.filter(pk__in=id_token_ids).delete()


def _queue_deliveries(pks: list[int]) -> None:
    from saduak.identity.oidc.tasks import deliver_backchannel_logout

    for pk in pks:
        deliver_backchannel_logout.delay(pk)


# --- The logout token --------------------------------------------------------------
def issuer() -> str:
    """The issuer without a request (a worker sends logout tokens): OIDC_ISSUER
    when set, as production sets it, else SITE_URL with the provider's path (/o),
    which is what a request to SITE_URL would make."""
    configured = oauth2_settings.OIDC_ISS_ENDPOINT
    if configured:
        return str(configured)
    discovery = reverse("oauth2_provider:oidc-connect-discovery-info")
    path = discovery[: -len("/.well-known/openid-configuration")]
    return f"{str(settings.SITE_URL).rstrip('/')}{path}"


def logout_token(row: BackchannelLogout, *, now: float | None = None) -> str:
    """The logout token owed by `row`: signed, typ logout+jwt, no nonce."""
    issued = int(now if now is not None else time.time())
    partner_client = PartnerClient.objects.select_related("partner").get(
        application_id=row.application_id
    )
    claims: dict[str, Any] = {
        "iss": issuer(),
        "aud": row.application.client_id,
        "iat": issued,
        "exp": issued + LOGOUT_TOKEN_SECONDS,
        "jti": secrets.token_urlsafe(24),
        "sub": pairwise_subject(user=row.user, partner=partner_client.partner),
        "events": {LOGOUT_EVENT: {}},
    }
    if row.sid:
        claims["sid"] = row.sid
    return sign_jwt(claims, typ="logout+jwt")


# --- Delivery ----------------------------------------------------------------------
def _lease_seconds() -> int:
    return int(settings.OIDC_BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS) * 2 + 30


def _backoff(attempts: int) -> int:
    return int(BACKOFF_BASE_SECONDS * 2 ** max(attempts, 0))


def _claim(pk: int) -> BackchannelLogout | None:
    now = timezone.now()
    taken = BackchannelLogout.objects.filter(
        pk=pk, status=BackchannelLogoutStatus.QUEUED, next_attempt_at__lte=now
    ).update(
        next_attempt_at=now + timedelta(seconds=_lease_seconds()),
        attempts=F("attempts") + 1,
    )
    if not taken:
        return None
    return BackchannelLogout.objects.select_related("application", "user").get(pk=pk)


def backchannel_logout_deliver(*, pk: int) -> DeliveryOutcome:
    """One delivery attempt of a queued logout token, recorded on its row. A row
    that is not queued, or that another worker holds, is left alone."""
    row = _claim(pk)
    if row is None:
        current = BackchannelLogout.objects.filter(pk=pk).first()
        return DeliveryOutcome(status=current.status if current else "")
    address = (
        PartnerClient.objects.filter(application_id=row.application_id)
        .values_list("backchannel_logout_uri", flat=True)
        .first()
    )
    try:
        if not address:
            raise _DeliveryError("No back-channel logout address.", permanent=True)
        _address_check(address)
        _post(address, logout_token(row))
    except _DeliveryError as error:
        return _record_failure(row, str(error), permanent=error.permanent)
    except Exception as error:  # a library's own error: retry later
        logger.exception("Back-channel logout %s raised unexpectedly", row.pk)
        return _record_failure(row, f"{type(error).__name__}: {error}", permanent=False)
    BackchannelLogout.objects.filter(pk=row.pk).update(
        status=BackchannelLogoutStatus.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
    return DeliveryOutcome(status=BackchannelLogoutStatus.SENT)


def _address_check(address: str) -> None:
    """https only; plain http only to this machine when OIDC_ALLOW_HTTP_LOCALHOST."""
    parts = urlsplit(address)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and settings.OIDC_ALLOW_HTTP_LOCALHOST:
        host = parts.hostname or ""
        if host == "localhost":
            return
        try:
            if ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            pass
    raise _DeliveryError(f"Refused address scheme: {parts.scheme}", permanent=True)


def _post(address: str, token: str) -> None:
    timeout = float(settings.OIDC_BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS)
    try:
        with httpx.Client(
            timeout=timeout, follow_redirects=False, transport=transport
        ) as client:
            response = client.post(
                address,
                data={"logout_token": token},
                headers={"Cache-Control": "no-store"},
            )
    except httpx.HTTPError as error:
        raise _DeliveryError(
            f"{type(error).__name__}: {error}", permanent=False
        ) from error
    if response.status_code in (200, 204):
        return
    transient = response.status_code == 429 or response.status_code >= 500
    raise _DeliveryError(f"HTTP {response.status_code}", permanent=not transient)


def _record_failure(
    row: BackchannelLogout, message: str, *, permanent: bool
) -> DeliveryOutcome:
    attempts = row.attempts
    give_up = permanent or attempts >= int(settings.OIDC_BACKCHANNEL_LOGOUT_ATTEMPTS)
    if give_up:
        BackchannelLogout.objects.filter(pk=row.pk).update(
            status=BackchannelLogoutStatus.FAILED,
            last_error=message[:300],
            next_attempt_at=timezone.now(),
        )
        logger.warning(
            "Back-channel logout %s to client %s failed for good: %s",
            row.pk,
            row.application_id,
            message,
        )
        return DeliveryOutcome(status=BackchannelLogoutStatus.FAILED)
    wait = _backoff(attempts)
    BackchannelLogout.objects.filter(pk=row.pk).update(
        last_error=message[:300],
        next_attempt_at=timezone.now() + timedelta(seconds=wait),
    )
    return DeliveryOutcome(status=BackchannelLogoutStatus.QUEUED, retry_in=wait)


def backchannel_logouts_requeue_stale(*, limit: int = 500) -> int:
    """Hands to the broker again queued rows nobody is delivering: committed but
    never handed over, or past their back-off with no retry scheduled (eager mode,
    a lost worker), once REQUEUE_GRACE_SECONDS late. Delivery claims a row under
    its lease, so a row handed over twice is sent once. Returns how many."""
    due_before: datetime = timezone.now() - timedelta(seconds=REQUEUE_GRACE_SECONDS)
    pks = list(
        BackchannelLogout.objects.filter(
            status=BackchannelLogoutStatus.QUEUED, next_attempt_at__lte=due_before
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    try:
        _queue_deliveries(pks)
    except Exception:  # the broker is down: the next run tries again
        logger.exception("Could not requeue back-channel logouts")
        return 0
    return len(pks)
