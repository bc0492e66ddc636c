"""Prints the authenticator code a demo staff account's app would show now, for
a tester without an authenticator app. Demo only (DEBUG)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from saduak.core.personal_id import clean_personal_id


class Command(BaseCommand):
    help = "Prints the current 6-digit code of a demo account's authenticator app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("personal_id")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or getattr(settings, "DEMO_SEED_ALLOWED", False)):
            raise CommandError("Demo codes are for the local demo only.")
        device = TOTPDevice.objects.filter(
            user__personal_id=clean_personal_id(options["personal_id"]),
            confirmed=True,
        ).first()
        if device is None:
            raise CommandError("This account has no authenticator app.")
        code = totp(
            device.bin_key, step=device.step, t0=device.t0, digits=device.digits
        )
        self.stdout.write(f"{code:0{device.digits}d}")
