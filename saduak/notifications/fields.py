"""Form fields for addresses the notifications can reach."""

from typing import Any

from django import forms

from saduak.notifications.addresses import THAI_MOBILE, normalise_thai_mobile


class ThaiMobileField(forms.RegexField):
    """A Thai mobile number as people type it (spaces, dashes, +66), kept in the
    form SMS is sent to (0 and nine digits)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel"}))
        super().__init__(regex=THAI_MOBILE, **kwargs)

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value))
        return normalise_thai_mobile(text) if text else text
