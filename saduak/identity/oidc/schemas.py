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


class ClientOut(Schema):
    client_id: str
    name: str
    client_type: str
    grant_type: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]


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


class ClientIn(Schema):
    kind: Literal["server", "app", "machine"] = Field(
        description="server: sign-in with a secret; app: sign-in with PKCE only; "
        "machine: the identity check API"
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
        }


class TokensRevokedOut(Schema):
    tokens_revoked: int = Field(description="Access and refresh tokens ended")
