"""An independent relying party (issue 20, "Done when"): a partner's application
written with Authlib and joserfc (the server uses django-oauth-toolkit, oauthlib
and jwcrypto), run against the live server over real HTTP:

discovery → PAR with private_key_jwt → authorization (the citizen signed in, the
consent screen) → code exchange with private_key_jwt + DPoP → the ES256 ID token
checked → userinfo with DPoP → refresh (the sign-in's acr, amr, auth_time and sid
kept) → introspection by the partner's resource server → the citizen signs out at
Saduak → the logout token delivered to the partner's back-channel endpoint (a real
HTTP server on 127.0.0.1) and checked → the tokens of that sign-in are dead.

The relying party's own plumbing (Authlib's private_key_jwt assertion and the
DPoP proofs read by jwcrypto, the back-channel receiver) has tests of its own.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.client import DEFAULT_HEADERS
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet
from joserfc.jwt import JWTClaimsRegistry

from saduak.identity.models import PartnerClient
from saduak.identity.tests.oidc_helpers import (
    REDIRECT_URI,
    hidden_fields,
    make_client,
    make_partner,
    oidc_test_keys,  # noqa: F401
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # what the make_user fixture sets
# Generous: the live server shares two cores with other test runs.
TIMEOUT = 60
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


class ShortLivedPrivateKeyJWT(PrivateKeyJWT):
    """Authlib's private_key_jwt with a 60-second assertion: Saduak refuses one
    that lives longer than five minutes, and Authlib's default is an hour."""

    def sign(self, auth: Any, token_endpoint: str) -> str:
        return private_key_jwt_sign(  # type: ignore[no-any-return]
            auth.client_secret,
            client_id=auth.client_id,
            token_endpoint=token_endpoint,
            header=self.headers,
            alg=self.alg,
            expires_in=60,
        )


# --- the relying party ---------------------------------------------------------------------
def new_key() -> ECKey:
    key = ECKey.generate_key("P-256")
    key.ensure_kid()
    return key


def public_jwks(key: ECKey) -> dict[str, Any]:
    public = key.as_dict(private=False)
    public.update({"alg": "ES256", "use": "sig"})
    return {"keys": [public]}


def jwk_thumbprint(key: ECKey) -> str:
    return key.thumbprint()


def dpop_proof(
    key: ECKey, method: str, url: str, *, access_token: str = "", nonce: str = ""
) -> str:
    """A DPoP proof (RFC 9449 §4.2), signed with joserfc."""
    public = key.as_dict(private=False)
    claims: dict[str, Any] = {
        "htm": method,
        "htu": url,
        "iat": int(time.time()),
        "jti": secrets.token_urlsafe(16),
    }
    if access_token:
        digest = hashlib.sha256(access_token.encode()).digest()
        claims["ath"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    if nonce:
        claims["nonce"] = nonce
    header = {
        "alg": "ES256",
        "typ": "dpop+jwt",
        "jwk": {name: public[name] for name in ("kty", "crv", "x", "y")},
    }
    return jwt.encode(header, claims, key)


def client_assertion(key: ECKey, client_id: str, audience: str) -> str:
    """private_key_jwt (RFC 7523 §2.2) signed with joserfc (the PAR request; the
    token endpoint's are made by Authlib's PrivateKeyJWT)."""
    now = int(time.time())
    return jwt.encode(
        {"alg": "ES256", "kid": key.kid},
        {
            "iss": client_id,
            "sub": client_id,
            "aud": audience,
            "iat": now,
            "exp": now + 60,
            "jti": secrets.token_urlsafe(16),
        },
        key,
    )


class BackchannelReceiver:
    """The partner's back-channel logout endpoint: a real HTTP server on
    127.0.0.1 that keeps every logout token POSTed to it."""

    def __init__(self) -> None:
        received: list[dict[str, Any]] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                received.append(
                    {
                        "content_type": self.headers.get("Content-Type", ""),
                        "form": {k: v[0] for k, v in parse_qs(body).items()},
                    }
                )
                self.send_response(200)
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/backchannel-logout"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, count: int = 1, timeout_s: float = 15.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[BackchannelReceiver]:
    found = BackchannelReceiver()
    yield found
    found.close()


class RelyingParty:
    """A partner's application: private_key_jwt with an ES256 key, PAR, DPoP."""

    def __init__(self, discovery: dict[str, Any], client_id: str, key: ECKey) -> None:
        self.discovery = discovery
        self.client_id = client_id
        self.key = key  # signs client assertions
        self.dpop_key = new_key()  # a separate key binds the tokens
        self.session = OAuth2Session(
            client_id,
            key,
            token_endpoint_auth_method="private_key_jwt",
            scope="openid profile",
            redirect_uri=REDIRECT_URI,
        )
        self.session.register_client_auth_method(
            ShortLivedPrivateKeyJWT(
                discovery["token_endpoint"], alg="ES256", headers={"kid": key.kid}
            )
        )

    def push(self) -> dict[str, Any]:
        """PAR (RFC 9126) with private_key_jwt (aud = the issuer) and dpop_jkt."""
        self.verifier = secrets.token_urlsafe(48)
        self.state = secrets.token_urlsafe(12)
        self.nonce = secrets.token_urlsafe(12)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        answer = requests.post(
            self.discovery["pushed_authorization_request_endpoint"],
            data={
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": REDIRECT_URI,
                "scope": "openid profile",
                "state": self.state,
                "nonce": self.nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "dpop_jkt": jwk_thumbprint(self.dpop_key),
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": client_assertion(
                    self.key, self.client_id, self.discovery["issuer"]
                ),
            },
            timeout=TIMEOUT,
        )
        assert answer.status_code == 201, answer.text
        pushed = answer.json()
        assert pushed["request_uri"].startswith("urn:ietf:params:oauth:request_uri:")
        assert 0 < pushed["expires_in"] <= 90
        return pushed

    def authorization_url(self, request_uri: str) -> str:
        url, _state = self.session.create_authorization_url(
            self.discovery["authorization_endpoint"], request_uri=request_uri
        )
        # Authlib adds response_type, redirect_uri, scope and a state of its own;
        # with PAR only client_id and request_uri are needed, and the pushed
        # values are the ones that count.
        query = parse_qs(urlsplit(url).query)
        assert query["request_uri"] == [request_uri]
        return (
            self.discovery["authorization_endpoint"]
            + "?"
            + requests.compat.urlencode(
                {"client_id": self.client_id, "request_uri": request_uri}
            )
        )

    def exchange(self, callback_url: str) -> dict[str, Any]:
        query = {k: v[0] for k, v in parse_qs(urlsplit(callback_url).query).items()}
        assert query["state"] == self.state
        assert query["iss"] == self.discovery["issuer"]
        token = self.session.fetch_token(
            self.discovery["token_endpoint"],
            grant_type="authorization_code",
            code=query["code"],
            code_verifier=self.verifier,
            headers=self.token_headers(),
        )
        return dict(token)

    def token_headers(self) -> dict[str, str]:
        """Authlib's own headers for the token endpoint (form, JSON), and the
        DPoP proof for this request."""
        proof = dpop_proof(self.dpop_key, "POST", self.discovery["token_endpoint"])
        return {**DEFAULT_HEADERS, "DPoP": proof}

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        token = self.session.refresh_token(
            self.discovery["token_endpoint"],
            refresh_token=refresh_token,
            headers=self.token_headers(),
        )
        return dict(token)

    def keys(self) -> KeySet:
        return KeySet.import_key_set(
            requests.get(self.discovery["jwks_uri"], timeout=TIMEOUT).json()
        )

    def id_token_claims(self, id_token: str, *, nonce: str | None) -> dict[str, Any]:
        """The ID token checked as OIDC Core 3.1.3.7 says, with joserfc: ES256
        (as this client registered), iss, aud, exp, iat, nonce."""
        token = jwt.decode(id_token, self.keys(), algorithms=["ES256"])
        assert token.header["alg"] == "ES256"
        expected: dict[str, Any] = {
            "iss": {"essential": True, "value": self.discovery["issuer"]},
            "aud": {"essential": True, "value": self.client_id},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "iat": {"essential": True},
            "auth_time": {"essential": True},
            "acr": {"essential": True},
            "sid": {"essential": True},
        }
        if nonce is not None:
            expected["nonce"] = {"essential": True, "value": nonce}
        JWTClaimsRegistry(**expected).validate(token.claims)
        return dict(token.claims)

    def userinfo(self, access_token: str, *, scheme: str = "DPoP") -> requests.Response:
        url = self.discovery["userinfo_endpoint"]
        headers = {"Authorization": f"{scheme} {access_token}"}
        if scheme == "DPoP":
            headers["DPoP"] = dpop_proof(
                self.dpop_key, "GET", url, access_token=access_token
            )
        return requests.get(url, headers=headers, timeout=TIMEOUT)

    def logout_token_claims(self, logout_token: str) -> dict[str, Any]:
        """OIDC Back-Channel Logout 1.0 §2.6, with joserfc."""
        token = jwt.decode(logout_token, self.keys(), algorithms=["ES256", "RS256"])
        assert token.header.get("typ") == "logout+jwt"
        JWTClaimsRegistry(
            iss={"essential": True, "value": self.discovery["issuer"]},
            aud={"essential": True, "value": self.client_id},
            iat={"essential": True},
            exp={"essential": True},
            jti={"essential": True},
            events={"essential": True},
        ).validate(token.claims)
        claims = dict(token.claims)
        assert BACKCHANNEL_EVENT in claims["events"]
        assert "nonce" not in claims
        assert claims["exp"] - claims["iat"] <= 120
        return claims


def resource_server_introspects(
    discovery: dict[str, Any], client_id: str, secret: str, token: str, hint: str = ""
) -> requests.Response:
    data = {"token": token}
    if hint:
        data["token_type_hint"] = hint
    return requests.post(
        discovery["introspection_endpoint"],
        data=data,
        auth=(client_id, secret),
        timeout=TIMEOUT,
    )


def signed_in_browser(base: str, personal_id: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=TIMEOUT)
    response = browser.post(
        f"{base}/accounts/login/",
        data={
            "csrfmiddlewaretoken": hidden_fields(page.text)["csrfmiddlewaretoken"],
            "username": personal_id,
            "password": PASSWORD,
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert response.status_code == 302, response.text[-2000:]
    return browser


def consent(browser: requests.Session, authorize_url: str, endpoint: str) -> str:
    screen = browser.get(authorize_url, allow_redirects=False, timeout=TIMEOUT)
    assert screen.status_code == 200, (
        screen.status_code,
        screen.headers.get("Location"),
    )
    answer = browser.post(
        endpoint,
        data=hidden_fields(screen.text) | {"allow": "on"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 302, answer.text[-1000:]
    assert answer.headers["Location"].startswith(REDIRECT_URI)
    return answer.headers["Location"]


def sign_out_at_saduak(base: str, browser: requests.Session) -> None:
    """The citizen signs out on Saduak's own page (not through the partner)."""
    page = browser.get(f"{base}/account/", timeout=TIMEOUT)
    token = hidden_fields(page.text).get("csrfmiddlewaretoken") or browser.cookies.get(
        "csrftoken", ""
    )
    answer = browser.post(
        f"{base}/accounts/logout/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/account/"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert answer.status_code in (200, 302), answer.status_code


# --- the clients, registered as HQ would on the partner page --------------------------------
def register_clients(receiver_url: str) -> tuple[str, ECKey, str, str]:
    """A partner with a sign-in client (private_key_jwt with an ES256 key, PAR
    required, DPoP-bound tokens, ES256 ID tokens, back-channel logout with sid)
    and a resource server client of the same partner that may introspect.
    The fields are written on the model directly: the partner page's service
    (partnerpage) is another helper's."""
    partner = make_partner()
    application, _secret = make_client(partner, confidential=True)
    key = new_key()
    PartnerClient.objects.filter(application=application).update(
        token_endpoint_auth_method="private_key_jwt",
        jwks=public_jwks(key),
        id_token_signed_response_alg="ES256",
        require_pushed_authorization_requests=True,
        dpop_bound_access_tokens=True,
        backchannel_logout_uri=receiver_url,
        backchannel_logout_session_required=True,
    )
    resource_server, rs_secret = make_client(
        partner,
        redirect_uri="https://api.agency.example.go.th/unused",
        confidential=True,
    )
    PartnerClient.objects.filter(application=resource_server).update(
        may_introspect=True
    )
    assert rs_secret is not None
    return application.client_id, key, resource_server.client_id, rs_secret


# --- the full flow ----------------------------------------------------------------------------
def test_the_full_flow_par_private_key_jwt_dpop_and_back_channel_logout(
    live_server: Any, citizen: Any, receiver: BackchannelReceiver, settings: Any
) -> None:
    base = live_server.url
    issuer = f"{base}/o"
    # As production sets OIDC_ISSUER: the worker that sends logout tokens has no
    # request to take the issuer from.
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": issuer}

    discovery = requests.get(
        f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT
    ).json()
    assert discovery["issuer"] == issuer
    assert discovery["authorization_response_iss_parameter_supported"] is True
    assert "S256" in discovery["code_challenge_methods_supported"]
    # Discovery: PAR and private_key_jwt.
    assert discovery.get("pushed_authorization_request_endpoint") == f"{issuer}/par/"
    assert "private_key_jwt" in discovery["token_endpoint_auth_methods_supported"]
    assert "ES256" in discovery.get(
        "token_endpoint_auth_signing_alg_values_supported", []
    )
    # Discovery: DPoP and introspection.
    assert "ES256" in discovery.get("dpop_signing_alg_values_supported", [])
    assert str(discovery.get("introspection_endpoint")).startswith(issuer)
    # Discovery: ES256 ID tokens.
    assert "ES256" in discovery["id_token_signing_alg_values_supported"]
    # Discovery: back-channel logout.
    assert discovery.get("backchannel_logout_supported") is True
    assert discovery.get("backchannel_logout_session_supported") is True

    client_id, key, rs_id, rs_secret = register_clients(receiver.url)
    party = RelyingParty(discovery, client_id, key)
    browser = signed_in_browser(base, citizen.personal_id)

    # PAR with private_key_jwt.
    pushed = party.push()

    # Authorization with request_uri.
    callback = consent(
        browser,
        party.authorization_url(pushed["request_uri"]),
        discovery["authorization_endpoint"],
    )

    # Code exchange with private_key_jwt + DPoP.
    token = party.exchange(callback)
    assert token["token_type"] == "DPoP"
    assert {"access_token", "refresh_token", "id_token"} <= set(token)

    # ES256 ID token.
    first = party.id_token_claims(token["id_token"], nonce=party.nonce)
    assert first["acr"] == "urn:saduak:aal1"
    assert first["amr"] == ["pwd"]

    # Userinfo with DPoP.
    userinfo = party.userinfo(token["access_token"])
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["sub"] == first["sub"]
    # A DPoP-bound token shown as a plain Bearer token is refused.
    assert party.userinfo(token["access_token"], scheme="Bearer").status_code == 401

    # Refresh with DPoP, the sign-in's claims kept.
    refreshed = party.refresh(token["refresh_token"])
    assert refreshed["token_type"] == "DPoP"
    again = party.id_token_claims(refreshed["id_token"], nonce=None)
    for claim in ("sub", "acr", "amr", "auth_time", "sid"):
        assert again[claim] == first[claim], claim

    # Introspection by the resource server.
    answer = resource_server_introspects(
        discovery, rs_id, rs_secret, refreshed["access_token"]
    )
    assert answer.status_code == 200, answer.text
    state = answer.json()
    assert state["active"] is True
    assert state["client_id"] == client_id
    assert state["sub"] == first["sub"]
    assert state["token_type"] == "DPoP"
    assert state["cnf"] == {"jkt": jwk_thumbprint(party.dpop_key)}
    assert state["acr"] == "urn:saduak:aal1"

    # Back-channel logout.
    sign_out_at_saduak(base, browser)
    delivered = receiver.wait(1)
    assert len(delivered) == 1, delivered
    assert delivered[0]["content_type"].startswith("application/x-www-form-urlencoded")
    logout = party.logout_token_claims(delivered[0]["form"]["logout_token"])
    assert logout["sid"] == first["sid"]
    assert logout["sub"] == first["sub"]

    # The sign-in's tokens are dead after the logout.
    gone = resource_server_introspects(
        discovery, rs_id, rs_secret, refreshed["access_token"]
    )
    assert gone.json() == {"active": False}
    assert party.userinfo(refreshed["access_token"]).status_code == 401
    with pytest.raises(OAuthError) as refused:
        party.refresh(refreshed["refresh_token"])
    assert refused.value.error == "invalid_grant"


# --- what runs today: the relying party's own plumbing ------------------------------------------
def test_authlibs_client_assertion_and_the_dpop_proofs_are_read_by_jwcrypto() -> None:
    """The relying party's JWTs, made with Authlib and joserfc, are what the
    server's library (jwcrypto) reads: signature, header and claims."""
    from jwcrypto import jwk as jwcrypto_jwk
    from jwcrypto import jwt as jwcrypto_jwt

    key = new_key()
    party = RelyingParty(
        {
            "token_endpoint": "http://127.0.0.1:9/o/token/",
            "issuer": "http://127.0.0.1:9/o",
        },
        "client-123",
        key,
    )
    auth = party.session.client_auth("private_key_jwt")
    _uri, _headers, body = auth.prepare(
        "POST", "http://127.0.0.1:9/o/token/", {}, "grant_type=authorization_code"
    )
    form = {k: v[0] for k, v in parse_qs(body).items()}
    assert form["client_assertion_type"] == ASSERTION_TYPE
    public = jwcrypto_jwk.JWK(**public_jwks(key)["keys"][0])
    assertion = jwcrypto_jwt.JWT(
        jwt=form["client_assertion"], key=public, algs=["ES256"]
    )
    header = json.loads(assertion.header)
    claims = json.loads(assertion.claims)
    assert (header["alg"], header["kid"]) == ("ES256", key.kid)
    assert claims["iss"] == claims["sub"] == "client-123"
    assert claims["aud"] == "http://127.0.0.1:9/o/token/"
    assert claims["jti"] and claims["exp"] > time.time()

    token = "an access token"
    proof = dpop_proof(
        party.dpop_key, "GET", "http://127.0.0.1:9/o/userinfo/", access_token=token
    )
    unverified = jwcrypto_jwt.JWT(jwt=proof)
    proof_header = json.loads(unverified.token.objects["protected"])
    embedded = jwcrypto_jwk.JWK(**proof_header["jwk"])
    assert not embedded.has_private
    assert embedded.thumbprint() == jwk_thumbprint(party.dpop_key)
    verified = json.loads(
        jwcrypto_jwt.JWT(jwt=proof, key=embedded, algs=["ES256"]).claims
    )
    assert proof_header["typ"] == "dpop+jwt"
    assert (verified["htm"], verified["htu"]) == (
        "GET",
        "http://127.0.0.1:9/o/userinfo/",
    )
    expected_ath = (
        base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest())
        .rstrip(b"=")
        .decode()
    )
    assert verified["ath"] == expected_ath


def test_the_back_channel_receiver_keeps_what_is_posted(
    receiver: BackchannelReceiver,
) -> None:
    answer = requests.post(
        receiver.url, data={"logout_token": "a.b.c"}, timeout=TIMEOUT
    )

    assert answer.status_code == 200
    assert receiver.wait(1) == [
        {
            "content_type": "application/x-www-form-urlencoded",
            "form": {"logout_token": "a.b.c"},
        }
    ]


def test_the_partner_is_registered_with_the_new_settings(
    receiver: BackchannelReceiver,
) -> None:
    client_id, key, rs_id, _ = register_clients(receiver.url)

    client = PartnerClient.objects.get(application__client_id=client_id)
    assert client.token_endpoint_auth_method == "private_key_jwt"
    assert client.jwks["keys"][0]["kid"] == key.kid
    assert "d" not in client.jwks["keys"][0]
    assert client.backchannel_logout_uri == receiver.url
    assert PartnerClient.objects.get(application__client_id=rs_id).may_introspect
