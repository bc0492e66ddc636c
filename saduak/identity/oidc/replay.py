"""One-time JWTs (client assertions, DPoP proofs, request objects): the first use of
a `jti` from an issuer is accepted, every later one refused, until the JWT expires.

The row is written in a savepoint so a refused duplicate leaves the caller's
transaction usable; the unique constraint (SeenJwt) decides between two requests
that arrive at once, on SQLite and PostgreSQL alike. Expired rows are deleted by
`oidc_seen_jwts_purge` (tasks.py)."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from saduak.identity.oidc.models import SeenJwt

CLIENT_ASSERTION = "client_assertion"
DPOP_PROOF = "dpop"
REQUEST_OBJECT = "request_object"


def jwt_first_use(*, purpose: str, issuer: str, jti: str, expires_at: datetime) -> bool:
    """Whether this is the first time `jti` from `issuer` is presented for
    `purpose`; records it. Callers check the JWT's signature and lifetime first,
    so only genuine JWTs take a row."""
    if not jti or len(jti) > 255 or len(issuer) > 255:
        return False
    try:
        with transaction.atomic():
            SeenJwt.objects.create(
                purpose=purpose, issuer=issuer, jti=jti, expires_at=expires_at
            )
    except IntegrityError:
        return False
    return True


def seen_jwts_purge() -> int:
    """Deletes the records of JWTs that have expired (they would be refused for
    their age anyway); returns how many."""
    deleted, _ = SeenJwt.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
