"""The consent form (django-oauth-toolkit's hidden fields carry the authorization
request from the consent screen back to the server), and HQ's forms for partners
and their clients."""

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.forms import AllowForm

from saduak.identity.models import Partner
from saduak.identity.oidc.claims import BROWSER_SCOPES, CONSENT_ITEMS, OPENID


class ConsentForm(AllowForm):
    # Kept so that a person whose session dropped to assurance level 1 while the
    # screen was open is stepped up again before the partner gets a code.
    acr_values = forms.CharField(required=False, widget=forms.HiddenInput())


class PartnerForm(forms.ModelForm):
    """What HQ registers about a partner. `openid` is always allowed; the other
    scopes are chosen here."""

    scopes = forms.MultipleChoiceField(
        label=_("Data the partner may ask citizens to share"),
        help_text=_("Each citizen still agrees or not on the consent screen."),
        choices=[
            (scope, CONSENT_ITEMS[scope].label)
            for scope in BROWSER_SCOPES
            if scope != OPENID
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Partner
        fields = [
            "name_th",
            "name_en",
            "kind",
            "purpose_th",
            "purpose_en",
            "requires_second_factor",
            "may_check_identity",
            "identity_checks_per_day",
            "is_active",
        ]
        widgets = {
            "purpose_th": forms.Textarea(attrs={"rows": 3}),
            "purpose_en": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "purpose_th": _("Citizens read this on the consent screen."),
            "requires_second_factor": _(
                "Citizens must sign in with a second factor (AAL2) for this partner."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["scopes"] = sorted(self.instance.scopes - {OPENID})
        else:
            self.fields["is_active"].widget = forms.HiddenInput()
            self.initial["is_active"] = True

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["allowed_scopes"] = " ".join([OPENID, *self.cleaned_data["scopes"]])
        return data


class ClientKind(models.TextChoices):
    SERVER = "server", _("Sign-in from the partner's server (with a client secret)")
    APP = "app", _("Sign-in from a mobile or browser app (PKCE, no secret)")
    MACHINE = "machine", _("Identity check API (client credentials)")


def _uri_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ClientForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of client"),
        choices=ClientKind.choices,
        initial=ClientKind.SERVER,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Name HQ recognises"), max_length=255, required=False
    )
    redirect_uris = forms.CharField(
        label=_("Redirect URIs"),
        help_text=_("One per line, https. Where the partner receives the sign-in."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("Addresses after signing out"),
        help_text=_("One per line, https. Optional."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def service_fields(self) -> dict[str, Any]:
        kind = self.cleaned_data["kind"]
        return {
            "name": self.cleaned_data["name"],
            "redirect_uris": _uri_lines(self.cleaned_data["redirect_uris"]),
            "post_logout_redirect_uris": _uri_lines(
                self.cleaned_data["post_logout_redirect_uris"]
            ),
            "confidential": kind != ClientKind.APP,
            "machine": kind == ClientKind.MACHINE,
        }
