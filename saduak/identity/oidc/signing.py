"""The signing keys in use, and ID tokens made for a client.

Two keys sign: the RSA key (RS256, every client's default) and the P-256 key (ES256,
for clients registered with id_token_signed_response_alg "ES256"). The current key
of each signs; all, current and previous, are published and accepted for
verification (an ID token given back as a logout hint may predate a rotation).

A client that registers id_token_encrypted_response_alg gets its ID tokens as a
nested JWT (OIDC Core 10.2): signed as above, then encrypted (JWE compact
serialization, header `cty` "JWT") to the client's registered "enc" key.

Every JOSE operation is jwcrypto's."""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from jwcrypto import jwe, jwk, jwt
from oauth2_provider.settings import oauth2_settings

from saduak.core.errors import InvalidInput
from saduak.identity.oidc.client_key_source import client_keys
from saduak.identity.oidc.client_keys import keys_of_set
from saduak.identity.oidc.keys import jwk_from_pem

RS256 = "RS256"
ES256 = "ES256"
# Every client's default, and the only algorithm of tokens not meant for a client.
ALGORITHM = RS256
ALGORITHMS = (RS256, ES256)
RSA_OAEP_256 = "RSA-OAEP-256"
ECDH_ES_A256KW = "ECDH-ES+A256KW"
ENCRYPTION_ALGORITHMS = (RSA_OAEP_256, ECDH_ES_A256KW)
ENCRYPTION_ENCODINGS = ("A256GCM", "A128CBC-HS256")
# OIDC Dynamic Client Registration 1.0 section 2: the `enc` when a client names
# only the `alg`.
DEFAULT_ENCRYPTION_ENCODING = "A128CBC-HS256"
# The key type each key-management algorithm needs of the client's key.
_KEY_TYPE_FOR = {RSA_OAEP_256: "RSA", ECDH_ES_A256KW: "EC"}


class NoEncryptionKey(Exception):
    """The client asks for encrypted ID tokens but registers no key that can
    encrypt them with its algorithm."""


def _current_pem(algorithm: str) -> str:
    if algorithm == ES256:
        return str(settings.OIDC_EC_PRIVATE_KEY)
    return str(oauth2_settings.OIDC_RSA_PRIVATE_KEY)


def signing_key(algorithm: str = RS256) -> jwk.JWK:
    """The current key for `algorithm` (RS256 or ES256)."""
    return jwk_from_pem(_current_pem(algorithm))


def _keys() -> list[tuple[str, jwk.JWK]]:
    """Every published key with its algorithm: RSA current, RSA previous, EC
    current, EC previous."""
    return [
        (RS256, signing_key(RS256)),
        *(
            (RS256, jwk_from_pem(str(pem)))
            for pem in oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE
        ),
        (ES256, signing_key(ES256)),
        *((ES256, jwk_from_pem(str(pem))) for pem in settings.OIDC_EC_PREVIOUS_KEYS),
    ]


def all_keys() -> list[jwk.JWK]:
    return [key for _algorithm, key in _keys()]


def verification_keys() -> jwk.JWKSet:
    """Every key, for checking a token Saduak signed (found by its `kid`)."""
    keys = jwk.JWKSet()
    for key in all_keys():
        keys.add(key)
    return keys


def published_keys() -> list[dict[str, Any]]:
    """The public halves, as the JWKS lists them; `kid` is the RFC 7638 thumbprint
    that signed tokens name in their header."""
    return [
        {
            "alg": algorithm,
            "use": "sig",
            "kid": key.thumbprint(),
            **key.export_public(as_dict=True),
        }
        for algorithm, key in _keys()
    ]


def partner_client_of(application: Any) -> Any:
    """The application's PartnerClient (loaded with it by client_cache), or None."""
    if application is None:
        return None
    try:
        return application.partner_client
    except ObjectDoesNotExist:
        return None


def registered_algorithm(partner_client: Any) -> str:
    """The signing algorithm the client registered; RS256 when none is known."""
    algorithm = getattr(partner_client, "id_token_signed_response_alg", "")
    return algorithm if algorithm in ALGORITHMS else RS256


def algorithm_for_audience(audience: Any) -> str:
    """The algorithm registered by the client a token is for (its `aud`, a
    client_id or a list of them): logout tokens are signed as the client's ID
    tokens are."""
    from saduak.identity.oidc.client_cache import application_with_partner

    client_ids = [audience] if isinstance(audience, str) else audience
    for client_id in client_ids if isinstance(client_ids, list) else []:
        loaded = application_with_partner(client_id) if client_id else None
        if loaded is not None:
            return registered_algorithm(partner_client_of(loaded[0]))
    return RS256


def sign_jwt(
    claims: dict[str, Any], *, typ: str = "JWT", algorithm: str | None = None
) -> str:
    """`claims` signed with the current key for `algorithm`, with its `kid` in the
    header (ID tokens and logout tokens). Without an algorithm, the one the
    audience client registered (claims["aud"]), RS256 by default."""
    if algorithm is None:
        algorithm = algorithm_for_audience(claims.get("aud"))
    if algorithm not in ALGORITHMS:
        raise ValueError(f"Saduak does not sign with {algorithm!r}.")
    key = signing_key(algorithm)
    header = {"typ": typ, "alg": algorithm, "kid": key.thumbprint()}
    signed = jwt.JWT(header=json.dumps(header), claims=json.dumps(claims, default=str))
    signed.make_signed_token(key)
    return signed.serialize()  # type: ignore[no-any-return]


def client_encryption_keys(partner_client: Any) -> list[jwk.JWK]:
    """The client's registered "enc" keys, held here or published at its
    jwks_uri (client_key_source). The one place that reads them."""
    return client_keys(partner_client, use="enc")


def encryption_key(keys: list[jwk.JWK], algorithm: str) -> jwk.JWK:
    """The first of `keys` that `algorithm` can encrypt to: RSA for RSA-OAEP-256,
    EC P-256 for ECDH-ES+A256KW, and a key registered for another `alg` never.
    Raises NoEncryptionKey."""
    key_type = _KEY_TYPE_FOR.get(algorithm)
    for key in keys:
        if key.get("kty") != key_type:
            continue
        if key_type == "EC" and key.get("crv") != "P-256":
            continue
        if key.get("alg") not in (None, algorithm):
            continue
        return key
    raise NoEncryptionKey(algorithm)


def encryption_of(partner_client: Any) -> tuple[str, str] | None:
    """(alg, enc) of the client's ID token encryption, or None: signed only."""
    algorithm = getattr(partner_client, "id_token_encrypted_response_alg", "")
    if not algorithm:
        return None
    if algorithm not in ENCRYPTION_ALGORITHMS:
        raise NoEncryptionKey(algorithm)
    encoding = getattr(partner_client, "id_token_encrypted_response_enc", "")
    return algorithm, encoding or DEFAULT_ENCRYPTION_ENCODING


def encrypt_for_client(signed: str, partner_client: Any) -> str:
    """The signed JWT `signed`, encrypted to the client when it registered an
    encryption algorithm (nested JWT, OIDC Core 10.2); otherwise `signed` itself.
    Raises NoEncryptionKey when no registered key fits."""
    encryption = encryption_of(partner_client)
    if encryption is None:
        return signed
    algorithm, encoding = encryption
    key = encryption_key(client_encryption_keys(partner_client), algorithm)
    header: dict[str, str] = {"alg": algorithm, "enc": encoding, "cty": "JWT"}
    if key.get("kid"):
        header["kid"] = key["kid"]
    token = jwe.JWE(plaintext=signed.encode(), protected=json.dumps(header))
    token.add_recipient(key)
    return token.serialize(compact=True)  # type: ignore[no-any-return]


def id_token_for_client(claims: dict[str, Any], partner_client: Any) -> str:
    """An ID token as the client registered it: signed with its algorithm, and
    encrypted to its key when it asked for that."""
    signed = sign_jwt(claims, algorithm=registered_algorithm(partner_client))
    return encrypt_for_client(signed, partner_client)


def encryption_registration_check(jwks: dict[str, Any], algorithm: str) -> None:
    """For HQ's registration of a client: an ID token encryption algorithm needs
    a registered "enc" key it can encrypt to (in `jwks`, the inline set; a
    client publishing a jwks_uri is checked when its keys are fetched). Raises
    InvalidInput."""
    if not algorithm:
        return
    try:
        encryption_key(keys_of_set(jwks or {}, use="enc"), algorithm)
    except NoEncryptionKey:
        raise InvalidInput(
            _(
                'ID token encryption with %(alg)s needs a key with "use" "enc" '
                "of type %(kty)s in the client's keys."
            )
            % {"alg": algorithm, "kty": _KEY_TYPE_FOR.get(algorithm, "RSA or EC")},
            field="jwks",
        ) from None
