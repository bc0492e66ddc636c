"""A second factor for sign-in: a passkey or an authenticator app (TOTP), and
one-time recovery codes for when the device is lost. With it a session reaches
assurance level 2. Staff must have one where STAFF_SECOND_FACTOR_REQUIRED is on
(identity/step_up.py enforces it on every request); HQ resets a lost one."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.models import User
from saduak.accounts.scoping import is_staff_member
from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput, PermissionDeniedError
from saduak.core.personal_id import clean_personal_id
from saduak.identity.models import Passkey

APP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"


def has_second_factor(user: User) -> bool:
    """An authenticator app or a passkey."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or Passkey.objects.filter(user=user).exists()
    )


def staff_second_factor_required(user: User) -> bool:
    """Whether `user` must pass a second factor before doing anything: with
    STAFF_SECOND_FACTOR_REQUIRED on, every holder of an active staff role and
    everyone who can reach the Django admin."""
    if not settings.STAFF_SECOND_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or is_staff_member(user))


def has_recovery_codes(user: User) -> bool:
    return StaticToken.objects.filter(device__user=user).exists()


def totp_setup_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator-app key for the user (any earlier unconfirmed
    one is dropped). It counts only once confirmed with a code from the app."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, confirmed=False
        )


def totp_setup_confirm(*, user: User, token: str) -> list[str]:
    """Confirms the pending authenticator app with a code it shows, replaces any older
    app and recovery codes, and returns new recovery codes (shown to the person once;
    each works once).

    Audited as `identity.second_factor.enable`.
    """
    pending = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    )
    if pending is None:
        raise InvalidInput(
            _("Start setting up the authenticator app again."), field="token"
        )
    if not pending.verify_token(_digits(token)):
        raise InvalidInput(
            _("That code is not right. Type the 6 digits the app shows now."),
            field="token",
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        pending.confirmed = True
        pending.save(update_fields=["confirmed"])
        codes = recovery_codes_issue(user)
        audit_record(actor=user, action="identity.second_factor.enable", target=user)
    return codes


def recovery_codes_issue(user: User) -> list[str]:
    """New one-time recovery codes, replacing any old ones; shown to the person
    once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


def second_factor_disable(*, user: User) -> None:
    """Removes the app and the recovery codes. The caller has had the password
    given again (`accounts.lockout.password_recheck`, which counts a wrong one
    towards the sign-in lockout). Audited as `identity.second_factor.disable`."""
    if staff_second_factor_required(user):
        raise PermissionDeniedError(STAFF_KEEPS_FACTOR)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        Passkey.objects.filter(user=user).delete()
        audit_record(actor=user, action="identity.second_factor.disable", target=user)


STAFF_KEEPS_FACTOR = _lazy(
    "Your work needs a second factor. Add another passkey or app before removing "
    "this one; if you lost them all, ask an HQ administrator to reset them."
)


def staff_second_factor_reset(*, actor: User, personal_id: str) -> User:
    """Removes every second factor of a staff member (passkeys, authenticator
    app, recovery codes) and ends all their sessions, so that they must sign in
    again and enrol a new one (with STAFF_SECOND_FACTOR_REQUIRED on they can do
    nothing else until then). For when a phone or key is lost.

    Preconditions: `actor` may STAFF_SECOND_FACTOR_RESET (HQ administrators);
    nobody resets their own (that would let a stolen password and session
    replace the owner's factor); the person must be staff. Audited as
    `identity.second_factor.reset` with what was removed.
    """
    from saduak.identity.services import sessions_end_all

    ensure_may(actor, Action.STAFF_SECOND_FACTOR_RESET)
    try:
        cleaned = clean_personal_id(personal_id)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="personal_id") from None
    with transaction.atomic():
        member = User.objects.select_for_update().filter(personal_id=cleaned).first()
        if member is None or not (
            member.is_staff or member.is_superuser or is_staff_member(member)
        ):
            raise InvalidInput(
                _("Nobody on the staff has this personal ID."), field="personal_id"
            )
        if member.pk == actor.pk:
            raise PermissionDeniedError(
                _(
                    "You cannot reset your own second factor. Ask another HQ "
                    "administrator."
                )
            )
        removed = {
            "passkeys": Passkey.objects.filter(user=member).delete()[0],
            "authenticator_apps": TOTPDevice.objects.filter(user=member).delete()[0],
            "recovery_code_sets": StaticDevice.objects.filter(user=member).count(),
        }
        StaticDevice.objects.filter(user=member).delete()
        sessions_end_all(user=member, actor=actor)
        audit_record(
            actor=actor,
            action="identity.second_factor.reset",
            target=member,
            after={"user": member.masked_personal_id, **removed},
        )
    return member


def second_factor_verify(*, user: User, token: str) -> Device | None:
    """The device that accepts `token` (an app code or an unused recovery code), or
    None. django-otp throttles repeated failures per device."""
    token = _digits(token) if token.strip().isdigit() else token.strip().lower()
    # for_verify locks the devices (throttling counts must not race), which needs a
    # transaction on PostgreSQL.
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_is_allowed()[0] and device.verify_token(token):
                return device  # type: ignore[no-any-return]
    return None


def _digits(token: Any) -> str:
    return "".join(ch for ch in str(token) if ch.isdigit())
