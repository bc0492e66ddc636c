"""ID tokens as each client registered them: RS256 or ES256, and encrypted (a nested
JWT) to the client's "enc" key. The relying party here checks them with joserfc, a
JOSE library independent of the server's jwcrypto, as an agency would."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from joserfc import jwe, jwt
from joserfc.jwk import ECKey, KeyParameters, KeySet, RSAKey
from jwcrypto import jwk
from oauth2_provider.models import AccessToken, IDToken

from saduak.core.errors import InvalidInput
from saduak.identity.models import (
    IdTokenEncryptionAlg,
    IdTokenEncryptionEnc,
    IdTokenSigningAlg,
    PartnerClient,
)
from saduak.identity.oidc import signing
from saduak.identity.oidc.client_keys import registered_jwks_check
from saduak.identity.tests.oidc_helpers import (
    CURRENT_KEY,
    EC_CURRENT_KEY,
    EC_PREVIOUS_KEY,
    POST_LOGOUT_URI,
    PREVIOUS_KEY,
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

ISSUER = "http://testserver/o"


def thumbprint(pem: str) -> str:
    return jwk.JWK.from_pem(pem.encode()).thumbprint()  # type: ignore[no-any-return]


@pytest.fixture
def partner():
    return make_partner()


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    session = client.session
    session["saduak_aal"] = 1
    session.save()
    return client


def registered(application, **fields):
    """The client's registration changed as HQ would (before any request uses it)."""
    if "jwks" in fields:
        fields["jwks"] = registered_jwks_check(fields["jwks"])
    PartnerClient.objects.filter(application=application).update(**fields)


def rp_enc_key(kind: str, kid: str = "rp-enc-1"):
    """The relying party's own encryption key pair; it registers the public half."""
    parameters: KeyParameters = {"kid": kid, "use": "enc"}
    if kind == "RSA":
        return RSAKey.generate_key(2048, parameters=parameters)
    return ECKey.generate_key("P-256", parameters=parameters)


def rp_sig_key():
    return ECKey.generate_key("P-256", parameters={"kid": "rp-sig-1", "use": "sig"})


def tokens(client, application, secret, *, scope="openid profile"):
    """The code flow: authorize, allow, exchange; the token endpoint's answer."""
    verifier, challenge = pkce_pair()
    page = client.get(
        "/o/authorize/", authorize_params(application, challenge=challenge, scope=scope)
    ).content.decode()
    answer = client.post("/o/authorize/", hidden_fields(page) | {"allow": "on"})
    code = query_of(answer["Location"])["code"]
    return client.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            "client_id": application.client_id,
            "client_secret": secret,
        },
    )


def published(client) -> KeySet:
    return KeySet.import_key_set(client.get("/o/.well-known/jwks.json").json())


def verified(client, token: str, application, *, algorithm: str):
    """What a relying party does with a signed ID token: verify it with the
    provider's published keys, accepting only its registered algorithm."""
    decoded = jwt.decode(token, published(client), algorithms=[algorithm])
    claims = decoded.claims
    assert decoded.header["alg"] == algorithm
    assert claims["iss"] == ISSUER
    assert claims["aud"] == application.client_id
    assert claims["nonce"] == "nonce-456"
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": ISSUER},
        aud={"essential": True, "value": application.client_id},
        exp={"essential": True},
    ).validate(claims)
    return decoded


def header_of(token: str) -> dict:
    import base64

    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))


# --- Keys and discovery -----------------------------------------------------------------
def test_the_jwks_publishes_the_rsa_and_the_ec_keys_current_and_previous(client):
    keys = client.get("/o/.well-known/jwks.json").json()["keys"]
    assert [(key["kid"], key["alg"], key["kty"]) for key in keys] == [
        (thumbprint(CURRENT_KEY), "RS256", "RSA"),
        (thumbprint(PREVIOUS_KEY), "RS256", "RSA"),
        (thumbprint(EC_CURRENT_KEY), "ES256", "EC"),
        (thumbprint(EC_PREVIOUS_KEY), "ES256", "EC"),
    ]
    assert all(key["use"] == "sig" and "d" not in key for key in keys)
    assert keys[2]["crv"] == "P-256"
    # An independent library reads the set and finds each key by its kid.
    assert published(client).get_by_kid(thumbprint(EC_CURRENT_KEY)).key_type == "EC"


def test_discovery_names_the_signing_and_encryption_algorithms(client):
    document = client.get("/o/.well-known/openid-configuration").json()
    assert document["id_token_signing_alg_values_supported"] == ["RS256", "ES256"]
    assert document["id_token_encryption_alg_values_supported"] == [
        "RSA-OAEP-256",
        "ECDH-ES+A256KW",
    ]
    assert document["id_token_encryption_enc_values_supported"] == [
        "A256GCM",
        "A128CBC-HS256",
    ]
    assert "userinfo_signing_alg_values_supported" not in document


def test_the_algorithms_offered_are_those_a_client_may_register():
    assert list(signing.ALGORITHMS) == list(IdTokenSigningAlg.values)
    assert list(signing.ENCRYPTION_ALGORITHMS) == list(IdTokenEncryptionAlg.values)
    assert list(signing.ENCRYPTION_ENCODINGS) == list(IdTokenEncryptionEnc.values)


# --- Signed ID tokens -------------------------------------------------------------------
def test_a_client_registered_for_es256_gets_es256_id_tokens(signed_in, partner):
    application, secret = make_client(partner)
    registered(application, id_token_signed_response_alg="ES256")
    answer = tokens(signed_in, application, secret)
    assert answer.status_code == 200, answer.content
    id_token = answer.json()["id_token"]
    decoded = verified(signed_in, id_token, application, algorithm="ES256")
    assert decoded.header["kid"] == thumbprint(EC_CURRENT_KEY)
    assert decoded.claims["sub"]
    # An RP that accepts only RS256 refuses it: the algorithm really is ES256.
    with pytest.raises(Exception):  # noqa: B017 (joserfc's own error classes)
        jwt.decode(id_token, published(signed_in), algorithms=["RS256"])


def test_a_client_by_default_gets_rs256_id_tokens(signed_in, partner):
    application, secret = make_client(partner)
    id_token = tokens(signed_in, application, secret).json()["id_token"]
    decoded = verified(signed_in, id_token, application, algorithm="RS256")
    assert decoded.header["kid"] == thumbprint(CURRENT_KEY)


def test_a_refreshed_id_token_is_signed_as_registered_too(signed_in, partner):
    application, secret = make_client(partner)
    registered(application, id_token_signed_response_alg="ES256")
    first = tokens(signed_in, application, secret).json()
    refreshed = signed_in.post(
        "/o/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": application.client_id,
            "client_secret": secret,
        },
    )
    assert refreshed.status_code == 200, refreshed.content
    id_token = refreshed.json()["id_token"]
    assert header_of(id_token)["alg"] == "ES256"
    jwt.decode(id_token, published(signed_in), algorithms=["ES256"])


def test_an_es256_id_token_signed_before_a_rotation_still_works_as_a_logout_hint(
    signed_in, partner, settings
):
    application, secret = make_client(partner)
    registered(application, id_token_signed_response_alg="ES256")
    id_token = tokens(signed_in, application, secret).json()["id_token"]
    assert header_of(id_token)["kid"] == thumbprint(EC_CURRENT_KEY)
    settings.OIDC_EC_PRIVATE_KEY = EC_PREVIOUS_KEY
    settings.OIDC_EC_PREVIOUS_KEYS = [EC_CURRENT_KEY]
    response = signed_in.get(
        "/o/logout/",
        {"id_token_hint": id_token, "post_logout_redirect_uri": POST_LOGOUT_URI},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(POST_LOGOUT_URI)
    assert "_auth_user_id" not in signed_in.session


def test_sign_jwt_signs_as_the_audience_client_registered(partner):
    """Logout tokens call sign_jwt(claims, typ=...) and get the client's alg."""
    es_client, _secret = make_client(partner)
    rs_client, _secret = make_client(partner)
    registered(es_client, id_token_signed_response_alg="ES256")
    for application, algorithm in ((es_client, "ES256"), (rs_client, "RS256")):
        token = signing.sign_jwt(
            {"iss": ISSUER, "aud": application.client_id}, typ="logout+jwt"
        )
        assert header_of(token) == {
            "typ": "logout+jwt",
            "alg": algorithm,
            "kid": signing.signing_key(algorithm).thumbprint(),
        }
    unknown = signing.sign_jwt({"aud": "nobody"})
    assert header_of(unknown)["alg"] == "RS256"


def test_sign_jwt_refuses_an_algorithm_it_does_not_sign_with():
    with pytest.raises(ValueError):
        signing.sign_jwt({"aud": "x"}, algorithm="none")


# --- Encrypted ID tokens ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "key_management", "content", "signature"),
    [
        ("RSA", "RSA-OAEP-256", "A256GCM", "RS256"),
        ("EC", "ECDH-ES+A256KW", "", "ES256"),  # enc defaults to A128CBC-HS256
        ("RSA", "RSA-OAEP-256", "A128CBC-HS256", "ES256"),
    ],
)
def test_a_client_with_an_encryption_key_gets_a_nested_id_token(
    signed_in, partner, kind, key_management, content, signature
):
    application, secret = make_client(partner)
    private = rp_enc_key(kind)
    registered(
        application,
        jwks={
            "keys": [
                rp_sig_key().as_dict(private=False),
                private.as_dict(private=False),
            ]
        },
        id_token_signed_response_alg=signature,
        id_token_encrypted_response_alg=key_management,
        id_token_encrypted_response_enc=content,
    )
    answer = tokens(signed_in, application, secret)
    assert answer.status_code == 200, answer.content
    id_token = answer.json()["id_token"]
    assert id_token.count(".") == 4  # a JWE, not a JWS
    # The relying party decrypts with its private key (joserfc) ...
    encryption = jwe.decrypt_compact(
        id_token,
        private,
        algorithms=[key_management, content or "A128CBC-HS256"],
    )
    assert encryption.protected["alg"] == key_management
    assert encryption.protected["enc"] == (content or "A128CBC-HS256")
    assert encryption.protected["cty"] == "JWT"
    assert encryption.protected["kid"] == "rp-enc-1"
    # ... and verifies the signed ID token inside with the published keys.
    inner = encryption.plaintext.decode()
    decoded = verified(signed_in, inner, application, algorithm=signature)
    assert decoded.claims["jti"]
    assert IDToken.objects.filter(jti=decoded.claims["jti"]).exists()


def test_only_the_holder_of_the_registered_key_can_read_the_id_token(
    signed_in, partner
):
    application, secret = make_client(partner)
    registered(
        application,
        jwks={"keys": [rp_enc_key("RSA").as_dict(private=False)]},
        id_token_encrypted_response_alg="RSA-OAEP-256",
        id_token_encrypted_response_enc="A256GCM",
    )
    id_token = tokens(signed_in, application, secret).json()["id_token"]
    with pytest.raises(Exception):  # noqa: B017 (joserfc's DecodeError)
        jwe.decrypt_compact(
            id_token, rp_enc_key("RSA"), algorithms=["RSA-OAEP-256", "A256GCM"]
        )


def test_the_key_of_the_registered_algorithms_type_is_chosen(signed_in, partner):
    application, secret = make_client(partner)
    ec_key = rp_enc_key("EC", kid="rp-enc-ec")
    rsa_key = rp_enc_key("RSA", kid="rp-enc-rsa")
    registered(
        application,
        jwks={"keys": [ec_key.as_dict(private=False), rsa_key.as_dict(private=False)]},
        id_token_encrypted_response_alg="RSA-OAEP-256",
        id_token_encrypted_response_enc="A256GCM",
    )
    id_token = tokens(signed_in, application, secret).json()["id_token"]
    assert header_of(id_token)["kid"] == "rp-enc-rsa"
    jwe.decrypt_compact(id_token, rsa_key, algorithms=["RSA-OAEP-256", "A256GCM"])


def test_without_a_fitting_encryption_key_no_token_is_issued(
    signed_in, partner, citizen
):
    application, secret = make_client(partner)
    registered(
        application,
        # A signing key only, and an EC "enc" key for an RSA algorithm.
        jwks={
            "keys": [
                rp_sig_key().as_dict(private=False),
                rp_enc_key("EC").as_dict(private=False),
            ]
        },
        id_token_encrypted_response_alg="RSA-OAEP-256",
        id_token_encrypted_response_enc="A256GCM",
    )
    answer = tokens(signed_in, application, secret)
    assert answer.status_code == 400
    assert answer.json()["error"] == "unauthorized_client"
    assert not AccessToken.objects.filter(user=citizen).exists()
    assert not IDToken.objects.filter(user=citizen).exists()


def test_an_encrypted_id_token_given_back_as_a_logout_hint_is_no_error(
    signed_in, partner
):
    """OIDC Core 3.1.2.1: the client sends the signed token inside as the hint;
    one that sends the encrypted one gets the ordinary question, never a 500."""
    application, secret = make_client(partner)
    registered(
        application,
        jwks={"keys": [rp_enc_key("EC").as_dict(private=False)]},
        id_token_encrypted_response_alg="ECDH-ES+A256KW",
    )
    id_token = tokens(signed_in, application, secret).json()["id_token"]
    response = signed_in.get(
        "/o/logout/",
        {"id_token_hint": id_token, "post_logout_redirect_uri": POST_LOGOUT_URI},
    )
    assert response.status_code < 500
    assert "_auth_user_id" in signed_in.session


def test_a_registration_asking_for_encryption_needs_a_fitting_key():
    ec_only = registered_jwks_check({"keys": [rp_enc_key("EC").as_dict(private=False)]})
    signing.encryption_registration_check(ec_only, "ECDH-ES+A256KW")
    signing.encryption_registration_check({}, "")
    with pytest.raises(InvalidInput):
        signing.encryption_registration_check(ec_only, "RSA-OAEP-256")
    with pytest.raises(InvalidInput):
        signing.encryption_registration_check({}, "ECDH-ES+A256KW")


def test_settings_refuse_an_rsa_key_as_the_ec_key():
    from saduak.identity.oidc.keys import ec_current_key_setting

    with pytest.raises(ImproperlyConfigured):
        ec_current_key_setting(CURRENT_KEY, development_key_path=None)


def test_hq_may_register_an_rsa_encryption_key():
    """client_keys.registered_jwks_check asked an "enc" RSA key for its
    verification key, which jwcrypto refuses (an error, not a check)."""
    public = rp_enc_key("RSA").as_dict(private=False)
    assert registered_jwks_check({"keys": [public]})["keys"][0]["use"] == "enc"
