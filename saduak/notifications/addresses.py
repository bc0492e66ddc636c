"""Checking and normalising the address a notification goes to, per channel."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput
from saduak.notifications.choices import NotificationChannel

THAI_MOBILE = re.compile(r"^0[689]\d{8}$")
LINE_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


def normalise_thai_mobile(raw: str) -> str:
    """Drops spaces, dashes and brackets and turns +66 / 66 into the leading 0."""
    number = _PHONE_SEPARATORS.sub("", raw)
    if number.startswith("+66"):
        number = "0" + number[3:]
    elif number.startswith("66") and len(number) == 11:
        number = "0" + number[2:]
    return number


def clean_address(*, channel: str, address: str, field: str = "address") -> str:
    """The address in the form stored and sent, or InvalidInput saying what is
    wrong, on `field` (the form's name for it: "phone" on a complaint)."""
    check_channel(channel)
    address = (address or "").strip()
    if channel == NotificationChannel.SMS:
        number = normalise_thai_mobile(address)
        if not THAI_MOBILE.match(number):
            raise InvalidInput(
                _(
                    "“%(address)s” is not a Thai mobile number. Enter 10 digits "
                    "starting with 06, 08 or 09, such as 0812345678."
                )
                % {"address": address},
                code="invalid-address",
                field=field,
            )
        return number
    if channel == NotificationChannel.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            raise InvalidInput(
                _("“%(address)s” is not an e-mail address.") % {"address": address},
                code="invalid-address",
                field=field,
            ) from None
        return address
    if not LINE_USER_ID.match(address):
        raise InvalidInput(
            _(
                "“%(address)s” is not a LINE user ID. A LINE user ID is the letter "
                "U followed by 32 characters 0-9 and a-f."
            )
            % {"address": address},
            code="invalid-address",
            field=field,
        )
    return address


def check_channel(channel: str) -> str:
    if channel not in NotificationChannel.values:
        raise InvalidInput(
            _(
                "“%(channel)s” is not a notification channel. "
                "Choose SMS, e-mail or LINE."
            )
            % {"channel": channel},
            code="invalid-channel",
            field="channel",
        )
    return channel
