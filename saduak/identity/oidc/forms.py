"""The consent form (django-oauth-toolkit's hidden fields carry the authorization
request from the consent screen back to the server), and HQ's forms for partners
and their clients."""

import json
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.forms import AllowForm
from oauth2_provider.models import AbstractApplication

from saduak.identity.models import (
    ClientAuthMethod,
    IdTokenEncryptionAlg,
    IdTokenEncryptionEnc,
    IdTokenSigningAlg,
    Partner,
    PartnerClient,
)
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


def _jwks_field() -> forms.CharField:
    return forms.CharField(
        label=_("Public keys (JWK Set)"),
        help_text=_(
            'Paste the partner\'s public keys as JSON: {"keys": [...]}, each with '
            '"kid" and "use" ("sig" to sign, "enc" to encrypt ID tokens). Never a '
            "private key. Or give the address below instead."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        required=False,
    )


def _jwks_uri_field() -> forms.URLField:
    return forms.URLField(
        label=_("Address of the public keys (JWKS URI)"),
        help_text=_(
            "https. The partner publishes its keys there and can change them "
            "without telling HQ."
        ),
        assume_scheme="https",
        required=False,
    )


def _jwks_value(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise forms.ValidationError(
            _('The keys must be JSON: a JWK Set {"keys": [ ... ]}.')
        ) from None
    if not isinstance(value, dict):
        raise forms.ValidationError(
            _('The keys must be JSON: a JWK Set {"keys": [ ... ]}.')
        )
    return value


class ClientAuth(models.TextChoices):
    SECRET = "secret", _("A shared secret (shown once)")
    PRIVATE_KEY_JWT = (
        ClientAuthMethod.PRIVATE_KEY_JWT,
        _("The partner's private key (private_key_jwt, recommended)"),
    )


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
    auth_method = forms.ChoiceField(
        label=_("How a server client proves who it is"),
        help_text=_("An app client has neither: it uses PKCE."),
        choices=ClientAuth.choices,
        initial=ClientAuth.SECRET,
        widget=forms.RadioSelect,
        required=False,
    )
    jwks = _jwks_field()
    jwks_uri = _jwks_uri_field()

    def clean_jwks(self) -> dict[str, Any]:
        return _jwks_value(self.cleaned_data["jwks"])

    def service_fields(self) -> dict[str, Any]:
        kind = self.cleaned_data["kind"]
        fields: dict[str, Any] = {
            "name": self.cleaned_data["name"],
            "redirect_uris": _uri_lines(self.cleaned_data["redirect_uris"]),
            "post_logout_redirect_uris": _uri_lines(
                self.cleaned_data["post_logout_redirect_uris"]
            ),
            "confidential": kind != ClientKind.APP,
            "machine": kind == ClientKind.MACHINE,
            "jwks": self.cleaned_data["jwks"],
            "jwks_uri": self.cleaned_data["jwks_uri"],
        }
        if kind != ClientKind.APP:
            fields["token_endpoint_auth_method"] = (
                ClientAuthMethod.PRIVATE_KEY_JWT
                if self.cleaned_data["auth_method"] == ClientAuth.PRIVATE_KEY_JWT
                else ClientAuthMethod.CLIENT_SECRET_BASIC
            )
        return fields


class ClientEditForm(forms.Form):
    """HQ changes a client: its addresses, how it proves itself, its keys and
    what its sign-ins require. Built for one client (its kind decides which
    authentication methods are offered)."""

    name = forms.CharField(
        label=_("Name HQ recognises"), max_length=255, required=False
    )
    redirect_uris = ClientForm.base_fields["redirect_uris"]
    post_logout_redirect_uris = ClientForm.base_fields["post_logout_redirect_uris"]
    token_endpoint_auth_method = forms.ChoiceField(
        label=_("How the client proves who it is"),
        help_text=_(
            "Moving to private_key_jwt erases the shared secret at once. Moving "
            "back to a secret makes a new one, shown once."
        ),
        choices=ClientAuthMethod.choices,
        widget=forms.RadioSelect,
    )
    jwks = _jwks_field()
    jwks_uri = _jwks_uri_field()
    id_token_signed_response_alg = forms.ChoiceField(
        label=_("ID token signature"),
        choices=IdTokenSigningAlg.choices,
        initial=IdTokenSigningAlg.RS256,
    )
    id_token_encrypted_response_alg = forms.ChoiceField(
        label=_("ID token encryption"),
        help_text=_('Needs the partner\'s encryption key ("use": "enc").'),
        choices=[("", _("Not encrypted")), *IdTokenEncryptionAlg.choices],
        required=False,
    )
    id_token_encrypted_response_enc = forms.ChoiceField(
        label=_("ID token content encryption"),
        choices=[("", _("Default (A128CBC-HS256)")), *IdTokenEncryptionEnc.choices],
        required=False,
    )
    require_pushed_authorization_requests = forms.BooleanField(
        label=_("Must push its sign-in requests first (PAR)"), required=False
    )
    require_signed_request_object = forms.BooleanField(
        label=_("Must sign its sign-in requests (JAR)"), required=False
    )
    dpop_bound_access_tokens = forms.BooleanField(
        label=_("Tokens bound to the partner's key (DPoP)"), required=False
    )
    backchannel_logout_uri = forms.URLField(
        label=_("Back-channel logout address"),
        help_text=_("https. Saduak tells the partner here when the citizen signs out."),
        assume_scheme="https",
        max_length=500,
        required=False,
    )
    backchannel_logout_session_required = forms.BooleanField(
        label=_("The logout message names the sign-in session (sid)"),
        required=False,
    )
    may_introspect = forms.BooleanField(
        label=_("The partner's resource server may check its tokens (introspection)"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        application: AbstractApplication,
        partner_client: PartnerClient,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        public = application.client_type == application.CLIENT_PUBLIC
        self.machine = (
            application.authorization_grant_type == application.GRANT_CLIENT_CREDENTIALS
        )
        methods = self.fields["token_endpoint_auth_method"]
        assert isinstance(methods, forms.ChoiceField)
        methods.choices = [
            (value, label)
            for value, label in ClientAuthMethod.choices
            if (value == ClientAuthMethod.NONE) == public
        ]
        if self.machine:
            for name in [
                "redirect_uris",
                "post_logout_redirect_uris",
                "id_token_signed_response_alg",
                "id_token_encrypted_response_alg",
                "id_token_encrypted_response_enc",
                "require_pushed_authorization_requests",
                "require_signed_request_object",
                "backchannel_logout_uri",
                "backchannel_logout_session_required",
            ]:
                del self.fields[name]
        if public:
            del self.fields["may_introspect"]
        self.initial.update(
            {
                "name": application.name,
                "redirect_uris": "\n".join(application.redirect_uris.split()),
                "post_logout_redirect_uris": "\n".join(
                    application.post_logout_redirect_uris.split()
                ),
                **{
                    name: getattr(partner_client, name)
                    for name in self.fields
                    if hasattr(PartnerClient, name) and name != "jwks"
                },
                "jwks": json.dumps(partner_client.jwks, indent=1)
                if partner_client.jwks
                else "",
            }
        )

    GROUPS = (
        (_("Addresses"), ("name", "redirect_uris", "post_logout_redirect_uris")),
        (
            _("How the client proves who it is"),
            ("token_endpoint_auth_method", "jwks", "jwks_uri"),
        ),
        (
            _("ID tokens"),
            (
                "id_token_signed_response_alg",
                "id_token_encrypted_response_alg",
                "id_token_encrypted_response_enc",
            ),
        ),
        (
            _("What its requests must do"),
            (
                "require_pushed_authorization_requests",
                "require_signed_request_object",
                "dpop_bound_access_tokens",
            ),
        ),
        (
            _("Signing out and checking tokens"),
            (
                "backchannel_logout_uri",
                "backchannel_logout_session_required",
                "may_introspect",
            ),
        ),
    )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields in sections, for the page (those this client has)."""
        shown = []
        for title, names in self.GROUPS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                shown.append((str(title), fields))
        return shown

    def clean_jwks(self) -> dict[str, Any]:
        return _jwks_value(self.cleaned_data["jwks"])

    def service_fields(self) -> dict[str, Any]:
        fields = dict(self.cleaned_data)
        for name in ("redirect_uris", "post_logout_redirect_uris"):
            if name in fields:
                fields[name] = _uri_lines(fields[name])
        return fields
