"""A partner client's public keys, wherever it registered them: the JWK Set held in
PartnerClient.jwks, or the one it publishes at PartnerClient.jwks_uri.

A published set is fetched with httpx (OIDC_CLIENT_JWKS_TIMEOUT_SECONDS, no
redirects followed, at most MAX_JWKS_BYTES), checked like a registered one
(client_keys.registered_jwks_check) and kept in the cache for
OIDC_CLIENT_JWKS_CACHE_SECONDS. When a JWT names a key (`kid`) the kept set does
not hold, the set is fetched again at once, at most once per REFETCH_SECONDS:
that is rotation without downtime (the partner publishes its new key, then
signs with it; Saduak notices the new `kid` on the first JWT that uses it). A
failed fetch keeps the last good set until it is STALE_FACTOR times as old as
the cache time.

Tests serve keys through `TRANSPORT`: set it (monkeypatch) to an
httpx.MockTransport (or any httpx.BaseTransport) and every fetch goes through it
instead of the network."""

import hashlib
import json
import logging
import time
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache
from jwcrypto import jwk

from saduak.core.errors import InvalidInput
from saduak.identity.oidc.client_keys import keys_of_set, registered_jwks_check

log = logging.getLogger(__name__)

# Not a key set any partner needs; a larger answer is refused unread.
MAX_JWKS_BYTES = 64 * 1024
REFETCH_SECONDS = 60
STALE_FACTOR = 24
# Set by tests: an httpx transport that answers instead of the network.
TRANSPORT: httpx.BaseTransport | None = None


def client_keys(
    partner_client: Any, *, use: str, kid: str | None = None
) -> list[jwk.JWK]:
    """The client's keys for `use` ("sig" or "enc"), only the one named `kid`
    when given. Empty when the client has none (or its published set cannot be
    read): the caller refuses what it cannot verify."""
    if partner_client is None:
        return []
    uri = str(partner_client.jwks_uri or "")
    if not uri:
        return _matching(keys_of_set(partner_client.jwks or {}, use=use), kid)
    kept = cache.get(_cache_key(uri))
    kept = kept if isinstance(kept, dict) else None
    fresh = kept is not None and (
        time.time() - float(kept.get("fetched_at", 0))
        < settings.OIDC_CLIENT_JWKS_CACHE_SECONDS
    )
    jwks: dict[str, Any] | None = kept.get("jwks") if kept is not None else None
    # A stale or missing set is fetched again at most once a minute, failed
    # attempts included: a partner's key address that is down does not cost a
    # 3-second fetch on every request that names the client.
    if not fresh and (kept is None or _may_refetch(kept)):
        jwks = _fetch_and_keep(uri, kept) or jwks
    keys = _matching(keys_of_set(jwks or {}, use=use), kid)
    if not keys and kid is not None and fresh and kept and _may_refetch(kept):
        fetched = _fetch_and_keep(uri, kept)
        if fetched is not None:
            keys = _matching(keys_of_set(fetched, use=use), kid)
    return keys


def forget_published_keys(uri: str) -> None:
    """Drops the kept copy of a published set (HQ changed the client's keys)."""
    cache.delete(_cache_key(uri))


def _matching(keys: list[jwk.JWK], kid: str | None) -> list[jwk.JWK]:
    if kid is None:
        return keys
    return [key for key in keys if key.get("kid") == kid]


def _cache_key(uri: str) -> str:
    return "oidc:client-jwks:" + hashlib.sha256(uri.encode()).hexdigest()


def _may_refetch(kept: dict[str, Any]) -> bool:
    return time.time() - float(kept.get("attempted_at", 0)) >= REFETCH_SECONDS


def _fetch_and_keep(uri: str, kept: dict[str, Any] | None) -> dict[str, Any] | None:
    now = time.time()
    lifetime = settings.OIDC_CLIENT_JWKS_CACHE_SECONDS * STALE_FACTOR
    fetched = _fetch(uri)
    if fetched is None:
        # Keep the last good set, if any, and the time of this attempt: the next
        # one waits REFETCH_SECONDS.
        kept_set = {"jwks": None, "fetched_at": 0} if kept is None else kept
        cache.set(_cache_key(uri), {**kept_set, "attempted_at": now}, lifetime)
        return None
    cache.set(
        _cache_key(uri),
        {"jwks": fetched, "fetched_at": now, "attempted_at": now},
        lifetime,
    )
    return fetched


def _fetch(uri: str) -> dict[str, Any] | None:
    # Registered by HQ, checked again here: https, or http to this machine only
    # where development allows it.
    from saduak.identity.oidc.services import redirect_uri_check

    try:
        redirect_uri_check(uri)
    except InvalidInput:
        log.warning("client jwks_uri refused: %s", uri)
        return None
    timeout = settings.OIDC_CLIENT_JWKS_TIMEOUT_SECONDS
    try:
        with (
            httpx.Client(
                timeout=timeout, follow_redirects=False, transport=TRANSPORT
            ) as http,
            http.stream("GET", uri, headers={"Accept": "application/json"}) as answer,
        ):
            if answer.status_code != 200:
                log.warning("client jwks_uri %s answered %s", uri, answer.status_code)
                return None
            body = b""
            for chunk in answer.iter_bytes():
                body += chunk
                if len(body) > MAX_JWKS_BYTES:
                    log.warning("client jwks_uri %s: too large", uri)
                    return None
        return registered_jwks_check(json.loads(body))
    except (httpx.HTTPError, ValueError, InvalidInput) as error:
        log.warning("client jwks_uri %s unusable: %s", uri, type(error).__name__)
        return None
