"""Password rules, after NIST SP 800-63B: at least 8 characters, not on a list of
common passwords, not the person's own ID or birth date; no composition rules."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotYourPersonalDataValidator:
    def validate(self, password: str, user: Any = None) -> None:
        digits = re.sub(r"\D", "", password)
        personal_id = getattr(user, "personal_id", "") or ""
        if personal_id and (
            personal_id in digits
            or (digits and digits in personal_id and len(digits) >= 8)
        ):
            raise ValidationError(
                _("Do not use your personal ID as your password."),
                code="password_is_personal_id",
            )
        birth_date = getattr(user, "birth_date", None)
        if birth_date is not None:
            forms = {
                birth_date.strftime("%d%m%Y"),
                birth_date.strftime("%Y%m%d"),
                f"{birth_date:%d%m}{birth_date.year + 543}",
            }
            if any(form in digits for form in forms):
                raise ValidationError(
                    _("Do not use your date of birth as your password."),
                    code="password_is_birth_date",
                )

    def get_help_text(self) -> str:
        return _("Not your personal ID or date of birth.")
