"""Envelope encryption of attachments at rest.

Every file gets its own random 256-bit data key. The content is encrypted in
chunks with AES-256-GCM (a streaming AEAD in the style of Tink's and age's
formats, so neither side ever holds a whole file), and the data key is stored
wrapped (RFC 3394 AES key wrap) by a master key from the settings.

Stored file::

    header   MAGIC "SDKENC" | version 0x01 | reserved 0x00
             | chunk size (uint32, big-endian, plaintext bytes a chunk)
             | nonce prefix (8 random bytes)                     = 20 bytes
    chunk i  AES-GCM(key, nonce = prefix | i (uint32 BE),
                     aad = header | i (uint32 BE) | final (1 byte))
             = ciphertext (chunk size bytes; fewer in the last) | 16-byte tag

The last chunk carries final = 1 and every other final = 0, and its index is
in the nonce and the associated data, so chunks cannot be reordered, dropped,
duplicated or the file truncated or extended without the tag check failing.
An empty file is one empty final chunk."""

import base64
import functools
import hashlib
import io
import re
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import (
    InvalidUnwrap,
    aes_key_unwrap,
    aes_key_wrap,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"SDKENC"
VERSION = 1
NONCE_PREFIX_BYTES = 8
HEADER = struct.Struct(f">{len(MAGIC)}sBBI{NONCE_PREFIX_BYTES}s")
TAG_BYTES = 16
KEY_BYTES = 32
# 64 KiB: one AES-GCM call costs a few microseconds, so larger chunks gain
# nothing measurable, and each upload holds at most about two chunks.
CHUNK_SIZE = 64 * 1024
# What a reader accepts in a header, so that a damaged header cannot make it
# allocate gigabytes.
MAX_CHUNK_SIZE = 16 * 1024 * 1024
# A chunk index must fit the nonce's 32-bit counter.
MAX_CHUNKS = 2**32
DEV_KEY_ID = "dev"
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class DecryptionError(Exception):
    """The stored file is not what was encrypted: damaged, truncated, extended,
    another file's, or its key is not the one wrapped for it."""


class MasterKeyError(ImproperlyConfigured):
    """ESERVICES_MASTER_KEYS is malformed, or names no key with a wanted id."""


@dataclass(frozen=True)
class MasterKeys:
    """The master keys by id; `current_id` wraps new data keys, every other key
    only unwraps what it wrapped until `eservices_rotate_keys` re-wraps those."""

    current_id: str
    keys: dict[str, bytes]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise MasterKeyError(
                f"ESERVICES_MASTER_KEYS has no key with id {key_id!r}; it is "
                "needed to open files wrapped with it"
            ) from None


def parse_master_keys(value: str) -> MasterKeys:
    """`id:base64key,id2:base64key` (the first is current; each key 32 bytes of
    standard or URL-safe base64)."""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        key_id = key_id.strip()
        if not sep or not KEY_ID.match(key_id):
            raise MasterKeyError(
                "ESERVICES_MASTER_KEYS must be 'id:base64key,...' with ids of "
                "letters, digits, '.', '_' or '-' (at most 40)"
            )
        if key_id in keys:
            raise MasterKeyError(f"ESERVICES_MASTER_KEYS names {key_id!r} twice")
        keys[key_id] = _decode_key(key_id, encoded.strip())
    if not keys:
        raise MasterKeyError("ESERVICES_MASTER_KEYS holds no key")
    return MasterKeys(current_id=next(iter(keys)), keys=keys)


def _decode_key(key_id: str, encoded: str) -> bytes:
    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        raw = base64.b64decode(
            padded.replace("-", "+").replace("_", "/"), validate=True
        )
    except ValueError:
        raise MasterKeyError(
            f"ESERVICES_MASTER_KEYS: key {key_id!r} is not base64"
        ) from None
    if len(raw) != KEY_BYTES:
        raise MasterKeyError(
            f"ESERVICES_MASTER_KEYS: key {key_id!r} has {len(raw)} bytes, "
            f"not {KEY_BYTES}"
        )
    return raw


def development_master_key(secret_key: str) -> bytes:
    """The key used when ESERVICES_MASTER_KEYS is empty (development and tests
    only; production settings refuse to start without master keys). Derived
    from SECRET_KEY, so it is stable across restarts of one installation."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=None,
        info=b"saduak eservices attachments master key v1",
    ).derive(secret_key.encode())


def master_keys() -> MasterKeys:
    """The master keys the settings name (parsed once per settings value)."""
    return _master_keys(settings.ESERVICES_MASTER_KEYS or "", settings.SECRET_KEY)


@functools.lru_cache(maxsize=8)
def _master_keys(value: str, secret_key: str) -> MasterKeys:
    if not value.strip():
        return MasterKeys(
            current_id=DEV_KEY_ID,
            keys={DEV_KEY_ID: development_master_key(secret_key)},
        )
    return parse_master_keys(value)


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def wrap_key(data_key: bytes, master_key: bytes) -> bytes:
    return aes_key_wrap(master_key, data_key)


def unwrap_key(wrapped: bytes | memoryview, master_key: bytes) -> bytes:
    try:
        return aes_key_unwrap(master_key, bytes(wrapped))
    except InvalidUnwrap:
        raise DecryptionError(
            "the data key does not unwrap with this master key"
        ) from None


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(4, "big")


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00")


class EncryptingReader(io.RawIOBase):
    """A read-only stream of the encrypted form of `source`, produced as it is
    read (at most about two chunks in memory). It also counts and hashes the
    plaintext it consumes: `size` and `sha256` are final once it is exhausted.

    `read(n)` returns exactly n bytes until the end, as S3 multipart uploads
    (boto3's non-seekable path) need full parts."""

    def __init__(
        self, source: IO[Any], data_key: bytes, chunk_size: int = CHUNK_SIZE
    ) -> None:
        super().__init__()
        if not 0 < chunk_size <= MAX_CHUNK_SIZE:
            raise ValueError("chunk size out of range")
        self._source = source
        self._aead = AESGCM(data_key)
        self._chunk_size = chunk_size
        self._prefix = secrets.token_bytes(NONCE_PREFIX_BYTES)
        self._header = HEADER.pack(MAGIC, VERSION, 0, chunk_size, self._prefix)
        self._buffer = bytearray(self._header)
        self._index = 0
        self._next_plain: bytes | None = self._read_plain()
        self._done = False
        self._hash = hashlib.sha256()
        self.size = 0

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def readable(self) -> bool:
        return True

    def _read_plain(self) -> bytes:
        """One chunk of plaintext, or fewer bytes only at the end."""
        parts: list[bytes] = []
        wanted = self._chunk_size
        while wanted:
            data = self._source.read(wanted)
            if not data:
                break
            parts.append(data)
            wanted -= len(data)
        return b"".join(parts)

    def _encrypt_next(self) -> None:
        plain = self._next_plain if self._next_plain is not None else b""
        # Look one chunk ahead: a chunk is final when nothing follows it.
        following = self._read_plain() if len(plain) == self._chunk_size else b""
        final = not following
        if self._index >= MAX_CHUNKS:
            raise ValueError("file too large for this format")
        self._hash.update(plain)
        self.size += len(plain)
        self._buffer += self._aead.encrypt(
            _nonce(self._prefix, self._index),
            plain,
            _aad(self._header, self._index, final),
        )
        self._index += 1
        self._next_plain = following
        self._done = final

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            while not self._done:
                self._encrypt_next()
            size = len(self._buffer)
        while len(self._buffer) < size and not self._done:
            self._encrypt_next()
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)


def encrypted_size(plain_size: int, chunk_size: int = CHUNK_SIZE) -> int:
    """The stored size of `plain_size` bytes of plaintext."""
    chunks = max(1, -(-plain_size // chunk_size))
    return HEADER.size + plain_size + chunks * TAG_BYTES


def _read_exactly(source: IO[Any], size: int) -> bytes:
    parts: list[bytes] = []
    wanted = size
    while wanted:
        data = source.read(wanted)
        if not data:
            break
        parts.append(data)
        wanted -= len(data)
    return b"".join(parts)


class Decryptor:
    """Reads and checks the header of an encrypted stream at once (so a wrong
    file or key fails before anything is sent), then yields plaintext chunks,
    each authenticated before it is yielded."""

    def __init__(self, source: IO[Any], data_key: bytes) -> None:
        self._source = source
        self._aead = AESGCM(data_key)
        header = _read_exactly(source, HEADER.size)
        if len(header) != HEADER.size:
            raise DecryptionError("the file is shorter than its header")
        magic, version, _reserved, chunk_size, prefix = HEADER.unpack(header)
        if magic != MAGIC or version != VERSION:
            raise DecryptionError("not an encrypted attachment of a known version")
        if not 0 < chunk_size <= MAX_CHUNK_SIZE:
            raise DecryptionError("the header's chunk size is out of range")
        self._header = header
        self._prefix = prefix
        self._sealed_size = chunk_size + TAG_BYTES

    def chunks(self) -> Iterator[bytes]:
        index = 0
        sealed = _read_exactly(self._source, self._sealed_size)
        while True:
            following = (
                _read_exactly(self._source, self._sealed_size)
                if len(sealed) == self._sealed_size
                else b""
            )
            final = not following
            if len(sealed) < TAG_BYTES:
                raise DecryptionError("the file is truncated")
            try:
                plain = self._aead.decrypt(
                    _nonce(self._prefix, index),
                    sealed,
                    _aad(self._header, index, final),
                )
            except InvalidTag:
                raise DecryptionError(
                    f"chunk {index} does not authenticate (damaged, truncated "
                    "or reordered)"
                ) from None
            if plain:
                yield plain
            if final:
                return
            index += 1
            sealed = following


def decrypt_stream(source: IO[Any], data_key: bytes) -> Iterator[bytes]:
    """The plaintext of an encrypted stream, chunk by chunk."""
    return Decryptor(source, data_key).chunks()


def encrypt_bytes(plain: bytes, data_key: bytes, chunk_size: int = CHUNK_SIZE) -> bytes:
    """The whole encrypted form of a small payload (tests and tools)."""
    return EncryptingReader(io.BytesIO(plain), data_key, chunk_size).read()


def decrypt_bytes(sealed: bytes, data_key: bytes) -> bytes:
    return b"".join(decrypt_stream(io.BytesIO(sealed), data_key))
