"""The `api_key` of a partner agency (an `Open311Key`: only its SHA-256 is stored),
and the rate at which one key may file."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.complaints.models import Open311Key
from saduak.complaints.services.keys import open311_key_hash
from saduak.core.counters import count_up_or_allow
from saduak.core.errors import PermissionDeniedError, TooManyRequests

# last_used_at is written at most this often per key (a busy partner would
# otherwise update the same row on every request).
LAST_USED_EVERY = timedelta(minutes=5)


def open311_key_check(raw: str) -> Open311Key:
    """The active key `raw` is, or PermissionDeniedError (403 in the spec's
    format) saying whether it was missing, unknown or revoked."""
    raw = (raw or "").strip()
    if not raw:
        raise PermissionDeniedError(
            _(
                "api_key is missing: filing a request needs the key your agency was given."
            )
        )
    key = (
        Open311Key.objects.select_related("partner")
        .filter(key_hash=open311_key_hash(raw))
        .first()
    )
    if key is None:
        raise PermissionDeniedError(_("Invalid api_key: no partner holds this key."))
    if key.revoked_at is not None:
        raise PermissionDeniedError(_("This api_key has been revoked."))
    if not key.partner.is_active:
        raise PermissionDeniedError(
            _("The agency this api_key belongs to is no longer active.")
        )
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_EVERY:
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def open311_key_limit(key: Open311Key) -> None:
    """At most OPEN311_POSTS_PER_SECOND filings a second per key, counted in the
    cache (shared by every app server on Redis). While Redis is down the limit
    lets filings through: keys belong to known agencies, each filing is kept."""
    second = int(timezone.now().timestamp())
    count = count_up_or_allow(
        f"open311-post:{key.pk}:{second}", timeout=2, what="open311 key rate"
    )
    if count > settings.OPEN311_POSTS_PER_SECOND:
        raise TooManyRequests(
            _("Too many requests from this api_key this second. Wait a moment."),
            extra={"retry_after": 1},
        )
