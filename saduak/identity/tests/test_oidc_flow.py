"""A relying party built with Authlib runs the whole OpenID Connect flow against the
running server: a citizen signs in through the sign-in form, agrees on the consent
screen, the partner exchanges the code (PKCE S256), checks the ID token against the
published keys, reads userinfo, and finally signs the citizen out."""

import warnings

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django_otp.oath import TOTP

from saduak.audit.models import AuditEvent
from saduak.identity.models import AccessChannel, DataAccess
from saduak.identity.oidc.claims import pairwise_subject
from saduak.identity.second_factor import totp_setup_confirm, totp_setup_start
from saduak.identity.tests.oidc_helpers import (
    POST_LOGOUT_URI,
    REDIRECT_URI,
    hidden_fields,
    make_client,
    make_partner,
    oidc_test_keys,  # noqa: F401
    query_of,
)

with warnings.catch_warnings():
    # Authlib points to joserfc for JOSE; authlib.jose still verifies ID tokens.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.jose import JsonWebKey, jwt
    from authlib.oidc.core import CodeIDToken

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:authlib.jose module is deprecated"),
]

PASSWORD = "correct horse battery"  # what the make_user fixture sets


@pytest.fixture
def server(live_server):
    base = live_server.url
    discovery = requests.get(f"{base}/o/.well-known/openid-configuration", timeout=10)
    return base, discovery.json()


def sign_in(base: str, personal_id: str) -> requests.Session:
    """The citizen's browser, signed in through the sign-in form."""
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=10)
    response = browser.post(
        f"{base}/accounts/login/",
        data={
            "csrfmiddlewaretoken": hidden_fields(page.text)["csrfmiddlewaretoken"],
            "username": personal_id,
            "password": PASSWORD,
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[-2000:]
    return browser


class RelyingParty:
    """A partner's web application, as an agency would write it with Authlib."""

    def __init__(self, discovery, application, secret, scope="openid profile"):
        self.discovery = discovery
        self.client_id = application.client_id
        self.session = OAuth2Session(
            application.client_id,
            secret,
            scope=scope,
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
        )

    def start(self, **extra):
        self.verifier = generate_token(48)
        self.nonce = generate_token(20)
        url, self.state = self.session.create_authorization_url(
            self.discovery["authorization_endpoint"],
            code_verifier=self.verifier,
            nonce=self.nonce,
            **extra,
        )
        return url

    def finish(self, callback_url, verifier=None):
        return self.session.fetch_token(
            self.discovery["token_endpoint"],
            authorization_response=callback_url,
            code_verifier=verifier or self.verifier,
        )

    def verified_id_token(self, token):
        keys = JsonWebKey.import_key_set(
            requests.get(self.discovery["jwks_uri"], timeout=10).json()
        )
        claims = jwt.decode(
            token["id_token"],
            keys,
            claims_cls=CodeIDToken,
            claims_options={
                "iss": {"essential": True, "value": self.discovery["issuer"]}
            },
            claims_params={
                "nonce": self.nonce,
                "client_id": self.client_id,
                "access_token": token["access_token"],
            },
        )
        claims.validate()
        return claims


def consent(browser, discovery, authorize_url, expected_text):
    """Opens the authorization URL, checks the consent screen, allows; returns the
    partner's callback address with the code."""
    screen = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert screen.status_code == 200, screen.headers.get("Location")
    assert expected_text in screen.text
    answer = browser.post(
        discovery["authorization_endpoint"],
        data=hidden_fields(screen.text) | {"allow": "on"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(REDIRECT_URI)
    return answer.headers["Location"]


def test_a_partner_signs_a_citizen_in_reads_userinfo_and_signs_out(server, citizen):
    base, discovery = server
    employment = make_partner()
    bank = make_partner(name_th="ธนาคารออมสิน", kind="bank", purpose_th="เปิดบัญชี")
    first = RelyingParty(discovery, *make_client(employment))
    second = RelyingParty(discovery, *make_client(bank), scope="openid")
    browser = sign_in(base, citizen.personal_id)

    callback = consent(browser, discovery, first.start(), employment.purpose_th)
    assert query_of(callback)["iss"] == discovery["issuer"]
    token = first.finish(callback)
    claims = first.verified_id_token(token)
    assert claims["iss"] == f"{base}/o"
    assert claims["aud"] == first.client_id
    assert claims["nonce"] == first.nonce
    assert claims["sub"] == pairwise_subject(user=citizen, partner=employment)
    assert (claims["acr"], claims["amr"]) == ("urn:saduak:aal1", ["pwd"])

    userinfo = first.session.get(discovery["userinfo_endpoint"], timeout=10).json()
    assert userinfo == {
        "sub": claims["sub"],
        "name": "สมศรี ใจดี",
        "given_name": "สมศรี",
        "family_name": "ใจดี",
    }

    other_token = second.finish(consent(browser, discovery, second.start(), "เปิดบัญชี"))
    other_claims = second.verified_id_token(other_token)
    assert other_claims["sub"] != claims["sub"]  # partners cannot link the citizen

    assert list(
        DataAccess.objects.filter(citizen=citizen)
        .order_by("occurred_at")
        .values_list("partner__name_th", "channel")
    ) == [
        (employment.name_th, AccessChannel.SIGN_IN),
        (employment.name_th, AccessChannel.USERINFO),
        (bank.name_th, AccessChannel.SIGN_IN),
    ]

    # The consent is remembered: the next sign-in goes straight back.
    again = browser.get(first.start(), allow_redirects=False, timeout=10)
    assert again.status_code == 302
    assert query_of(again.headers["Location"])["code"]

    signed_out = browser.get(
        discovery["end_session_endpoint"],
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": POST_LOGOUT_URI,
            "state": "bye",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert signed_out.headers["Location"] == f"{POST_LOGOUT_URI}?state=bye"
    assert (
        first.session.get(discovery["userinfo_endpoint"], timeout=10).status_code == 401
    )
    after = browser.get(f"{base}/account/partners/", allow_redirects=False, timeout=10)
    assert after.headers["Location"].startswith("/accounts/login/")


def test_a_replayed_code_a_wrong_verifier_and_a_wrong_secret_are_refused(
    server, citizen
):
    base, discovery = server
    partner = make_partner()
    application, secret = make_client(partner)
    party = RelyingParty(discovery, application, secret)
    browser = sign_in(base, citizen.personal_id)

    callback = consent(browser, discovery, party.start(), partner.purpose_th)
    party.finish(callback)
    with pytest.raises(OAuthError) as replayed:
        party.finish(callback)
    assert replayed.value.error == "invalid_grant"
    # The exchange that succeeded is on the audit chain once, the replay not at all.
    signed_in = AuditEvent.objects.filter(action="identity.oidc.sign_in")
    assert [(e.actor_id, e.target_id) for e in signed_in] == [
        (citizen.pk, str(partner.pk))
    ]
    assert DataAccess.objects.filter(channel=AccessChannel.SIGN_IN).count() == 1

    callback = browser.get(party.start(), allow_redirects=False, timeout=10)
    with pytest.raises(OAuthError) as wrong_verifier:
        party.finish(callback.headers["Location"], verifier=generate_token(48))
    assert wrong_verifier.value.error == "invalid_grant"

    impostor = RelyingParty(discovery, application, "not-the-secret")
    callback = browser.get(impostor.start(), allow_redirects=False, timeout=10)
    with pytest.raises(OAuthError) as wrong_secret:
        impostor.finish(callback.headers["Location"])
    assert wrong_secret.value.error == "invalid_client"


def test_a_partner_demanding_a_second_factor_gets_a_stepped_up_sign_in(server, citizen):
    """The citizen signed in with a password, then set up an authenticator app:
    the session is still at level 1 when a partner demands level 2."""
    base, discovery = server
    strict = make_partner(requires_second_factor=True, name_th="กรมสรรพากร")
    party = RelyingParty(discovery, *make_client(strict))
    browser = sign_in(base, citizen.personal_id)
    device = totp_setup_start(user=citizen)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    recovery_codes = totp_setup_confirm(user=citizen, token=f"{totp.token():06d}")

    step_up = browser.get(party.start(), allow_redirects=False, timeout=10)
    assert step_up.status_code == 302
    assert step_up.headers["Location"].startswith("/accounts/step-up/?next=")
    page = browser.get(f"{base}{step_up.headers['Location']}", timeout=10)
    answer = browser.post(
        page.url,
        data=hidden_fields(page.text) | {"token": recovery_codes[0]},
        allow_redirects=False,
        timeout=10,
    )
    authorize_again = answer.headers["Location"]
    assert authorize_again.startswith("/o/authorize/?")
    callback = consent(
        browser, discovery, f"{base}{authorize_again}", strict.purpose_th
    )
    claims = party.verified_id_token(party.finish(callback))
    assert (claims["acr"], claims["amr"]) == ("urn:saduak:aal2", ["pwd", "otp"])
