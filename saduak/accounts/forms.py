from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from saduak.core.personal_id import clean_personal_id


class SignInForm(AuthenticationForm):
    """Sign-in by 13-digit personal ID and password. A malformed ID is named as such;
    a wrong ID or password gets one message that does not say which."""

    username = forms.CharField(
        label=_("Personal ID (13 digits)"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "inputmode": "numeric",
                "autocomplete": "username",
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The personal ID or the password is not right. Check both and try again."
        ),
        "inactive": _("This account is closed. Ask at a registry office."),
    }

    def clean(self) -> dict:  # type: ignore[type-arg]
        raw = self.cleaned_data.get("username", "")
        if raw:
            try:
                self.cleaned_data["username"] = clean_personal_id(raw)
            except ValidationError as error:
                self.add_error("username", error)
                return self.cleaned_data
        return super().clean()


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        help_text=_(
            "6 digits. Lost your phone? Type one of your recovery codes instead."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )
