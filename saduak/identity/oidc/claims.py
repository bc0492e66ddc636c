"""What each scope releases about a citizen, the names people read for it, and the
identifiers and assurance claims every partner receives."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saduak.accounts.models import User
from saduak.identity.models import EnrolmentCode, Partner

OPENID = "openid"
IDENTITY_CHECK = "identity_check"
# Scopes a citizen can agree to in the browser, in the order the consent screen
# lists them. `openid` is implied for every active partner.
BROWSER_SCOPES = ("openid", "profile", "birthdate", "address", "personal_id")
MACHINE_SCOPES = frozenset({IDENTITY_CHECK})

ACR_AAL1 = "urn:saduak:aal1"
ACR_AAL2 = "urn:saduak:aal2"
ACR_VALUES = (ACR_AAL1, ACR_AAL2)
# Where the assurance level of the sign-in travels from the authorization request
# to the token request: a key of the grant's stored `claims`, which Saduak sets.
GRANT_CLAIMS_KEY = "saduak"
# The authorization view passes the session's assurance level to the grant under
# this name (a "credential" oauthlib copies onto its request).
ASSURANCE_CREDENTIAL = "saduak_assurance_level"
# ...and the id of the person's signed-in session (identity.SignInSession), whose
# start is the ID token's `auth_time` and whose `sid` the ID token carries.
SESSION_CREDENTIAL = "saduak_sign_in_session"

# The claims each scope releases at the userinfo endpoint.
SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    "openid": ("sub",),
    "profile": ("name", "given_name", "family_name"),
    "birthdate": ("birthdate",),
    "address": ("address",),
    "personal_id": ("personal_id",),
}
ID_TOKEN_CLAIMS = ("sub", "acr", "amr", "auth_time", "sid")
SUPPORTED_CLAIMS = (
    "sub",
    "acr",
    "amr",
    "auth_time",
    "sid",
    "name",
    "given_name",
    "family_name",
    "birthdate",
    "personal_id",
)


@dataclass(frozen=True)
class ConsentItem:
    scope: str
    label: str | Promise
    hint: str | Promise = ""


CONSENT_ITEMS: dict[str, ConsentItem] = {
    "openid": ConsentItem(
        "openid",
        _("A code that tells this agency it is you"),
        _("Each agency gets a different code, so agencies cannot link your visits."),
    ),
    "profile": ConsentItem("profile", _("Full name")),
    "birthdate": ConsentItem("birthdate", _("Date of birth")),
    "address": ConsentItem("address", _("Address")),
    "personal_id": ConsentItem("personal_id", _("Personal ID number")),
}


def consent_items(scopes: Iterable[str]) -> list[ConsentItem]:
    """What the consent screen lists for `scopes`, in a fixed order."""
    wanted = set(scopes)
    return [CONSENT_ITEMS[scope] for scope in BROWSER_SCOPES if scope in wanted]


def grantable_scopes(partner: Partner | None, *, machine: bool) -> frozenset[str]:
    """The scopes a partner's client may be given: for a person's sign-in, `openid`
    and what HQ allowed the partner; for a machine client (client credentials),
    `identity_check` only, and only to partners allowed to check identities."""
    if partner is None or not partner.is_active:
        return frozenset()
    if machine:
        return MACHINE_SCOPES if partner.may_check_identity else frozenset()
    return frozenset({OPENID}) | (partner.scopes & set(BROWSER_SCOPES))


def pairwise_subject(*, user: User, partner: Partner) -> str:
    """The `sub` a partner knows the person by: HMAC-SHA256 of the person's id under
    a key derived for that partner alone, so it is stable for the partner and two
    partners cannot link their users."""
    return salted_hmac(
        f"saduak.oidc.pairwise-subject.{partner.pk}",
        str(user.pk),
        secret=settings.OIDC_PAIRWISE_SECRET,
        algorithm="sha256",
    ).hexdigest()


def assurance_claims(level: int | None) -> dict[str, Any]:
    """`acr` and `amr` for a sign-in at assurance level 1 (password) or 2 (password
    and a one-time code)."""
    if level is None:
        return {}
    if level >= 2:
        return {"acr": ACR_AAL2, "amr": ["pwd", "otp"]}
    return {"acr": ACR_AAL1, "amr": ["pwd"]}


def required_level(*, partner: Partner, acr_values: str) -> int:
    """The assurance level a sign-in needs: 2 when the partner always demands a
    second factor or the request asks for urn:saduak:aal2."""
    if partner.requires_second_factor or ACR_AAL2 in acr_values.split():
        return 2
    return 1


def birth_date(user: User) -> str | None:
    """The date of birth the civil registry confirmed when the person was enrolled
    (the latest enrolment code for the personal ID), as an ISO date."""
    found = (
        EnrolmentCode.objects.filter(personal_id=user.personal_id)
        .order_by("-issued_at")
        .values_list("birth_date", flat=True)
        .first()
    )
    return found.isoformat() if found else None


def userinfo_claims(
    *, user: User, partner: Partner, scopes: Iterable[str]
) -> dict[str, Any]:
    """The claims released for `scopes`, limited to what the partner is allowed
    now (HQ may have narrowed it since the token was issued). A claim Saduak does
    not hold (an address, an unknown date of birth) is left out."""
    granted = set(scopes) & grantable_scopes(partner, machine=False)
    claims: dict[str, Any] = {"sub": pairwise_subject(user=user, partner=partner)}
    if "profile" in granted:
        claims["name"] = user.full_name
        claims["given_name"] = user.first_name
        claims["family_name"] = user.last_name
    if "birthdate" in granted and (born := birth_date(user)):
        claims["birthdate"] = born
    if "personal_id" in granted:
        claims["personal_id"] = user.personal_id
    return claims
