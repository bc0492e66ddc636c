"""Partner agencies' Open311 keys (the `api_key` of GeoReport v2). HQ issues
a key to a registered partner (identity.Partner); only its SHA-256 and its
first characters are kept, and the key itself is shown once."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, ensure_may
from saduak.accounts.models import User, hash_token
from saduak.audit.services import audit_record
from saduak.complaints.models import Open311Key
from saduak.core.errors import Conflict, InvalidInput
from saduak.identity.models import Partner

KEY_PREFIX = "o311_"
NAME_MAX_LENGTH = 100


def open311_key_hash(raw: str) -> str:
    """What is stored of a key, and what an API request's key is looked up by."""
    return hash_token(raw)


def open311_key_issue(
    *, actor: Actor, partner: Partner, name: str
) -> tuple[Open311Key, str]:
    """Issues a new key to `partner`, named `name` (what system uses it; up to
    100 characters). Returns the row and the key, which is shown once and
    never stored. Permission: OPEN311_KEY_ISSUE (HQ). Audited as
    "open311_key.issue" (the partner, the name and the key's prefix)."""
    ensure_may(actor, Action.OPEN311_KEY_ISSUE)
    label = " ".join((name or "").split())
    if not label:
        raise InvalidInput(
            _("Name the key after the system that uses it."), field="name"
        )
    if len(label) > NAME_MAX_LENGTH:
        raise InvalidInput(
            _("The name is at most %(limit)s characters.") % {"limit": NAME_MAX_LENGTH},
            field="name",
        )
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = Open311Key.objects.create(
            partner=partner,
            name=label,
            key_hash=open311_key_hash(raw),
            key_prefix=raw[:12],
            created_by=actor if isinstance(actor, User) else None,
        )
        audit_record(
            actor=actor,
            action="open311_key.issue",
            target=key,
            after={
                "partner": str(partner.public_id),
                "name": label,
                "prefix": key.key_prefix,
            },
        )
    return key, raw


def open311_key_revoke(*, actor: Actor, key: Open311Key) -> Open311Key:
    """Revokes a key: requests with it are refused from now on (403).
    Permission: OPEN311_KEY_ISSUE (HQ). Locks the key. Audited as
    "open311_key.revoke"."""
    ensure_may(actor, Action.OPEN311_KEY_ISSUE)
    with transaction.atomic():
        key = Open311Key.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is not None:
            raise Conflict(_("This key has already been revoked."), code="revoked")
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="open311_key.revoke",
            target=key,
            before={"revoked_at": None},
            after={"revoked_at": key.revoked_at, "prefix": key.key_prefix},
        )
    return key
