"""A partner client's public keys: checked when HQ registers them, and found again
when the client signs a client assertion or a request object ("use": "sig") or
when Saduak encrypts an ID token to it ("use": "enc").

A client registers its keys either as a JWK Set held here (PartnerClient.jwks) or
as the address of one it publishes (jwks_uri, fetched by client_key_source.py).
Rotation without downtime: the client publishes the new key beside the old one,
starts signing with it, and removes the old one later; every key of the set is
accepted while it is listed."""

from typing import Any

from django.utils.translation import gettext as _
from jwcrypto import jwk
from jwcrypto.common import JWException

from saduak.core.errors import InvalidInput

KEY_TYPES = frozenset({"RSA", "EC"})
KEY_USES = frozenset({"sig", "enc"})
# A JWK Set of a client is small; a larger one is a mistake or an attack.
MAX_KEYS = 10
# Members of a private key: a partner registers only its public halves.
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def registered_jwks_check(value: Any) -> dict[str, Any]:
    """The JWK Set HQ registers for a client, checked and reduced to its public
    members: at most MAX_KEYS RSA (2048 bits or more) or EC P-256 keys, each with
    a `kid` of its own and a `use` of "sig" or "enc". A private key is refused,
    so a partner's secret half never reaches Saduak. Raises InvalidInput."""
    if value in (None, "", {}):
        return {}
    if not isinstance(value, dict) or not isinstance(value.get("keys"), list):
        raise InvalidInput(
            _('The keys must be a JWK Set: {"keys": [ ... ]}.'), field="jwks"
        )
    keys = value["keys"]
    if not keys or len(keys) > MAX_KEYS:
        raise InvalidInput(
            _("Register between 1 and %(most)d keys.") % {"most": MAX_KEYS},
            field="jwks",
        )
    checked: list[dict[str, Any]] = []
    seen: set[str] = set()
    for member in keys:
        checked.append(_public_key_check(member, seen))
    return {"keys": checked}


def _public_key_check(member: Any, seen: set[str]) -> dict[str, Any]:
    if not isinstance(member, dict):
        raise InvalidInput(_("Each key must be a JSON object (a JWK)."), field="jwks")
    if PRIVATE_MEMBERS & set(member):
        raise InvalidInput(
            _(
                "This is a private key. Register only the public key; the agency "
                "keeps its private key to itself."
            ),
            field="jwks",
        )
    kid = member.get("kid")
    if not isinstance(kid, str) or not kid or kid in seen:
        raise InvalidInput(_("Each key needs a key ID (kid) of its own."), field="jwks")
    seen.add(kid)
    if member.get("kty") not in KEY_TYPES or member.get("use") not in KEY_USES:
        raise InvalidInput(
            _('Key %(kid)s must be RSA or EC, with "use" "sig" or "enc".')
            % {"kid": kid},
            field="jwks",
        )
    try:
        key = jwk.JWK(**member)
    except (JWException, ValueError, TypeError):
        raise InvalidInput(
            _("Key %(kid)s is not a usable key.") % {"kid": kid}, field="jwks"
        ) from None
    if member["kty"] == "EC" and member.get("crv") != "P-256":
        raise InvalidInput(
            _("Key %(kid)s: only the P-256 curve is accepted.") % {"kid": kid},
            field="jwks",
        )
    operation = "encrypt" if member["use"] == "enc" else "verify"
    if member["kty"] == "RSA" and key.get_op_key(operation).key_size < 2048:
        raise InvalidInput(
            _("Key %(kid)s: RSA keys must have 2048 bits or more.") % {"kid": kid},
            field="jwks",
        )
    public = key.export_public(as_dict=True)
    public.update({"kid": kid, "use": member["use"]})
    if isinstance(member.get("alg"), str):
        public["alg"] = member["alg"]
    return public  # type: ignore[no-any-return]


def keys_of_set(jwks: dict[str, Any], *, use: str) -> list[jwk.JWK]:
    """The keys of a (checked) JWK Set for `use`."""
    return [
        jwk.JWK(**member)
        for member in jwks.get("keys", [])
        if isinstance(member, dict) and member.get("use", use) == use
    ]
