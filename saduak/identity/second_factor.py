"""A second factor for sign-in: an authenticator app (TOTP) and one-time recovery
codes for when the phone is lost. With it a session reaches assurance level 2."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from saduak.accounts.models import User
from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput
from saduak.identity.models import Passkey

APP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"


def has_second_factor(user: User) -> bool:
    """An authenticator app or a passkey."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or Passkey.objects.filter(user=user).exists()
    )


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


def second_factor_disable(*, user: User, password: str) -> None:
    """Removes the app and the recovery codes after the password is given again.
    Audited as `identity.second_factor.disable`."""
    if not user.check_password(password):
        raise InvalidInput(_("The password is not right."), field="password")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        Passkey.objects.filter(user=user).delete()
        audit_record(actor=user, action="identity.second_factor.disable", target=user)


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
