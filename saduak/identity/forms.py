from types import SimpleNamespace
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from saduak.areas.models import Office
from saduak.core.forms import DATE_INPUT
from saduak.core.personal_id import clean_personal_id
from saduak.identity.models import EnrolmentCode


def offer_offices(field: forms.Field, offices: Any) -> None:
    """Limits an office choice to the officer's offices; with only one, it is
    chosen and not shown."""
    field.queryset = offices  # type: ignore[attr-defined]
    if offices.count() == 1:
        field.initial = offices.first()
        field.widget = forms.HiddenInput()


class PersonalIdField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Personal ID (13 digits)"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return clean_personal_id(super().clean(value))


class CardForm(forms.Form):
    """What the officer reads from the citizen's ID card."""

    office = forms.ModelChoiceField(
        queryset=Office.objects.none(), label=_("Registry office")
    )
    personal_id = PersonalIdField()
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=DATE_INPUT, help_text=_("As on the card.")
    )
    card_expiry = forms.DateField(label=_("Card expiry date"), widget=DATE_INPUT)

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_offices(self.fields["office"], offices)


class ChoosePasswordForm(forms.Form):
    """The citizen's first step after scanning the QR code."""

    personal_id = PersonalIdField()
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms of use and the privacy notice"),
        error_messages={"required": _("Accept the terms of use to enrol.")},
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 8 characters. Long phrases are good. Not a common password, not your "
            "personal ID or date of birth."
        ),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, code: EnrolmentCode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = code

    def clean_personal_id(self) -> str:
        personal_id = self.cleaned_data["personal_id"]
        if personal_id != self.code.personal_id:
            raise ValidationError(
                _(
                    "This is not the personal ID the code was issued for. Check your ID card."
                )
            )
        return str(personal_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2",
                _("The two passwords differ. Type the same password twice."),
            )
        elif first:
            person = SimpleNamespace(
                personal_id=self.code.personal_id,
                birth_date=self.code.birth_date,
                first_name=self.code.first_name,
                last_name=self.code.last_name,
            )
            try:
                # The validators read attributes only; the account does not exist yet.
                validate_password(first, user=person)  # type: ignore[arg-type]
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("The 6-digit code the app shows"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class PasswordAgainForm(forms.Form):
    """The password typed again: to confirm a new one, or before a serious change."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["password"].label = label


class CitizenLookupForm(forms.Form):
    office = forms.ModelChoiceField(
        queryset=Office.objects.none(), label=_("Your office")
    )
    personal_id = PersonalIdField()

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_offices(self.fields["office"], offices)


class CloseDigitalIdForm(forms.Form):
    understood = forms.BooleanField(
        label=_(
            "I understand that partner services will no longer accept my digital ID and "
            "that I must enrol again at a registry office to use it"
        ),
        error_messages={"required": _("Tick the box to confirm you want to close it.")},
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class StaffSecondFactorResetForm(forms.Form):
    personal_id = PersonalIdField(label=_("Personal ID of the staff member"))
    confirm = forms.BooleanField(
        label=_(
            "I have checked who is asking: their passkeys, app and recovery codes "
            "will stop working and they will be signed out everywhere"
        )
    )


class PositionForm(forms.Form):
    """A staff member's own official position (ตำแหน่ง), printed where they
    certify a report or sign a letter."""

    position = forms.CharField(
        label=_("Official position"),
        max_length=200,
        required=False,
        help_text=format_lazy(
            _(
                "As it is printed under your name, e.g. “{example}”. "
                "It is recorded when you certify a district's report or sign a letter."
            ),
            example="ปลัดจังหวัดเชียงใหม่",
        ),
    )
