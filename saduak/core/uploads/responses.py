"""The download of a stored file, as every app sends it."""

from collections.abc import Iterable, Iterator
from typing import Protocol

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header


class DownloadedFile(Protocol):
    """What the response needs of a row (an `EncryptedFile`)."""

    content_type: str
    size: int
    original_name: str


def encrypted_file_response(
    row: DownloadedFile, chunks: Iterable[bytes] | Iterator[bytes]
) -> StreamingHttpResponse:
    """The streamed download of a decrypted file: always saved (the original
    name, RFC 6266), never shown inline or sniffed by the browser, never
    stored by a cache, sandboxed should a browser render it anyway. Pair it
    with `never_cache` on the view."""
    response = StreamingHttpResponse(chunks, content_type=row.content_type)
    response["Content-Length"] = str(row.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=row.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
