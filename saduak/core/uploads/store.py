"""Storing and opening one encrypted file, for any app.

`encrypted_file_store` streams an upload through every check (size, type by
content, decoding under limits, antivirus) and writes it encrypted (crypto.py)
under a random name in the private storage; it returns what the app's row
(an `EncryptedFile`) must hold. `encrypted_file_open` gives the plaintext back
as chunks. Who may store or open a file, the row, its timeline and the audit
event are the app's: these functions name no application.

Memory stays flat whatever the size: every step reads the upload in 64 KiB
pieces (Django keeps an upload above FILE_UPLOAD_MAX_MEMORY_SIZE in a
temporary file)."""

import errno
import logging
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from typing import IO, Any, Protocol, cast

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput, ServiceUnavailable
from saduak.core.uploads import crypto
from saduak.core.uploads.antivirus import upload_scan
from saduak.core.uploads.inspect import upload_inspect
from saduak.core.uploads.sniffing import Kind, kind_of_upload, name_for_kind

logger = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_NAME_LENGTH = 200  # EncryptedFile.original_name
# How long a person is told to wait when the documents' disk cannot be written:
# an operator must free space or remount it.
STORAGE_RETRY_SECONDS = 300


class StorageUnavailable(ServiceUnavailable):
    """The documents' storage cannot be written (the disk is full, read-only or
    not mounted, a permission is wrong): 503 `storage-unavailable`. Nothing of
    the file is left behind and no row names it."""

    code = "storage-unavailable"


def storage_unavailable(error: OSError) -> StorageUnavailable:
    """Logs what operators must fix and answers the person plainly."""
    logger.error(
        "the documents' storage cannot be written (%s): %s",
        errno.errorcode.get(error.errno or 0, "?"),
        error,
    )
    return StorageUnavailable(
        _(
            "Documents cannot be saved at the moment, so your file was not kept. "
            "Please try again later."
        ),
        retry_after=STORAGE_RETRY_SECONDS,
    )


@dataclass(frozen=True)
class StoredFile:
    """An encrypted file now in the private storage: the fields of its row."""

    original_name: str
    content_type: str
    size: int
    sha256: str
    storage_name: str
    wrapped_key: bytes
    master_key_id: str
    scan_status: str

    def fields(self) -> dict[str, Any]:
        """Keyword arguments for the `EncryptedFile` row's `create()`."""
        return asdict(self)


class EncryptedFileRow(Protocol):
    """What opening needs of a row (an `EncryptedFile`)."""

    storage_name: str
    wrapped_key: bytes | memoryview
    master_key_id: str


# The names stored inside the innermost `delete_stored_on_error` block.
_stored_in_block: ContextVar[list[str] | None] = ContextVar(
    "stored_in_block", default=None
)


@contextmanager
def delete_stored_on_error() -> Iterator[list[str]]:
    """Deletes again every file `encrypted_file_store` wrote inside the block
    when the block ends with an exception. Wrap a write's whole transaction in
    it (`with delete_stored_on_error(), transaction.atomic():`) when the files
    are stored inside the transaction: its rollback takes the rows (and their
    wrapped keys) away, this takes the stored objects. Blocks nest; an inner
    block's names also count for the outer one. Yields the list of names."""
    outer = _stored_in_block.get()
    names: list[str] = []
    token = _stored_in_block.set(names)
    try:
        yield names
    except BaseException:
        _stored_in_block.reset(token)
        for name in names:
            storage_delete(name)
        raise
    _stored_in_block.reset(token)
    if outer is not None:
        outer.extend(names)


def storage_name_new(prefix: str) -> str:
    """A fresh, unguessable name in the private storage under `prefix` (the
    app's folder); nothing about the file or the person is in it."""
    return f"{prefix}/{timezone.now():%Y}/{secrets.token_hex(16)}"


def clean_file_name(name: str) -> str:
    """The uploaded name without control characters or paths, at most 200
    characters with its extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    name = name.strip(". ") or "document"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def limit_mb(max_bytes: int) -> str:
    """A byte limit in megabytes as people read it ("10", "2.5")."""
    megabytes = max_bytes / MB
    return f"{megabytes:.0f}" if megabytes == int(megabytes) else f"{megabytes:.1f}"


def file_too_large(max_bytes: int, *, field: str) -> InvalidInput:
    return InvalidInput(
        _("The file is too large. The limit is %(limit)s MB.")
        % {"limit": limit_mb(max_bytes)},
        code="file-too-large",
        field=field,
        extra={"max_bytes": max_bytes},
    )


def upload_check(
    upload: UploadedFile, *, allowed_types: list[str], max_bytes: int, field: str
) -> Kind:
    """The kind of an upload that passes every check made without the
    antivirus: at most `max_bytes` ("file-too-large"), one of `allowed_types`
    by its content ("file-type"), and decoding within inspect.py's limits (its
    codes). InvalidInput naming `field` otherwise. Nothing is written."""
    if (upload.size or 0) > max_bytes:
        raise file_too_large(max_bytes, field=field)
    source = upload.file
    if source is None:
        raise ValueError("the upload has no file")
    kind = kind_of_upload(source, allowed=allowed_types, field=field)
    upload_inspect(source, kind=kind, field=field)  # limits: inspect.py
    source.seek(0)
    return kind


def encrypted_file_store(
    upload: UploadedFile,
    *,
    allowed_types: list[str],
    max_bytes: int,
    field: str,
    prefix: str,
) -> StoredFile:
    """Checks (`upload_check`), scans (antivirus.py: "file-infected", or
    ScannerUnavailable when a configured daemon does not answer), encrypts
    with a fresh data key and writes one upload to the private storage under
    `storage_name_new(prefix)`. Returns the row's fields.

    Nothing is left behind when it raises: a refused file is never written,
    and a half-written object is deleted. A storage that cannot be written
    (full, read-only, missing) raises StorageUnavailable (503). Once it has returned, the caller
    owns the stored object: it must `storage_delete(stored.storage_name)`
    when its own transaction fails, or store inside `delete_stored_on_error`."""
    kind = upload_check(
        upload, allowed_types=allowed_types, max_bytes=max_bytes, field=field
    )
    source = cast(IO[bytes], upload.file)
    scan_status = upload_scan(source, field=field)
    original_name = name_for_kind(clean_file_name(upload.name or ""), kind)
    if len(original_name) > MAX_NAME_LENGTH:
        original_name = clean_file_name(original_name)

    keys = crypto.master_keys()
    data_key = crypto.new_data_key()
    source.seek(0)
    reader = crypto.EncryptingReader(source, data_key)
    wanted_name = storage_name_new(prefix)
    try:
        stored_name = default_storage.save(
            wanted_name, File(cast(IO[bytes], reader), name=wanted_name)
        )
    except OSError as error:
        # A half-written object may be left under the random name.
        storage_delete(wanted_name)
        raise storage_unavailable(error) from error
    except BaseException:
        storage_delete(wanted_name)
        raise
    if reader.size > max_bytes:  # the upload handler's count was wrong
        storage_delete(stored_name)
        raise file_too_large(max_bytes, field=field)
    in_block = _stored_in_block.get()
    if in_block is not None:
        in_block.append(stored_name)
    return StoredFile(
        original_name=original_name,
        content_type=kind.mime,
        size=reader.size,
        sha256=reader.sha256,
        storage_name=stored_name,
        wrapped_key=crypto.wrap_key(data_key, keys.key(keys.current_id)),
        master_key_id=keys.current_id,
        scan_status=scan_status,
    )


def storage_delete(name: str) -> None:
    """Deletes a stored object, logging (not raising) when the storage fails:
    an orphan object is only storage, never readable without its key."""
    try:
        default_storage.delete(name)
    except OSError as error:
        logger.error("could not delete stored file %s: %s", name, error)


class OpenedFile:
    """The plaintext of a stored file whose header and first chunk were
    checked. Iterate it once (it closes the storage file at the end), or
    `close()` it when the response will not be sent."""

    def __init__(self, first: bytes, chunks: Iterator[bytes], stored: File) -> None:
        self._first = first
        self._chunks = chunks
        self._stored = stored

    def __iter__(self) -> Iterator[bytes]:
        try:
            if self._first:
                yield self._first
            yield from self._chunks
        finally:
            self._stored.close()

    def close(self) -> None:
        self._stored.close()


def encrypted_file_open(row: EncryptedFileRow) -> OpenedFile:
    """Opens a stored file for reading. The data key is unwrapped and the
    header and first chunk authenticated before this returns, so a missing
    master key (crypto.MasterKeyError) or a damaged or foreign file
    (crypto.DecryptionError) fails before a response starts; every later
    chunk is authenticated before it is yielded. Permission and any audit
    event are the caller's (write the event after this returned, and
    `close()` the result if that fails)."""
    keys = crypto.master_keys()
    data_key = crypto.unwrap_key(row.wrapped_key, keys.key(row.master_key_id))
    stored = default_storage.open(row.storage_name, "rb")
    try:
        chunks = crypto.Decryptor(cast(IO[bytes], stored), data_key).chunks()
        first = next(chunks, b"")
    except BaseException:
        stored.close()
        raise
    return OpenedFile(first, chunks, stored)
