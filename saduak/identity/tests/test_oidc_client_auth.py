"""private_key_jwt client authentication (RFC 7523), keys registered inline or
published at a jwks_uri (rotation without downtime), pushed authorization requests
(RFC 9126) and signed request objects (RFC 9101). Client assertions and request
objects are built with joserfc, a JOSE library independent of the server's
jwcrypto."""

import base64
import json
import time
import uuid
from datetime import timedelta
from urllib.parse import urlencode

import httpx
import pytest
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey
from oauth2_provider.models import AccessToken, Grant

from saduak.identity.models import ClientAuthMethod
from saduak.identity.oidc import client_key_source
from saduak.identity.oidc.client_cache import forget_clients
from saduak.identity.oidc.client_keys import registered_jwks_check
from saduak.identity.oidc.models import PushedAuthorizationRequest, SeenJwt
from saduak.identity.oidc.request_objects import expired_purge
from saduak.identity.oidc.services import oidc_consent_grant
from saduak.identity.tests.oidc_helpers import (
    REDIRECT_URI,
    authorize_params,
    make_client,
    make_partner,
    oidc_test_keys,  # noqa: F401
    pkce_pair,
    query_of,
)

pytestmark = pytest.mark.django_db

ISSUER = "http://testserver/o"
TOKEN_URL = "http://testserver/o/token/"
PAR_URL = "http://testserver/o/par/"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
JWKS_URI = "https://agency.example.go.th/jwks.json"

EC_KEY = ECKey.generate_key("P-256", parameters={"kid": "ec-1", "use": "sig"})
RSA_KEY = RSAKey.generate_key(2048, parameters={"kid": "rsa-1", "use": "sig"})
NEW_KEY = ECKey.generate_key("P-256", parameters={"kid": "ec-2", "use": "sig"})
STRANGER_KEY = ECKey.generate_key("P-256", parameters={"kid": "ec-1", "use": "sig"})


def public_set(*keys) -> dict:
    return {"keys": [key.as_dict(private=False) for key in keys]}


def register(application, **fields):
    partner_client = application.partner_client
    for name, value in fields.items():
        setattr(partner_client, name, value)
    partner_client.save()
    forget_clients([application.client_id])


@pytest.fixture
def partner():
    return make_partner()


@pytest.fixture
def application(partner):
    application, _secret = make_client(partner)
    register(
        application,
        token_endpoint_auth_method=ClientAuthMethod.PRIVATE_KEY_JWT,
        jwks=registered_jwks_check(public_set(EC_KEY, RSA_KEY)),
    )
    return application


@pytest.fixture
def signed_in(client, citizen, partner):
    client.force_login(citizen)
    session = client.session
    session["saduak_aal"] = 1
    session.save()
    oidc_consent_grant(user=citizen, partner=partner, scopes=["openid", "profile"])
    return client


def assertion(
    client_id, *, key=EC_KEY, alg="ES256", aud=TOKEN_URL, lifetime=60, **changes
):
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": aud,
        "iat": now,
        "exp": now + lifetime,
        "jti": str(uuid.uuid4()),
    }
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    header = {"alg": alg, "kid": key.kid} if key is not None else {"alg": alg}
    return jwt.encode(header, claims, key, algorithms=[alg])


def unsigned(claims: dict) -> str:
    def part(value: dict) -> str:
        return (
            base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
        )

    return f"{part({'alg': 'none'})}.{part(claims)}."


def code_for(client, application, **changes):
    verifier, challenge = pkce_pair()
    response = client.get(
        "/o/authorize/", authorize_params(application, challenge=challenge, **changes)
    )
    assert response.status_code == 302, response.content[-500:]
    return query_of(response["Location"])["code"], verifier


def exchange(client, code, verifier, **auth):
    return client.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            **auth,
        },
    )


def with_assertion(token):
    return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": token}


# --- private_key_jwt at the token endpoint --------------------------------------------
@pytest.mark.parametrize(
    ("key", "alg", "aud"),
    [
        (EC_KEY, "ES256", TOKEN_URL),
        (RSA_KEY, "RS256", ISSUER),
        (RSA_KEY, "PS256", [ISSUER, "https://other.example"]),
    ],
)
def test_a_client_signs_in_with_its_private_key(signed_in, application, key, alg, aud):
    code, verifier = code_for(signed_in, application)
    response = exchange(
        signed_in,
        code,
        verifier,
        **with_assertion(assertion(application.client_id, key=key, alg=alg, aud=aud)),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["access_token"] and body["id_token"]
    assert AccessToken.objects.get().application == application


def test_a_client_id_in_the_body_must_be_the_assertions(signed_in, application):
    code, verifier = code_for(signed_in, application)
    token = assertion(application.client_id)
    same = exchange(
        signed_in,
        code,
        verifier,
        client_id=application.client_id,
        **with_assertion(token),
    )
    assert same.status_code == 200
    other, _ = make_client(make_partner())
    code, verifier = code_for(signed_in, application)
    response = exchange(
        signed_in,
        code,
        verifier,
        client_id=other.client_id,
        **with_assertion(assertion(application.client_id)),
    )
    assert response.status_code == 401


def test_an_assertion_is_accepted_once(signed_in, application):
    token = assertion(application.client_id)
    code, verifier = code_for(signed_in, application)
    assert (
        exchange(signed_in, code, verifier, **with_assertion(token)).status_code == 200
    )
    code, verifier = code_for(signed_in, application)
    replayed = exchange(signed_in, code, verifier, **with_assertion(token))
    assert replayed.status_code == 401
    assert replayed.json()["error"] == "invalid_client"
    assert SeenJwt.objects.filter(purpose="client_assertion").count() == 1


BAD_ASSERTIONS = {
    "another audience": {"aud": "https://elsewhere.example/token"},
    "expired": {"exp": int(time.time()) - 120},
    "lives too long": {"lifetime": 3600},
    "no exp": {"exp": None},
    "no jti": {"jti": None},
    "issued in the future": {"iat": int(time.time()) + 600, "lifetime": 700},
    "another subject": {"sub": "someone-else"},
    "another key with the same kid": {"key": STRANGER_KEY},
    "an unregistered key": {"key": NEW_KEY},
}


@pytest.mark.parametrize("changes", BAD_ASSERTIONS.values(), ids=BAD_ASSERTIONS.keys())
def test_a_bad_assertion_is_invalid_client(signed_in, application, changes):
    code, verifier = code_for(signed_in, application)
    token = assertion(application.client_id, **changes)
    response = exchange(signed_in, code, verifier, **with_assertion(token))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert not AccessToken.objects.exists()


def test_a_signed_request_object_is_not_taken_for_a_client_assertion(
    signed_in, application
):
    """A request object passes through browsers; one that happens to say
    sub = client_id and aud = the issuer must not authenticate the client."""
    now = int(time.time())
    as_request = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid",
    }
    for token in (
        assertion(
            application.client_id,
            aud=ISSUER,
            **{
                name: value for name, value in as_request.items() if name != "client_id"
            },
        ),
        jwt.encode(
            {"alg": "ES256", "kid": EC_KEY.kid, "typ": "oauth-authz-req+jwt"},
            {
                "iss": application.client_id,
                "sub": application.client_id,
                "aud": ISSUER,
                "iat": now,
                "exp": now + 60,
                "jti": str(uuid.uuid4()),
            },
            EC_KEY,
            algorithms=["ES256"],
        ),
    ):
        code, verifier = code_for(signed_in, application)
        refused = exchange(signed_in, code, verifier, **with_assertion(token))
        assert refused.status_code == 401
        assert refused.json()["error"] == "invalid_client"


def test_symmetric_and_unsigned_assertions_are_refused(signed_in, application):
    client_id = application.client_id
    secret_key = OctKey.generate_key(256)
    hs256 = jwt.encode(
        {"alg": "HS256"},
        {
            "iss": client_id,
            "sub": client_id,
            "aud": TOKEN_URL,
            "jti": "x",
            "exp": int(time.time()) + 60,
        },
        secret_key,
        algorithms=["HS256"],
    )
    none = unsigned(
        {
            "iss": client_id,
            "sub": client_id,
            "aud": TOKEN_URL,
            "jti": "y",
            "exp": int(time.time()) + 60,
        }
    )
    for token in (hs256, none, "not-a-jwt", ""):
        code, verifier = code_for(signed_in, application)
        response = exchange(signed_in, code, verifier, **with_assertion(token))
        assert response.status_code == 401, token


def test_a_wrong_assertion_type_is_refused(signed_in, application):
    code, verifier = code_for(signed_in, application)
    response = exchange(
        signed_in,
        code,
        verifier,
        client_assertion_type="urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
        client_assertion=assertion(application.client_id),
    )
    assert response.status_code == 401


def test_a_key_client_cannot_use_a_secret(signed_in, partner):
    application, secret = make_client(partner)
    register(
        application,
        token_endpoint_auth_method=ClientAuthMethod.PRIVATE_KEY_JWT,
        jwks=registered_jwks_check(public_set(EC_KEY)),
    )
    code, verifier = code_for(signed_in, application)
    response = exchange(
        signed_in, code, verifier, client_id=application.client_id, client_secret=secret
    )
    assert response.status_code == 401
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    code, verifier = code_for(signed_in, application)
    response = signed_in.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 401
    # ...nor a secret and an assertion together (one method per request).
    code, verifier = code_for(signed_in, application)
    response = exchange(
        signed_in,
        code,
        verifier,
        client_secret=secret,
        **with_assertion(assertion(application.client_id)),
    )
    assert response.status_code == 401


def test_a_secret_client_cannot_use_an_assertion(signed_in, partner):
    application, _secret = make_client(partner)
    register(application, jwks=registered_jwks_check(public_set(EC_KEY)))
    code, verifier = code_for(signed_in, application)
    response = exchange(
        signed_in, code, verifier, **with_assertion(assertion(application.client_id))
    )
    assert response.status_code == 401


def test_a_key_client_without_authentication_is_refused(signed_in, application):
    code, verifier = code_for(signed_in, application)
    response = exchange(signed_in, code, verifier, client_id=application.client_id)
    assert response.status_code == 401
    assert not AccessToken.objects.exists()


# --- jwks_uri: published keys, rotation --------------------------------------------------
class PublishedKeys:
    """The partner's key server: what it publishes, and how often it was asked."""

    def __init__(self, *keys):
        self.jwks = public_set(*keys)
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        assert str(request.url) == JWKS_URI
        return httpx.Response(200, json=self.jwks)


@pytest.fixture
def published(monkeypatch, application):
    server = PublishedKeys(EC_KEY)
    monkeypatch.setattr(client_key_source, "TRANSPORT", httpx.MockTransport(server))
    register(application, jwks={}, jwks_uri=JWKS_URI)
    client_key_source.forget_published_keys(JWKS_URI)
    return server


def test_keys_published_at_a_jwks_uri_are_fetched_once_and_kept(
    signed_in, application, published
):
    for _ in range(2):
        code, verifier = code_for(signed_in, application)
        token = assertion(application.client_id)
        assert (
            exchange(signed_in, code, verifier, **with_assertion(token)).status_code
            == 200
        )
    assert published.requests == 1


def test_a_new_key_is_accepted_as_soon_as_it_is_published(
    signed_in, application, published, monkeypatch
):
    code, verifier = code_for(signed_in, application)
    token = assertion(application.client_id)
    assert (
        exchange(signed_in, code, verifier, **with_assertion(token)).status_code == 200
    )
    # Rotation: the partner publishes its new key beside the old one, signs with it.
    published.jwks = public_set(EC_KEY, NEW_KEY)
    monkeypatch.setattr(client_key_source, "REFETCH_SECONDS", 0)
    code, verifier = code_for(signed_in, application)
    token = assertion(application.client_id, key=NEW_KEY)
    assert (
        exchange(signed_in, code, verifier, **with_assertion(token)).status_code == 200
    )
    assert published.requests == 2
    # ...and later removes the old one.
    published.jwks = public_set(NEW_KEY)
    client_key_source.forget_published_keys(JWKS_URI)
    code, verifier = code_for(signed_in, application)
    token = assertion(application.client_id, key=EC_KEY)
    assert (
        exchange(signed_in, code, verifier, **with_assertion(token)).status_code == 401
    )


def test_unknown_keys_are_fetched_again_at_most_once_a_minute(
    signed_in, application, published
):
    code, verifier = code_for(signed_in, application)
    token = assertion(application.client_id)
    assert (
        exchange(signed_in, code, verifier, **with_assertion(token)).status_code == 200
    )
    for _ in range(3):
        code, verifier = code_for(signed_in, application)
        token = assertion(application.client_id, key=NEW_KEY)
        assert (
            exchange(signed_in, code, verifier, **with_assertion(token)).status_code
            == 401
        )
    assert published.requests == 1  # the first fetch was less than a minute ago


def test_a_published_private_key_or_a_failing_server_authenticates_nobody(
    signed_in, application, monkeypatch
):
    register(application, jwks={}, jwks_uri=JWKS_URI)
    answers = [
        httpx.Response(200, json={"keys": [EC_KEY.as_dict(private=True)]}),
        httpx.Response(500),
        httpx.Response(302, headers={"Location": "https://evil.example/jwks"}),
        httpx.Response(200, content=b"{" * 100_000),
    ]
    for answer in answers:
        client_key_source.forget_published_keys(JWKS_URI)
        monkeypatch.setattr(
            client_key_source,
            "TRANSPORT",
            httpx.MockTransport(lambda request, answer=answer: answer),
        )
        code, verifier = code_for(signed_in, application)
        token = assertion(application.client_id)
        assert (
            exchange(signed_in, code, verifier, **with_assertion(token)).status_code
            == 401
        )


def test_a_key_server_that_is_down_is_asked_at_most_once_a_minute(
    signed_in, application, monkeypatch
):
    """A partner's jwks_uri that fails is not fetched again on every request that
    names the client (each fetch would hold a worker up to the timeout)."""
    register(application, jwks={}, jwks_uri=JWKS_URI)
    client_key_source.forget_published_keys(JWKS_URI)
    asked = []

    def down(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(503)

    monkeypatch.setattr(client_key_source, "TRANSPORT", httpx.MockTransport(down))
    for _ in range(3):
        code, verifier = code_for(signed_in, application)
        token = assertion(application.client_id)
        assert (
            exchange(signed_in, code, verifier, **with_assertion(token)).status_code
            == 401
        )
    assert len(asked) == 1


# --- Pushed authorization requests ---------------------------------------------------------
def form_post(client, url, data):
    """A form post as partners send it (application/x-www-form-urlencoded)."""
    return client.post(
        url, urlencode(data), content_type="application/x-www-form-urlencoded"
    )


def push(client, application, *, auth=None, **changes):
    verifier, challenge = pkce_pair()
    body = authorize_params(application, challenge=challenge, **changes)
    if auth is None:
        auth = with_assertion(assertion(application.client_id, aud=PAR_URL))
    return form_post(client, "/o/par/", {**body, **auth}), verifier


def test_a_pushed_request_is_answered_with_a_request_uri(signed_in, application):
    response, verifier = push(signed_in, application)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["request_uri"].startswith("urn:ietf:params:oauth:request_uri:")
    assert body["expires_in"] == 90
    assert response["Cache-Control"] == "no-store"
    authorized = signed_in.get(
        "/o/authorize/",
        {"client_id": application.client_id, "request_uri": body["request_uri"]},
    )
    assert authorized.status_code == 302, authorized.content[-500:]
    answer = query_of(authorized["Location"])
    assert authorized["Location"].startswith(REDIRECT_URI)
    assert answer["state"] == "state-123" and answer["code"]
    token = exchange(
        signed_in,
        answer["code"],
        verifier,
        **with_assertion(assertion(application.client_id)),
    )
    assert token.status_code == 200
    # One code per pushed request.
    again = signed_in.get(
        "/o/authorize/",
        {"client_id": application.client_id, "request_uri": body["request_uri"]},
    )
    assert again.status_code == 400
    assert b"invalid_request_uri" in again.content


def test_a_pushed_request_may_be_opened_again_until_a_code_is_issued(
    client, citizen, partner, application
):
    response, _verifier = push(client, application)
    request_uri = response.json()["request_uri"]
    query = {"client_id": application.client_id, "request_uri": request_uri}
    first = client.get("/o/authorize/", query)
    assert first.status_code == 302 and "/accounts/login/" in first["Location"]
    client.force_login(citizen)
    oidc_consent_grant(user=citizen, partner=partner, scopes=["openid", "profile"])
    back = first["Location"].split("next=", 1)[1]
    from urllib.parse import unquote

    again = client.get(unquote(back))
    assert again.status_code == 302
    assert query_of(again["Location"])["code"]


def test_a_pushed_request_with_the_consent_screen_is_used_up(
    client, citizen, application
):
    from saduak.identity.tests.oidc_helpers import hidden_fields

    client.force_login(citizen)
    response, _verifier = push(client, application)
    request_uri = response.json()["request_uri"]
    page = client.get(
        "/o/authorize/",
        {"client_id": application.client_id, "request_uri": request_uri},
    )
    assert page.status_code == 200
    fields = hidden_fields(page.content.decode())
    answer = client.post("/o/authorize/", fields | {"allow": "on"})
    assert query_of(answer["Location"])["code"]
    assert PushedAuthorizationRequest.objects.get().used_at is not None


def test_the_consent_form_cannot_change_a_pushed_request(client, citizen, application):
    """The consent screen posts the parameters back through the browser: for a
    pushed request the pushed values count, whatever is posted."""
    from saduak.identity.tests.oidc_helpers import hidden_fields

    other = "https://agency.example.go.th/other"
    application.redirect_uris = f"{REDIRECT_URI} {other}"
    application.save()
    forget_clients([application.client_id])
    client.force_login(citizen)
    response, _verifier = push(client, application, scope="openid")
    request_uri = response.json()["request_uri"]
    page = client.get(
        "/o/authorize/",
        {"client_id": application.client_id, "request_uri": request_uri},
    )
    assert page.status_code == 200
    tampered = hidden_fields(page.content.decode()) | {
        "allow": "on",
        "redirect_uri": other,
        "scope": "openid profile",
        "state": "tampered",
        "code_challenge": "A" * 43,
    }
    answer = client.post("/o/authorize/", tampered)
    assert answer["Location"].startswith(REDIRECT_URI + "?")
    back = query_of(answer["Location"])
    assert back["state"] == "state-123" and back["code"]
    grant = Grant.objects.get(code=back["code"])
    assert grant.scope == "openid"
    assert grant.code_challenge != "A" * 43


def test_a_request_uri_of_another_client_or_expired_is_refused(
    signed_in, application, partner
):
    response, _ = push(signed_in, application)
    request_uri = response.json()["request_uri"]
    other, _secret = make_client(partner)
    stolen = signed_in.get(
        "/o/authorize/", {"client_id": other.client_id, "request_uri": request_uri}
    )
    assert stolen.status_code == 400 and b"invalid_request_uri" in stolen.content
    PushedAuthorizationRequest.objects.update(expires_at=timezone.now())
    expired = signed_in.get(
        "/o/authorize/",
        {"client_id": application.client_id, "request_uri": request_uri},
    )
    assert expired.status_code == 400 and b"invalid_request_uri" in expired.content
    assert not Grant.objects.exists()


def test_a_request_uri_saduak_did_not_issue_is_not_supported(signed_in, application):
    response = signed_in.get(
        "/o/authorize/",
        {
            "client_id": application.client_id,
            "request_uri": "https://agency.example.go.th/request.jwt",
            "redirect_uri": REDIRECT_URI,
            "state": "s",
        },
    )
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["error"] == "request_uri_not_supported"
    assert answer["state"] == "s"  # (iss on error redirects: the authz branch)
    assert not Grant.objects.exists()


def test_an_unknown_request_uri_with_an_unregistered_redirect_is_a_page(
    signed_in, application
):
    response = signed_in.get(
        "/o/authorize/",
        {
            "client_id": application.client_id,
            "request_uri": "urn:ietf:params:oauth:request_uri:nothing",
            "redirect_uri": "https://evil.example/callback",
        },
    )
    assert response.status_code == 400
    assert b"invalid_request_uri" in response.content


PUSH_ERRORS = {
    "no PKCE": (
        {"code_challenge": None, "code_challenge_method": None},
        "invalid_request",
    ),
    "PKCE plain": ({"code_challenge_method": "plain"}, "invalid_request"),
    "unregistered redirect": (
        {"redirect_uri": "https://evil.example/callback"},
        "invalid_request",
    ),
    "token response": ({"response_type": "token"}, "unsupported_response_type"),
    "scope not allowed": ({"scope": "openid personal_id"}, "invalid_scope"),
    "request_uri pushed": (
        {"request_uri": "urn:ietf:params:oauth:request_uri:x"},
        "invalid_request",
    ),
}


@pytest.mark.parametrize(
    ("changes", "error"), PUSH_ERRORS.values(), ids=PUSH_ERRORS.keys()
)
def test_a_bad_push_is_answered_in_json(client, application, changes, error):
    response, _ = push(client, application, **changes)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == error
    assert not PushedAuthorizationRequest.objects.exists()


def test_a_push_without_client_authentication_is_invalid_client(client, application):
    response, _ = push(client, application, auth={"client_id": application.client_id})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    bad = with_assertion(assertion(application.client_id, aud="https://elsewhere"))
    response, _ = push(client, application, auth=bad)
    assert response.status_code == 401


def test_a_secret_client_and_a_public_client_may_push(client, partner):
    confidential, secret = make_client(partner)
    response, _ = push(
        client,
        confidential,
        auth={"client_id": confidential.client_id, "client_secret": secret},
    )
    assert response.status_code == 201
    public, _ = make_client(partner, confidential=False)
    response, _ = push(client, public, auth={"client_id": public.client_id})
    assert response.status_code == 201


def test_a_client_that_must_push_cannot_come_directly(signed_in, application, settings):
    register(application, require_pushed_authorization_requests=True)
    verifier, challenge = pkce_pair()
    response = signed_in.get(
        "/o/authorize/", authorize_params(application, challenge=challenge)
    )
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["error"] == "invalid_request" and answer["state"] == "state-123"
    assert not Grant.objects.exists()
    pushed, _ = push(signed_in, application)
    ok = signed_in.get(
        "/o/authorize/",
        {
            "client_id": application.client_id,
            "request_uri": pushed.json()["request_uri"],
        },
    )
    assert query_of(ok["Location"])["code"]


def test_every_client_must_push_when_the_setting_says_so(signed_in, partner, settings):
    settings.OIDC_REQUIRE_PAR = True
    application, _ = make_client(partner)
    verifier, challenge = pkce_pair()
    response = signed_in.get(
        "/o/authorize/", authorize_params(application, challenge=challenge)
    )
    assert query_of(response["Location"])["error"] == "invalid_request"


# --- Signed request objects ------------------------------------------------------------------
def request_object(application, *, key=EC_KEY, alg="ES256", **changes):
    verifier, challenge = pkce_pair()
    now = int(time.time())
    claims = {
        **authorize_params(application, challenge=challenge),
        "iss": application.client_id,
        "aud": ISSUER,
        "iat": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
    }
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(
        {"alg": alg, "kid": key.kid}, claims, key, algorithms=[alg]
    ), verifier


def test_a_signed_request_object_is_honoured(signed_in, application):
    token, verifier = request_object(application, state="from-the-jwt")
    response = signed_in.get(
        "/o/authorize/",
        {"client_id": application.client_id, "request": token, "state": "from-query"},
    )
    assert response.status_code == 302, response.content[-500:]
    answer = query_of(response["Location"])
    assert answer["state"] == "from-the-jwt"  # only the request object counts
    exchanged = exchange(
        signed_in,
        answer["code"],
        verifier,
        **with_assertion(assertion(application.client_id)),
    )
    assert exchanged.status_code == 200


BAD_REQUEST_OBJECTS = {
    "another audience": {"aud": "https://elsewhere.example"},
    "another issuer": {"iss": "someone"},
    "expired": {"exp": int(time.time()) - 120},
    "an unregistered key": {"key": NEW_KEY},
    "a nested request_uri": {"request_uri": "urn:ietf:params:oauth:request_uri:x"},
}


@pytest.mark.parametrize(
    "changes", BAD_REQUEST_OBJECTS.values(), ids=BAD_REQUEST_OBJECTS.keys()
)
def test_a_bad_request_object_is_invalid_request_object(
    signed_in, application, changes
):
    token, _ = request_object(application, **changes)
    response = signed_in.get(
        "/o/authorize/",
        {
            "client_id": application.client_id,
            "request": token,
            "redirect_uri": REDIRECT_URI,
            "state": "q",
        },
    )
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["error"] == "invalid_request_object" and answer["state"] == "q"
    assert not Grant.objects.exists()


def test_an_unsigned_request_object_is_refused_on_a_page_without_a_trusted_redirect(
    signed_in, application
):
    verifier, challenge = pkce_pair()
    claims = {
        **authorize_params(application, challenge=challenge),
        "iss": application.client_id,
        "aud": ISSUER,
        "exp": int(time.time()) + 60,
    }
    response = signed_in.get(
        "/o/authorize/",
        {"client_id": application.client_id, "request": unsigned(claims)},
    )
    assert response.status_code == 400
    assert b"invalid_request_object" in response.content
    assert not Grant.objects.exists()


def test_a_client_that_must_sign_cannot_send_plain_parameters(signed_in, application):
    register(application, require_signed_request_object=True)
    verifier, challenge = pkce_pair()
    plain = signed_in.get(
        "/o/authorize/", authorize_params(application, challenge=challenge)
    )
    assert query_of(plain["Location"])["error"] == "invalid_request"
    pushed_plain, _ = push(signed_in, application)
    assert pushed_plain.status_code == 400
    token, _ = request_object(application)
    signed = signed_in.get(
        "/o/authorize/", {"client_id": application.client_id, "request": token}
    )
    assert query_of(signed["Location"])["code"]


def test_a_request_object_may_be_pushed_once(client, application):
    token, _ = request_object(application)
    auth = with_assertion(assertion(application.client_id, aud=PAR_URL))
    first = form_post(
        client,
        "/o/par/",
        {"client_id": application.client_id, "request": token, **auth},
    )
    assert first.status_code == 201, first.content
    stored = PushedAuthorizationRequest.objects.get().parameters
    assert stored["redirect_uri"] == REDIRECT_URI and "request" not in stored
    auth = with_assertion(assertion(application.client_id, aud=PAR_URL))
    again = form_post(
        client,
        "/o/par/",
        {"client_id": application.client_id, "request": token, **auth},
    )
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_request_object"


def test_both_request_and_request_uri_is_invalid_request(signed_in, application):
    token, _ = request_object(application)
    response = signed_in.get(
        "/o/authorize/",
        {
            "client_id": application.client_id,
            "request": token,
            "request_uri": "urn:ietf:params:oauth:request_uri:x",
        },
    )
    assert response.status_code == 400
    assert b"invalid_request" in response.content


# --- Discovery, purge -----------------------------------------------------------------------
def test_discovery_announces_par_jar_and_private_key_jwt(client):
    document = client.get("/o/.well-known/openid-configuration").json()
    assert document["pushed_authorization_request_endpoint"] == PAR_URL
    assert "private_key_jwt" in document["token_endpoint_auth_methods_supported"]
    assert document["token_endpoint_auth_signing_alg_values_supported"] == [
        "RS256",
        "PS256",
        "ES256",
    ]
    assert document["request_parameter_supported"] is True
    assert document["request_uri_parameter_supported"] is True
    assert document["require_request_uri_registration"] is False
    assert document["require_pushed_authorization_requests"] is False
    assert "none" not in document["request_object_signing_alg_values_supported"]


def test_expired_pushed_requests_and_seen_jwts_are_purged(application):
    old = timezone.now() - timedelta(hours=2)
    PushedAuthorizationRequest.objects.create(
        reference="old", application=application, parameters={}, expires_at=old
    )
    PushedAuthorizationRequest.objects.create(
        reference="new",
        application=application,
        parameters={},
        expires_at=timezone.now() + timedelta(seconds=60),
    )
    SeenJwt.objects.create(
        purpose="client_assertion", issuer="c", jti="1", expires_at=old
    )
    assert expired_purge() == 2
    assert list(
        PushedAuthorizationRequest.objects.values_list("reference", flat=True)
    ) == ["new"]


def test_a_key_client_revokes_its_token_with_an_assertion(signed_in, application):
    code, verifier = code_for(signed_in, application)
    tokens = exchange(
        signed_in, code, verifier, **with_assertion(assertion(application.client_id))
    ).json()
    refused = form_post(
        signed_in,
        "/o/revoke_token/",
        {"token": tokens["access_token"], "client_id": application.client_id},
    )
    assert refused.status_code == 401
    assert AccessToken.objects.count() == 1
    revoked = form_post(
        signed_in,
        "/o/revoke_token/",
        {
            "token": tokens["access_token"],
            **with_assertion(
                assertion(
                    application.client_id, aud="http://testserver/o/revoke_token/"
                )
            ),
        },
    )
    assert revoked.status_code == 200
    assert not AccessToken.objects.exists()
