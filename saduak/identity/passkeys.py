"""Passkeys (WebAuthn) as a second factor, with py_webauthn doing the protocol.

The relying party is this site: its ID is the host name (WEBAUTHN_RP_ID to fix it
behind a proxy) and the expected origin is the page's own origin. Challenges live
in the session and are used once.
"""

import json
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from saduak.accounts.models import User
from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput, PermissionDeniedError
from saduak.identity.models import Passkey
from saduak.identity.second_factor import (
    STAFF_KEEPS_FACTOR,
    has_recovery_codes,
    has_second_factor,
    recovery_codes_issue,
    staff_second_factor_required,
)

REGISTRATION_CHALLENGE = "saduak_passkey_registration"
AUTHENTICATION_CHALLENGE = "saduak_passkey_authentication"


def relying_party(request: HttpRequest) -> tuple[str, str]:
    """(RP ID, expected origin) for this request."""
    rp_id = settings.WEBAUTHN_RP_ID or request.get_host().split(":")[0]
    return rp_id, f"{request.scheme}://{request.get_host()}"


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
        for key in Passkey.objects.filter(user=user)
    ]


def registration_options(*, request: HttpRequest, user: User) -> str:
    rp_id, _origin = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name="Saduak",
        user_id=str(user.pk).encode(),
        user_name=user.masked_personal_id,
        user_display_name=user.full_name or user.masked_personal_id,
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[REGISTRATION_CHALLENGE] = bytes_to_base64url(options.challenge)
    return str(options_to_json(options))


def passkey_register(
    *, request: HttpRequest, user: User, credential: dict[str, Any], name: str
) -> tuple[Passkey, list[str]]:
    """Verifies the browser's answer to the registration challenge and keeps the
    passkey; a person with no recovery codes yet gets them (returned, shown once).
    Audited as `identity.passkey.add`."""
    challenge = request.session.pop(REGISTRATION_CHALLENGE, None)
    if not challenge:
        raise InvalidInput(_("Start adding the passkey again."), field="credential")
    rp_id, origin = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, KeyError) as error:
        raise InvalidInput(
            _("The passkey could not be added: %(reason)s") % {"reason": error},
            field="credential",
        ) from None
    with transaction.atomic():
        passkey = Passkey.objects.create(
            user=user,
            credential_id=bytes_to_base64url(verified.credential_id),
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            name=(name or _("Passkey")).strip()[:100],
        )
        codes = [] if has_recovery_codes(user) else recovery_codes_issue(user)
        audit_record(actor=user, action="identity.passkey.add", target=user)
    return passkey, codes


def authentication_options(*, request: HttpRequest, user: User) -> str:
    rp_id, _origin = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[AUTHENTICATION_CHALLENGE] = bytes_to_base64url(options.challenge)
    return str(options_to_json(options))


def passkey_verify(
    *, request: HttpRequest, user: User, credential: dict[str, Any]
) -> Passkey | None:
    """The user's passkey that answered the challenge, or None. The signature
    counter must move forward (a cloned key shows up as a counter going back)."""
    challenge = request.session.pop(AUTHENTICATION_CHALLENGE, None)
    passkey = Passkey.objects.filter(
        user=user, credential_id=str(credential.get("id", ""))
    ).first()
    if not challenge or passkey is None:
        return None
    rp_id, origin = relying_party(request)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError):
        return None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey


def passkey_remove(*, user: User, passkey_id: UUID) -> None:
    """Removes one of the person's passkeys; refused when it is the last second
    factor of someone whose work needs one. Audited as `identity.passkey.remove`."""
    with transaction.atomic():
        deleted, _count = Passkey.objects.filter(
            user=user, public_id=passkey_id
        ).delete()
        if (
            deleted
            and staff_second_factor_required(user)
            and not has_second_factor(user)
        ):
            raise PermissionDeniedError(STAFF_KEEPS_FACTOR)
        if deleted:
            audit_record(actor=user, action="identity.passkey.remove", target=user)


def parse_credential(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise InvalidInput(
            _("The browser's answer could not be read."), field="credential"
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            _("The browser's answer could not be read."), field="credential"
        )
    return data
