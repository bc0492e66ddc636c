"""Who is asking, for rate limits: the client's address as the reverse proxy saw
it (the last TRUSTED_PROXIES hops of X-Forwarded-For are our own proxies), kept
only as a salted hash."""

import hashlib

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    hops = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(addresses) >= hops:
            return addresses[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))


def client_key(request: HttpRequest) -> str:
    """A salted hash of the client's address: enough to count, never the address."""
    salted = f"{settings.SECRET_KEY}:client:{client_ip(request)}"
    return hashlib.sha256(salted.encode()).hexdigest()[:32]
