"""The Ed25519 key pair that signs audit checkpoints.

The private key lives in a PEM file outside the database (AUDIT_SIGNING_KEY_FILE),
so someone who can rewrite the database cannot also sign a checkpoint for the
rewritten chain. Verifying needs only the public key (AUDIT_VERIFY_KEY_FILE, or the
signing key's own). Without a file (a developer's machine, the embedded demo) a
key is made at first use under VAR_DIR, never in the repository; production turns
that off (AUDIT_DEVELOPMENT_KEYS = False) and then refuses to go without a file.
"""

import functools
import logging
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from saduak.core.owner_files import write_once

logger = logging.getLogger(__name__)


class AuditKeyError(ImproperlyConfigured):
    """No usable checkpoint key is configured."""


def new_signing_key_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@functools.lru_cache(maxsize=8)
def _private_key_from(path: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), None)
    except (OSError, ValueError, TypeError) as error:
        raise AuditKeyError(
            f"Cannot read the audit signing key {path}: {error}"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyError(f"The audit signing key {path} is not an Ed25519 key.")
    return key


@functools.lru_cache(maxsize=8)
def _public_key_from(path: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError, TypeError) as error:
        raise AuditKeyError(
            f"Cannot read the audit verify key {path}: {error}"
        ) from error
    if not isinstance(key, Ed25519PublicKey):
        raise AuditKeyError(f"The audit verify key {path} is not an Ed25519 key.")
    return key


def _development_key_path() -> Path:
    """The development key, made on first use (core.owner_files)."""
    path = Path(settings.AUDIT_DEVELOPMENT_KEY_PATH)
    if write_once(path, new_signing_key_pem()):
        logger.warning(
            "Generated an audit checkpoint signing key in %s. Production sets "
            "AUDIT_SIGNING_KEY_FILE.",
            path,
        )
    return path


def signing_key() -> Ed25519PrivateKey:
    """The key the sequencer signs checkpoints with; raises AuditKeyError when none
    may be used (production without AUDIT_SIGNING_KEY_FILE)."""
    if settings.AUDIT_SIGNING_KEY_FILE:
        return _private_key_from(str(settings.AUDIT_SIGNING_KEY_FILE))
    if settings.AUDIT_DEVELOPMENT_KEYS:
        return _private_key_from(str(_development_key_path()))
    raise AuditKeyError(
        "AUDIT_SIGNING_KEY_FILE must name the audit checkpoint signing key (an "
        "Ed25519 private key in PEM) in production (docs/operations.md §11)."
    )


def verify_key() -> Ed25519PublicKey:
    """The public key checkpoints are checked against."""
    if settings.AUDIT_VERIFY_KEY_FILE:
        return _public_key_from(str(settings.AUDIT_VERIFY_KEY_FILE))
    return signing_key().public_key()


def key_problems() -> list[str]:
    """What is wrong with the configured keys, for the system check."""
    problems = []
    for needed, load in (
        (
            bool(settings.AUDIT_SIGNING_KEY_FILE)
            or not settings.AUDIT_DEVELOPMENT_KEYS,
            signing_key,
        ),
        (bool(settings.AUDIT_VERIFY_KEY_FILE), verify_key),
    ):
        if not needed:
            continue
        try:
            load()
        except AuditKeyError as error:
            problems.append(str(error))
    return problems
