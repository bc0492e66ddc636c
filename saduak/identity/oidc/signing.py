"""The signing keys in use: the current one signs, all are published and accepted
for verification (an ID token given back as a logout hint may predate a rotation)."""

import json
from typing import Any

from jwcrypto import jwk, jwt
from oauth2_provider.settings import oauth2_settings

from saduak.identity.oidc.keys import jwk_from_pem

ALGORITHM = "RS256"


def signing_key() -> jwk.JWK:
    return jwk_from_pem(str(oauth2_settings.OIDC_RSA_PRIVATE_KEY))


def all_keys() -> list[jwk.JWK]:
    return [
        signing_key(),
        *(
            jwk_from_pem(str(pem))
            for pem in oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE
        ),
    ]


def verification_keys() -> jwk.JWKSet:
    keys = jwk.JWKSet()
    for key in all_keys():
        keys.add(key)
    return keys


def published_keys() -> list[dict[str, Any]]:
    """The public halves, as the JWKS lists them; `kid` is the RFC 7638 thumbprint
    that signed tokens name in their header."""
    return [
        {
            "alg": ALGORITHM,
            "use": "sig",
            "kid": key.thumbprint(),
            **key.export_public(as_dict=True),
        }
        for key in all_keys()
    ]


def sign_jwt(claims: dict[str, Any], *, typ: str = "JWT") -> str:
    """`claims` signed with the current key, with its `kid` in the header (ID
    tokens and logout tokens)."""
    key = signing_key()
    header = {"typ": typ, "alg": ALGORITHM, "kid": key.thumbprint()}
    signed = jwt.JWT(header=json.dumps(header), claims=json.dumps(claims, default=str))
    signed.make_signed_token(key)
    return signed.serialize()  # type: ignore[no-any-return]
