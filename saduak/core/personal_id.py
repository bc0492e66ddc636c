"""The 13-digit Thai personal ID: cleaning, validation with a reason, masking."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.th import pin

from saduak.core.thai import arabic_digits


def clean_personal_id(raw: str) -> str:
    """Returns the 13 digits of a personal ID, or raises ValidationError saying
    exactly what is wrong: length, letters, or the check digit.

    Dashes, spaces and Thai digits, as people often type them, are accepted.
    """
    text = arabic_digits(str(raw or "")).strip().replace("-", "").replace(" ", "")
    if not text:
        raise ValidationError(_("Enter the 13-digit personal ID."), code="required")
    if not text.isdigit():
        raise ValidationError(
            _("A personal ID has digits only; remove letters and other characters."),
            code="not_digits",
        )
    try:
        return str(pin.validate(text))
    except InvalidLength:
        raise ValidationError(
            _("A personal ID has 13 digits; this one has %(count)d.")
            % {"count": len(text)},
            code="wrong_length",
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _(
                "The last digit (check digit) does not match; check the number on the card."
            ),
            code="bad_check_digit",
        ) from None
    except StdnumError:
        raise ValidationError(
            _("This is not a valid personal ID; check the number on the card."),
            code="invalid",
        ) from None


def validate_personal_id(value: str) -> None:
    clean_personal_id(value)


def with_check_digit(first_twelve: str) -> str:
    """Completes 12 digits into a valid personal ID (for demo data and tests)."""
    return first_twelve + pin.calc_check_digit(first_twelve)


def mask_personal_id(value: str) -> str:
    """Shows only the last four digits: x-xxxx-xxxxx-12-3."""
    if len(value) != 13:
        return value
    return f"x-xxxx-xxxxx-{value[10:12]}-{value[12]}"
