"""The keys that sign ID tokens: an RSA key (RS256, every client's default) and an
elliptic-curve P-256 key (ES256, for clients registered for it).

Production gives each current key in OIDC_RSA_PRIVATE_KEY / OIDC_EC_PRIVATE_KEY and,
while partners may still hold tokens signed by older keys, those in
OIDC_RSA_PREVIOUS_KEYS / OIDC_EC_PREVIOUS_KEYS; every key is published in the JWKS
until it is removed from the environment. Without a key (a developer's machine, the
embedded demo) one is generated at first use and kept in VAR_DIR, never in the
repository.

Settings import this module, so it must not import models.
"""

import functools
import logging
import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy
from jwcrypto import jwk

from saduak.core.memo import once_per_process
from saduak.core.owner_files import write_once

logger = logging.getLogger(__name__)

DEVELOPMENT_KEY_NAME = "oidc-development-key.pem"
EC_DEVELOPMENT_KEY_NAME = "oidc-development-ec-key.pem"
RSA_KEY_BITS = 2048
PEM_BLOCK = re.compile(
    r"-----BEGIN (?:RSA |EC )?PRIVATE KEY-----.+?-----END (?:RSA |EC )?PRIVATE KEY-----",
    re.DOTALL,
)


def pem_blocks(text: str) -> list[str]:
    """The private keys in a setting, in order. Environment files often carry the
    newlines of a PEM as `\\n`; both forms are read."""
    return [block + "\n" for block in PEM_BLOCK.findall(text.replace("\\n", "\n"))]


def new_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def new_ec_private_key_pem() -> str:
    """A P-256 key (ES256), PKCS#8 PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@once_per_process  # the file, once made, never changes (core/memo.py rule 2)
def development_key(path: Path) -> str:
    """The RSA key in `path`, made on first use (core.owner_files)."""
    if write_once(path, new_private_key_pem().encode()):
        logger.warning(
            "Generated an OIDC signing key in %s. Set OIDC_RSA_PRIVATE_KEY when more "
            "than one server signs tokens.",
            path,
        )
    return path.read_text()


@once_per_process  # as development_key
def development_ec_key(path: Path) -> str:
    """The P-256 key in `path`, made on first use (core.owner_files)."""
    if write_once(path, new_ec_private_key_pem().encode()):
        logger.warning(
            "Generated an OIDC ES256 signing key in %s. Set OIDC_EC_PRIVATE_KEY when "
            "more than one server signs tokens.",
            path,
        )
    return path.read_text()


def current_key_setting(value: str, *, development_key_path: Path) -> str:
    """OIDC_RSA_PRIVATE_KEY for django-oauth-toolkit: the key in `value`, or the
    development key, read (or made) only when something first signs or publishes."""
    if value:
        blocks = pem_blocks(value)
        if len(blocks) != 1:
            raise ImproperlyConfigured(
                "OIDC_RSA_PRIVATE_KEY must hold exactly one PEM private key."
            )
        return blocks[0]
    return lazy(development_key, str)(development_key_path)  # type: ignore[no-any-return]


def previous_keys_setting(value: str) -> list[str]:
    """OIDC_RSA_PREVIOUS_KEYS: retired keys still published for verification."""
    blocks = pem_blocks(value)
    if value.strip() and not blocks:
        raise ImproperlyConfigured(
            "OIDC_RSA_PREVIOUS_KEYS must hold PEM private keys, one after another."
        )
    return blocks


def _p256_check(pem: str, setting: str) -> str:
    """`pem` if it is a P-256 private key. Parsing an EC key takes microseconds,
    so a wrong key stops the server at start rather than at the first sign-in."""
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            f"{setting} holds a PEM that is not a key."
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(
        key.curve, ec.SECP256R1
    ):
        raise ImproperlyConfigured(f"{setting} must hold P-256 (EC) private keys.")
    return pem


def ec_current_key_setting(value: str, *, development_key_path: Path) -> str:
    """OIDC_EC_PRIVATE_KEY: the P-256 key in `value`, or the development key, read
    (or made) only when something first signs or publishes."""
    if value:
        blocks = pem_blocks(value)
        if len(blocks) != 1:
            raise ImproperlyConfigured(
                "OIDC_EC_PRIVATE_KEY must hold exactly one PEM private key."
            )
        return _p256_check(blocks[0], "OIDC_EC_PRIVATE_KEY")
    return lazy(development_ec_key, str)(development_key_path)  # type: ignore[no-any-return]


def ec_previous_keys_setting(value: str) -> list[str]:
    """OIDC_EC_PREVIOUS_KEYS: retired P-256 keys still published for verification."""
    blocks = pem_blocks(value)
    if value.strip() and not blocks:
        raise ImproperlyConfigured(
            "OIDC_EC_PREVIOUS_KEYS must hold PEM private keys, one after another."
        )
    return [_p256_check(block, "OIDC_EC_PREVIOUS_KEYS") for block in blocks]


@functools.lru_cache(maxsize=16)
def jwk_from_pem(pem: str) -> jwk.JWK:
    """Parsing an RSA key checks it, which costs tens of milliseconds; each key
    (RSA or EC) is parsed once per process."""
    return jwk.JWK.from_pem(pem.encode())
