"""Partners, clients and signing keys for the partner sign-in (OIDC) tests."""

import base64
import hashlib
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from saduak.identity.models import Partner
from saduak.identity.oidc.keys import new_ec_private_key_pem, new_private_key_pem
from saduak.identity.oidc.services import partner_client_create

# Tests sign with keys of their own, never with a developer's key in var/.
CURRENT_KEY = new_private_key_pem()
PREVIOUS_KEY = new_private_key_pem()
EC_CURRENT_KEY = new_ec_private_key_pem()
EC_PREVIOUS_KEY = new_ec_private_key_pem()
REDIRECT_URI = "https://agency.example.go.th/callback"
POST_LOGOUT_URI = "https://agency.example.go.th/signed-out"


@pytest.fixture(autouse=True)
def oidc_test_keys(settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": CURRENT_KEY,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [PREVIOUS_KEY],
    }
    settings.OIDC_EC_PRIVATE_KEY = EC_CURRENT_KEY
    settings.OIDC_EC_PREVIOUS_KEYS = [EC_PREVIOUS_KEY]


def make_partner(**fields) -> Partner:
    fields.setdefault("name_th", "กรมการจัดหางาน")
    fields.setdefault("name_en", "Department of Employment")
    fields.setdefault("kind", "agency")
    fields.setdefault("purpose_th", "ยืนยันตัวตนผู้ขอรับสิทธิประกันการว่างงาน")
    fields.setdefault("purpose_en", "To confirm who applies for unemployment benefit")
    fields.setdefault("allowed_scopes", "openid profile birthdate")
    return Partner.objects.create(**fields)


def make_client(
    partner,
    *,
    redirect_uri=REDIRECT_URI,
    post_logout_uri=POST_LOGOUT_URI,
    confidential=True,
):
    return partner_client_create(
        partner=partner,
        redirect_uris=[redirect_uri],
        post_logout_redirect_uris=[post_logout_uri] if post_logout_uri else [],
        confidential=confidential,
        actor="test",
    )


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_params(application, *, challenge, **changes) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile",
        "state": "state-123",
        "nonce": "nonce-456",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(changes)
    return {key: value for key, value in params.items() if value is not None}


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


class _FormFields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden":
            self.fields[attributes.get("name") or ""] = attributes.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (the consent form, the CSRF token)."""
    parser = _FormFields()
    parser.feed(html)
    return parser.fields
