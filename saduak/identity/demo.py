"""Second factors for the demo's staff accounts (seed_demo), so that a tester
signs in as staff the way production does: each account gets an authenticator
key derived from its personal ID (the same on every machine and every run) and
a few recovery codes, all printed by `make demo`. Never used in production."""

import hashlib
from base64 import b32encode
from dataclasses import dataclass

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from saduak.accounts.models import User
from saduak.identity.second_factor import APP_DEVICE_NAME, RECOVERY_DEVICE_NAME

DEMO_RECOVERY_CODES = 3


@dataclass(frozen=True)
class DemoSecondFactor:
    user: User
    key_base32: str
    otpauth_uri: str
    recovery_codes: list[str]


def demo_key_hex(personal_id: str) -> str:
    return hashlib.sha256(f"saduak-demo-totp:{personal_id}".encode()).hexdigest()[:40]


def demo_recovery_codes(personal_id: str) -> list[str]:
    return [f"demo{personal_id[-4:]}r{n}" for n in range(1, DEMO_RECOVERY_CODES + 1)]


def demo_second_factor_seed(user: User) -> DemoSecondFactor:
    """Gives a demo account its fixed authenticator key and recovery codes unless
    it has an app already (a tester's own is kept); returns what to print."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user,
            name=APP_DEVICE_NAME,
            key=demo_key_hex(user.personal_id),
            confirmed=True,
        )
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        StaticToken.objects.bulk_create(
            StaticToken(device=static, token=code)
            for code in demo_recovery_codes(user.personal_id)
        )
    return DemoSecondFactor(
        user=user,
        key_base32=b32encode(device.bin_key).decode(),
        otpauth_uri=device.config_url,
        recovery_codes=demo_recovery_codes(user.personal_id),
    )
