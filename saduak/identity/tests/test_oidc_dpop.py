"""DPoP (RFC 9449) at the token endpoint, userinfo and refresh. Proofs are made
with joserfc, a library independent of the server's jwcrypto."""

import base64
import hashlib
import secrets
import time

import pytest
from django.utils import timezone
from joserfc import jws, jwt
from joserfc.jwk import ECKey, OctKey, RSAKey
from oauth2_provider.models import AccessToken, RefreshToken

from saduak.identity.models import PartnerClient
from saduak.identity.oidc.models import AccessTokenBinding, PartnerSignIn
from saduak.identity.oidc.services import partner_client_create
from saduak.identity.oidc.sign_ins import code_digest
from saduak.identity.tests.oidc_helpers import (
    REDIRECT_URI,
    authorize_params,
    hidden_fields,
    make_client,
    make_partner,
    oidc_test_keys,  # noqa: F401
    pkce_pair,
    query_of,
)

pytestmark = pytest.mark.django_db
TOKEN_URL = "http://testserver/o/token/"
USERINFO_URL = "http://testserver/o/userinfo/"


def proof(key, *, htm="POST", htu=TOKEN_URL, header=None, **claims):
    alg = "ES256" if isinstance(key, ECKey) else "RS256"
    body = {
        "htm": htm,
        "htu": htu,
        "iat": int(time.time()),
        "jti": secrets.token_urlsafe(16),
        **claims,
    }
    head = {"typ": "dpop+jwt", "alg": alg, "jwk": key.as_dict(private=False)}
    head.update(header or {})
    head = {name: value for name, value in head.items() if value is not None}
    return jwt.encode(head, body, key, algorithms=[head["alg"]])


def ath(token):
    digest = hashlib.sha256(token.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@pytest.fixture
def partner():
    return make_partner(allowed_scopes="openid profile birthdate")


@pytest.fixture
def confidential(partner):
    return make_client(partner)


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    session = client.session
    session["saduak_aal"] = 1
    session.save()
    return client


@pytest.fixture
def key():
    return ECKey.generate_key("P-256")


def code_for(client, application):
    verifier, challenge = pkce_pair()
    answer = client.get(
        "/o/authorize/", authorize_params(application, challenge=challenge)
    )
    if answer.status_code != 302:  # the consent screen, the first time
        page = answer.content.decode()
        answer = client.post("/o/authorize/", hidden_fields(page) | {"allow": "on"})
    return query_of(answer["Location"])["code"], verifier


def exchange(client, application, secret, code, verifier, dpop=None):
    body = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
        "client_id": application.client_id,
    }
    if secret:
        body["client_secret"] = secret
    headers = {"HTTP_DPOP": dpop} if dpop is not None else {}
    return client.post("/o/token/", body, **headers)


def test_a_code_exchanged_with_a_proof_gives_a_dpop_bound_token(
    signed_in, confidential, key
):
    application, secret = confidential
    code, verifier = code_for(signed_in, application)
    response = exchange(signed_in, application, secret, code, verifier, proof(key))
    assert response.status_code == 200, response.content
    tokens = response.json()
    assert tokens["token_type"] == "DPoP"
    binding = AccessTokenBinding.objects.get(
        access_token__token_checksum=hashlib.sha256(
            tokens["access_token"].encode()
        ).hexdigest()
    )
    assert binding.jkt == key.thumbprint()


def test_without_a_proof_the_token_stays_a_bearer_token(signed_in, confidential):
    application, secret = confidential
    code, verifier = code_for(signed_in, application)
    tokens = exchange(signed_in, application, secret, code, verifier).json()
    assert tokens["token_type"] == "Bearer"
    userinfo = signed_in.get(
        "/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"
    )
    assert userinfo.status_code == 200


def test_userinfo_takes_a_bound_token_with_a_proof_and_refuses_it_as_bearer(
    signed_in, confidential, key
):
    application, secret = confidential
    code, verifier = code_for(signed_in, application)
    tokens = exchange(signed_in, application, secret, code, verifier, proof(key)).json()
    access = tokens["access_token"]
    good = proof(key, htm="GET", htu=USERINFO_URL, ath=ath(access))
    response = signed_in.get(
        "/o/userinfo/", HTTP_AUTHORIZATION=f"DPoP {access}", HTTP_DPOP=good
    )
    assert response.status_code == 200, response.content
    assert response.json()["sub"]
    # The same proof again is a replay.
    again = signed_in.get(
        "/o/userinfo/", HTTP_AUTHORIZATION=f"DPoP {access}", HTTP_DPOP=good
    )
    assert again.status_code == 401
    assert 'error="invalid_dpop_proof"' in again["WWW-Authenticate"]
    # As a Bearer token it is refused (a stolen token alone is useless).
    bearer = signed_in.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert bearer.status_code == 401
    assert bearer["WWW-Authenticate"].startswith("DPoP ")
    assert 'error="invalid_token"' in bearer["WWW-Authenticate"]
    # A proof by another key, or without ath, is refused.
    other = ECKey.generate_key("P-256")
    for wrong in (
        proof(other, htm="GET", htu=USERINFO_URL, ath=ath(access)),
        proof(key, htm="GET", htu=USERINFO_URL),
        proof(key, htm="GET", htu=USERINFO_URL, ath=ath("another token")),
        proof(key, htm="POST", htu=USERINFO_URL, ath=ath(access)),
    ):
        refused = signed_in.get(
            "/o/userinfo/", HTTP_AUTHORIZATION=f"DPoP {access}", HTTP_DPOP=wrong
        )
        assert refused.status_code == 401
        assert refused["WWW-Authenticate"].startswith("DPoP ")


def test_an_unbound_token_sent_as_dpop_is_refused(signed_in, confidential, key):
    application, secret = confidential
    code, verifier = code_for(signed_in, application)
    access = exchange(signed_in, application, secret, code, verifier).json()[
        "access_token"
    ]
    response = signed_in.get(
        "/o/userinfo/",
        HTTP_AUTHORIZATION=f"DPoP {access}",
        HTTP_DPOP=proof(key, htm="GET", htu=USERINFO_URL, ath=ath(access)),
    )
    assert response.status_code == 401


def _bad_proofs(key):
    now = int(time.time())
    rsa_small = RSAKey.generate_key(1024, auto_kid=False, private=True)
    other = ECKey.generate_key("P-256")
    signed_by_other = jwt.encode(
        {"typ": "dpop+jwt", "alg": "ES256", "jwk": key.as_dict(private=False)},
        {"htm": "POST", "htu": TOKEN_URL, "iat": now, "jti": "x1"},
        other,
    )
    hmac = OctKey.generate_key(256)
    return {
        "garbage": "not-a-jwt",
        "two proofs": f"{proof(key)},{proof(key)}",
        "wrong typ": proof(key, header={"typ": "JWT"}),
        "no typ": jws.serialize_compact(
            {"alg": "ES256", "jwk": key.as_dict(private=False)},
            b'{"htm":"POST"}',
            key,
        ),
        "HS256": jwt.encode(
            {"typ": "dpop+jwt", "alg": "HS256", "jwk": hmac.as_dict(private=False)},
            {"htm": "POST", "htu": TOKEN_URL, "iat": now, "jti": "x2"},
            hmac,
            algorithms=["HS256"],
        ),
        "private key in header": proof(key, header={"jwk": key.as_dict(private=True)}),
        "no jwk": proof(key, header={"jwk": None}),
        "signed by another key": signed_by_other,
        "wrong htm": proof(key, htm="GET"),
        "wrong htu": proof(key, htu="http://testserver/o/userinfo/"),
        "other host": proof(key, htu="https://evil.example/o/token/"),
        "old iat": proof(key, iat=now - 3600),
        "future iat": proof(key, iat=now + 3600),
        "no jti": proof(key, jti=""),
        "small RSA key": proof(rsa_small),
    }


BAD_PROOFS = (
    "garbage",
    "two proofs",
    "wrong typ",
    "no typ",
    "HS256",
    "private key in header",
    "no jwk",
    "signed by another key",
    "wrong htm",
    "wrong htu",
    "other host",
    "old iat",
    "future iat",
    "no jti",
    "small RSA key",
)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("case", BAD_PROOFS)
def test_a_bad_proof_gets_invalid_dpop_proof_and_no_token(
    signed_in, confidential, key, case
):
    application, secret = confidential
    code, verifier = code_for(signed_in, application)
    bad = _bad_proofs(key)[case]
    response = exchange(signed_in, application, secret, code, verifier, bad)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_dpop_proof"
    assert not AccessToken.objects.exists()
    # The code was not used up by the refused request.
    good = exchange(signed_in, application, secret, code, verifier, proof(key))
    assert good.status_code == 200


def test_a_replayed_proof_is_refused(signed_in, confidential, key):
    application, secret = confidential
    once = proof(key)
    code, verifier = code_for(signed_in, application)
    assert (
        exchange(signed_in, application, secret, code, verifier, once).status_code
        == 200
    )
    code, verifier = code_for(signed_in, application)
    response = exchange(signed_in, application, secret, code, verifier, once)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_dpop_proof"


def test_a_client_registered_for_dpop_must_send_a_proof(signed_in, confidential, key):
    application, secret = confidential
    PartnerClient.objects.filter(application=application).update(
        dpop_bound_access_tokens=True
    )
    code, verifier = code_for(signed_in, application)
    response = exchange(signed_in, application, secret, code, verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_dpop_proof"
    assert not AccessToken.objects.exists()
    assert (
        exchange(signed_in, application, secret, code, verifier, proof(key)).status_code
        == 200
    )


def test_a_code_bound_with_dpop_jkt_needs_that_key(
    signed_in, confidential, key, citizen
):
    application, secret = confidential
    code, verifier = code_for(signed_in, application)
    # Written by authz's save_authorization_code from the `dpop_jkt` parameter
    # once merged; made here directly.
    PartnerSignIn.objects.update_or_create(
        code_hash=code_digest(code),
        defaults={
            "application": application,
            "user": citizen,
            "auth_time": timezone.now(),
            "dpop_jkt": key.thumbprint(),
        },
    )
    other = ECKey.generate_key("P-256")
    for refused in (None, proof(other)):
        response = exchange(signed_in, application, secret, code, verifier, refused)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_dpop_proof"
    assert (
        exchange(signed_in, application, secret, code, verifier, proof(key)).status_code
        == 200
    )


def test_a_public_clients_refresh_token_is_bound_to_its_key(signed_in, partner, key):
    application, _none = make_client(partner, confidential=False)
    code, verifier = code_for(signed_in, application)
    tokens = exchange(signed_in, application, None, code, verifier, proof(key))
    assert tokens.status_code == 200, tokens.content
    refresh = tokens.json()["refresh_token"]

    def refresh_with(dpop):
        headers = {"HTTP_DPOP": dpop} if dpop else {}
        return signed_in.post(
            "/o/token/",
            {
                "grant_type": "refresh_token",
                "refresh_token": refresh,
                "client_id": application.client_id,
            },
            **headers,
        )

    for refused in (None, proof(ECKey.generate_key("P-256"))):
        response = refresh_with(refused)
        assert response.status_code == 400, response.content
        assert response.json()["error"] == "invalid_dpop_proof"
    assert not RefreshToken.objects.filter(revoked__isnull=False).exists()
    renewed = refresh_with(proof(key))
    assert renewed.status_code == 200, renewed.content
    assert renewed.json()["token_type"] == "DPoP"


def test_an_rsa_proof_works_too(signed_in, confidential):
    application, secret = confidential
    rsa = RSAKey.generate_key(2048, private=True)
    code, verifier = code_for(signed_in, application)
    response = exchange(signed_in, application, secret, code, verifier, proof(rsa))
    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "DPoP"


def test_discovery_names_the_dpop_algorithms_and_introspection(client):
    document = client.get("/o/.well-known/openid-configuration").json()
    assert document["dpop_signing_alg_values_supported"] == ["ES256", "PS256", "RS256"]
    assert document["introspection_endpoint"] == "http://testserver/o/introspect/"
    assert (
        "client_secret_basic"
        in document["introspection_endpoint_auth_methods_supported"]
    )


def test_an_expired_proof_window_uses_the_settings(
    settings, signed_in, confidential, key
):
    settings.OIDC_JWT_MAX_LIFETIME_SECONDS = 60
    settings.OIDC_JWT_CLOCK_SKEW_SECONDS = 5
    application, secret = confidential
    code, verifier = code_for(signed_in, application)
    stale = proof(key, iat=int(time.time()) - 120)
    assert (
        exchange(signed_in, application, secret, code, verifier, stale).status_code
        == 400
    )


def test_htu_is_compared_without_query_and_with_default_ports_dropped():
    from saduak.identity.oidc.dpop import normalized_url

    assert normalized_url("HTTPS://ID.Example.go.th:443/o/token/?x=1#f") == (
        "https://id.example.go.th/o/token/"
    )
    assert normalized_url("http://testserver:8000/o/token/") == (
        "http://testserver:8000/o/token/"
    )
    assert normalized_url("http://testserver:bad/") == ""


def test_dpop_jkt_must_be_a_thumbprint():
    from oauthlib.common import Request
    from oauthlib.oauth2.rfc6749.errors import InvalidRequestError

    from saduak.identity.oidc.dpop import code_jkt

    jkt = ECKey.generate_key("P-256").thumbprint()
    assert code_jkt(Request(f"/o/authorize/?dpop_jkt={jkt}")) == jkt
    assert code_jkt(Request("/o/authorize/?state=1")) == ""
    with pytest.raises(InvalidRequestError):
        code_jkt(Request("/o/authorize/?dpop_jkt=short"))


def test_a_bound_machine_token_is_refused_as_bearer_at_the_identity_check_api(
    client, key
):
    """The binding is checked where every bearer token is validated, not only at
    userinfo: the identity check API (Bearer only) refuses a DPoP-bound token,
    so a stolen one is useless there too."""
    bank = make_partner(
        name_en="Example Bank", may_check_identity=True, allowed_scopes="openid"
    )
    application, secret = partner_client_create(
        partner=bank, machine=True, actor="test"
    )
    PartnerClient.objects.filter(application=application).update(
        dpop_bound_access_tokens=True
    )
    issued = client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "identity_check"},
        HTTP_AUTHORIZATION="Basic "
        + base64.b64encode(f"{application.client_id}:{secret}".encode()).decode(),
        HTTP_DPOP=proof(key),
    )
    assert issued.status_code == 200, issued.content
    assert issued.json()["token_type"] == "DPoP"
    checked = client.post(
        "/api/v1/identity/checks",
        {
            "personal_id": "1100000000016",
            "first_name": "สมศรี",
            "last_name": "ใจดี",
            "birth_date": "1985-03-14",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.json()['access_token']}",
    )
    assert checked.status_code == 401
