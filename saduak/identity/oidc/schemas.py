from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from saduak.identity.oidc.claims import BROWSER_SCOPES

Scope = Literal["openid", "profile", "birthdate", "address", "personal_id"]
assert set(Scope.__args__) == set(BROWSER_SCOPES)  # type: ignore[attr-defined]


class PartnerPatch(Schema):
    name_th: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    kind: Literal["agency", "bank", "other"] | None = None
    purpose_th: str | None = Field(
        None, min_length=1, description="Citizens read it on the consent screen"
    )
    purpose_en: str | None = None
    scopes: list[Scope] | None = Field(
        None, description="What the partner may ask for; openid is always included"
    )
    requires_second_factor: bool | None = None
    may_check_identity: bool | None = None
    identity_checks_per_day: int | None = Field(None, ge=0, le=100_000_000)
    is_active: bool | None = None

    def service_fields(self) -> dict[str, Any]:
        given = self.model_dump(exclude_unset=True, exclude_none=True)
        scopes = given.pop("scopes", None)
        if scopes is not None:
            given["allowed_scopes"] = " ".join(["openid", *scopes])
        return given


class PartnerIn(PartnerPatch):
    name_th: str = Field(min_length=1, max_length=200)  # type: ignore[assignment]
    kind: Literal["agency", "bank", "other"]  # type: ignore[assignment]
    purpose_th: str = Field(min_length=1)  # type: ignore[assignment]


AuthMethod = Literal[
    "client_secret_basic", "client_secret_post", "private_key_jwt", "none"
]


class ClientSettings(Schema):
    """A client's security settings (all optional in a change)."""

    token_endpoint_auth_method: AuthMethod | None = Field(
        None,
        description="client_secret_basic or client_secret_post (a shared secret, "
        "sent either way), private_key_jwt (a client assertion signed with a key "
        "of jwks or jwks_uri), none (app clients). Moving to private_key_jwt "
        "erases the secret; moving back returns a new one once.",
    )
    jwks: dict[str, Any] | None = Field(
        None,
        description='The client\'s public keys, a JWK Set {"keys": [...]}: RSA '
        '(2048 bits or more) or EC P-256, each with kid and use "sig" or "enc". '
        "{} removes them. Not with jwks_uri.",
    )
    jwks_uri: str | None = Field(
        None, max_length=200, description="https address of the client's JWK Set"
    )
    id_token_signed_response_alg: Literal["RS256", "ES256"] | None = None
    id_token_encrypted_response_alg: (
        Literal["", "RSA-OAEP-256", "ECDH-ES+A256KW"] | None
    ) = Field(None, description='"" for signed-only ID tokens')
    id_token_encrypted_response_enc: Literal["", "A256GCM", "A128CBC-HS256"] | None = (
        Field(None, description='"" for the default A128CBC-HS256')
    )
    require_pushed_authorization_requests: bool | None = None
    require_signed_request_object: bool | None = None
    dpop_bound_access_tokens: bool | None = None
    backchannel_logout_uri: str | None = Field(None, max_length=500)
    backchannel_logout_session_required: bool | None = None
    may_introspect: bool | None = None

    def settings_fields(self) -> dict[str, Any]:
        given = self.model_dump(exclude_unset=True, exclude_none=True)
        return {
            name: given[name] for name in ClientSettings.model_fields if name in given
        }


class ClientOut(Schema):
    client_id: str
    name: str
    client_type: str
    grant_type: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    token_endpoint_auth_method: str
    jwks: dict[str, Any]
    jwks_uri: str
    id_token_signed_response_alg: str
    id_token_encrypted_response_alg: str
    id_token_encrypted_response_enc: str
    require_pushed_authorization_requests: bool
    require_signed_request_object: bool
    dpop_bound_access_tokens: bool
    backchannel_logout_uri: str
    backchannel_logout_session_required: bool
    may_introspect: bool


class NewClientOut(ClientOut):
    client_secret: str | None = Field(
        description="Shown in this answer only; only a hash is kept"
    )


class PartnerOut(Schema):
    id: UUID
    name_th: str
    name_en: str
    kind: str
    purpose_th: str
    purpose_en: str
    allowed_scopes: str
    requires_second_factor: bool
    may_check_identity: bool
    identity_checks_per_day: int
    is_active: bool
    clients: list[ClientOut]


class ClientIn(ClientSettings):
    kind: Literal["server", "app", "machine"] = Field(
        description="server: sign-in from the partner's server (a secret, or "
        "private_key_jwt with token_endpoint_auth_method); app: sign-in with PKCE "
        "only; machine: the identity check API"
    )
    name: str = Field("", max_length=255)
    redirect_uris: list[str] = Field(default_factory=list, max_length=20)
    post_logout_redirect_uris: list[str] = Field(default_factory=list, max_length=20)

    def service_fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "redirect_uris": self.redirect_uris,
            "post_logout_redirect_uris": self.post_logout_redirect_uris,
            "confidential": self.kind != "app",
            "machine": self.kind == "machine",
            **self.settings_fields(),
        }


class ClientPatch(ClientSettings):
    name: str | None = Field(None, max_length=255)
    redirect_uris: list[str] | None = Field(None, max_length=20)
    post_logout_redirect_uris: list[str] | None = Field(None, max_length=20)

    def service_fields(self) -> dict[str, Any]:
        given = self.model_dump(exclude_unset=True, exclude_none=True)
        return {
            **{
                name: given[name]
                for name in ("name", "redirect_uris", "post_logout_redirect_uris")
                if name in given
            },
            **self.settings_fields(),
        }


class ChangedClientOut(ClientOut):
    client_secret: str | None = Field(
        None,
        description="A new secret (the client moved back to a shared secret), "
        "shown in this answer only",
    )


class TokensRevokedOut(Schema):
    tokens_revoked: int = Field(description="Access and refresh tokens ended")
