"""Partner agencies' Open311 keys (the GeoReport v2 `api_key`): HQ issues one
for a registered partner, and revokes it. Only the SHA-256 of a key is
stored; the key itself is shown once, when it is issued. The Open311 API
finds a key by `open311_key_hash` of what the partner sends."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, ensure_may
from saduak.audit.services import audit_record
from saduak.complaints.models import Open311Key
from saduak.core.errors import Conflict, InvalidInput
from saduak.identity.models import Partner

KEY_PREFIX = "o311_"
NAME_MAX_LENGTH = 100
# How many characters of a key are kept in clear to tell keys apart on the
# page ("o311_Ab3x…"); the rest is only in the hash.
SHOWN_CHARACTERS = 12


def open311_key_hash(raw: str) -> str:
    """The stored form of a key: its SHA-256, hex."""
    return hashlib.sha256(raw.encode()).hexdigest()


def open311_key_issue(
    *, partner: Partner, name: str, actor: Actor
) -> tuple[Open311Key, str]:
    """Issues a new key for `partner` (an active partner), named for what it
    is for. Returns the record and the key itself, which is not stored and
    cannot be shown again.

    Permission: `open311_key.issue` (HQ administrators). No lock: a new row.
    Audit: `open311_key.issue` (partner, name, the key's first characters).
    Nothing is notified: HQ hands the key over itself."""
    ensure_may(actor, Action.OPEN311_KEY_ISSUE)
    name = name.strip()
    if not name:
        raise InvalidInput(_("Say what the key is for."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            _("The name is at most %(count)d characters.") % {"count": NAME_MAX_LENGTH},
            field="name",
        )
    if not partner.is_active:
        raise InvalidInput(
            _("This partner is not active; activate it before issuing a key."),
            field="partner",
        )
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = Open311Key.objects.create(
            partner=partner,
            name=name,
            key_hash=open311_key_hash(raw),
            key_prefix=raw[:SHOWN_CHARACTERS],
            created_by=actor if not isinstance(actor, str) else None,
        )
        audit_record(
            actor=actor,
            action="open311_key.issue",
            target=key,
            after={
                "partner": str(partner.public_id),
                "name": name,
                "prefix": key.key_prefix,
            },
        )
    return key, raw


def open311_key_revoke(*, key: Open311Key, actor: Actor) -> Open311Key:
    """Revokes `key`: the API refuses it from now on (403 in the spec's
    format). A key revoked already is a Conflict.

    Permission: `open311_key.issue` (HQ administrators). Locks the key's row.
    Audit: `open311_key.revoke`. Nothing is notified."""
    ensure_may(actor, Action.OPEN311_KEY_ISSUE)
    with transaction.atomic():
        locked = Open311Key.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is not None:
            raise Conflict(_("This key is revoked already."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="open311_key.revoke",
            target=locked,
            before={"revoked_at": None},
            after={"revoked_at": locked.revoked_at, "prefix": locked.key_prefix},
        )
    return locked
