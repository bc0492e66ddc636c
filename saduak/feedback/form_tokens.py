"""The vote page's form token: signed (a form not made by this server is
refused), dated (an old page asks to be reloaded) and single-use (the same form
sent twice, by a double tap or a replaying script, stores nothing the second
time)."""

import secrets

from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from saduak.core.cache import cache_available
from saduak.core.errors import Conflict, InvalidInput

SALT = "feedback-vote-form"
MAX_AGE_SECONDS = 6 * 60 * 60


def form_token_make(*, office_id: int) -> str:
    return signing.dumps({"o": office_id, "n": secrets.token_hex(8)}, salt=SALT)


def form_token_use(token: str, *, office_id: int) -> None:
    """Accepts the token once for this office. Raises InvalidInput for a token
    tampered with, made for another office or too old; Conflict for one already
    used."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise InvalidInput(
            _("This page is too old. Choose your answer again on this fresh page."),
            code="form-expired",
        ) from None
    except signing.BadSignature:
        raise InvalidInput(
            _("This form was changed and cannot be accepted. Vote on this page."),
            code="form-tampered",
        ) from None
    if not isinstance(data, dict) or data.get("o") != office_id:
        raise InvalidInput(
            _("This form belongs to another office. Vote on this page."),
            code="form-tampered",
        )
    # Redis down: the form cannot be marked used, and is taken (sent twice it
    # replaces the voter's vote of today with the same vote).
    used = not cache.add(f"vote-form-used:{data.get('n')}", 1, timeout=MAX_AGE_SECONDS)
    if used and cache_available():
        raise Conflict(
            _(
                "This form was already sent, so your vote is counted once. To change "
                "it, choose again below: your new vote replaces today's."
            ),
            code="form-replayed",
        )
