"""Decoding an uploaded image or PDF under strict limits before it is stored.

The first bytes (sniffing.py) say what a file claims to be; this module reads
the whole of it with a well-kept decoder (Pillow for images, pypdf for PDFs)
and refuses what a reader's computer should not have to open:

- an image of more than MAX_IMAGE_PIXELS pixels (a decompression bomb: a
  20000 x 20000 PNG of one colour is a few kilobytes and 400 million pixels),
  an animated one, or one that does not decode to the end;
- a PDF with more than MAX_PDF_PAGES pages, a stream that inflates past
  MAX_STREAM_BYTES, more than MAX_PDF_DECODED_BYTES inflated in all, more than
  MAX_PDF_OBJECTS objects, an image larger than MAX_IMAGE_PIXELS, a password,
  or active content: JavaScript, an action run on opening (other than going to
  a page), automatic actions, launching a program, submitting or importing
  data, embedded or remote files, rich media, an XFA form.

Memory and time stay bounded whatever the file holds: Pillow reads the size
from the header and nothing is decoded past the limit; pypdf inflates at most
MAX_STREAM_BYTES of one stream (its own limits, set per call with
`apply_configuration`, turn a bomb into LimitReachedError) and image codecs in
PDFs (JPEG, JPEG 2000, JBIG2, CCITT) are never decoded, only their declared
size checked. The upload itself is capped at ESERVICES_MAX_UPLOAD_MB before
this runs. HEIC photos are not decoded (no decoder among our dependencies):
they go on to the antivirus as they are.

Every refusal is InvalidInput with its own code, naming the field, saying what
is wrong and what to do."""

import logging
import re
import warnings
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from PIL import Image, ImageFile
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from saduak.core.errors import InvalidInput
from saduak.core.uploads.sniffing import Kind

logger = logging.getLogger(__name__)

# A 48-megapixel phone photo is 8000 x 6000; a 600 dpi A4 scan 35 million.
# Decoding the largest allowed image holds at most 4 bytes a pixel.
MAX_IMAGE_PIXELS = 50_000_000
MAX_PDF_PAGES = 100
# An A4 page scanned at 300 dpi in colour is 26 MB unpacked.
MAX_STREAM_BYTES = 40 * 1024 * 1024
MAX_PDF_DECODED_BYTES = 256 * 1024 * 1024
MAX_PDF_OBJECTS = 50_000
# Nesting deeper than this inside one object is refused as unreadable.
MAX_PDF_DEPTH = 32

PIL_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}

# Keys whose presence anywhere means content that runs or hides files.
ACTIVE_KEYS = {
    "/JS": N_("JavaScript"),
    "/JavaScript": N_("JavaScript"),
    "/AA": N_("automatic actions"),
    "/EmbeddedFiles": N_("embedded files"),
    "/EmbeddedFile": N_("embedded files"),
    "/EF": N_("embedded files"),
    "/XFA": N_("an XFA form"),
    "/RichMedia": N_("rich media"),
    "/RichMediaContent": N_("rich media"),
}
# Action types (/S) that run something or reach outside the document.
ACTIVE_ACTIONS = {
    "/JavaScript": N_("JavaScript"),
    "/Launch": N_("launching a program"),
    "/SubmitForm": N_("sending form data"),
    "/ImportData": N_("importing data"),
    "/GoToR": N_("opening another file"),
    "/GoToE": N_("opening an embedded file"),
    "/RichMediaExecute": N_("rich media"),
    "/Rendition": N_("playing media"),
    "/Movie": N_("playing media"),
    "/Sound": N_("playing media"),
}
# Stream filters that are image codecs: never decoded here (their pixels
# are checked by the image's declared /Width and /Height).
IMAGE_CODECS = {"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"}


class _Refusal(Exception):
    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra


def upload_inspect(stream: IO[bytes], *, kind: Kind, field: str) -> None:
    """Decodes the upload (from its start) as `kind` under the module's limits;
    returns quietly when it passes, raises InvalidInput otherwise, with `field`
    and one of the codes `file-unreadable`, `image-too-large`,
    `image-animated`, `pdf-too-many-pages`, `pdf-too-large-inside`,
    `pdf-encrypted`, `pdf-active-content`. Leaves the stream at its start."""
    try:
        stream.seek(0)
        if kind.name == "pdf":
            _inspect_pdf(stream)
        elif kind.name in PIL_FORMATS:
            _inspect_image(stream, PIL_FORMATS[kind.name])
    except _Refusal as refusal:
        raise InvalidInput(
            refusal.message, code=refusal.code, field=field, extra=refusal.extra
        ) from None
    finally:
        stream.seek(0)


def _unreadable(kind_label: str) -> _Refusal:
    return _Refusal(
        "file-unreadable",
        _(
            "This file could not be read as a %(kind)s: it is damaged or not "
            "what its first bytes say. Save or scan it again and upload the "
            "new copy."
        )
        % {"kind": kind_label},
    )


def _too_many_pixels(pixels: int) -> _Refusal:
    return _Refusal(
        "image-too-large",
        _(
            "This image is too large (%(pixels)s million pixels; at most "
            "%(limit)s million). Take the photo or scan again at a lower "
            "resolution, or reduce it, and upload that."
        )
        % {
            "pixels": f"{pixels / 1_000_000:,.0f}",
            "limit": f"{MAX_IMAGE_PIXELS / 1_000_000:,.0f}",
        },
        max_pixels=MAX_IMAGE_PIXELS,
    )


# --- images ---------------------------------------------------------------


def _inspect_image(stream: IO[bytes], pil_format: str) -> None:
    with warnings.catch_warnings():
        # Pillow warns past its own limit and raises past twice that; both
        # are refusals here, checked against ours before any pixel is read.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(stream, formats=[pil_format]) as image:
                pixels = image.width * image.height
                if pixels > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(pixels)
                if getattr(image, "n_frames", 1) > 1:
                    raise _Refusal(
                        "image-animated",
                        _(
                            "Animated images are not accepted as documents. "
                            "Upload a still photo or a scan."
                        ),
                    )
                _load_whole(image)
        except _Refusal:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
            raise _too_many_pixels(_pixels_named(bomb)) from None
        # A hostile file can make a decoder fail in any of its ways (OSError,
        # SyntaxError, ValueError, struct.error, ...); each one is a refusal,
        # never a server error.
        except Exception as error:
            logger.info("image refused as unreadable: %r", error)
            raise _unreadable(pil_format) from None


def _load_whole(image: Image.Image) -> None:
    """Decodes every pixel; a truncated file fails. WeasyPrint sets Pillow's
    process-wide LOAD_TRUNCATED_IMAGES when it is imported (a PDF rendered in
    the same worker), which would fill a truncated image in silently: it is
    off while this decodes. (A thread that renders a PDF meanwhile refuses a
    truncated image instead of padding it; nothing else depends on the flag.)"""
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _pixels_named(bomb: Exception) -> int:
    """The pixel count in Pillow's refusal ("Image size (400000000 pixels)
    exceeds limit ..."), for the message."""
    found = re.search(r"\((\d+) pixels\)", str(bomb))
    return int(found.group(1)) if found else MAX_IMAGE_PIXELS + 1


# --- PDFs -----------------------------------------------------------------


def _inspect_pdf(stream: IO[bytes]) -> None:
    with apply_configuration(
        zlib_maximum_output_length=MAX_STREAM_BYTES,
        lzw_maximum_output_length=MAX_STREAM_BYTES,
        run_length_maximum_output_length=MAX_STREAM_BYTES,
        brotli_maximum_output_length=MAX_STREAM_BYTES,
        jbig2_maximum_output_length=MAX_STREAM_BYTES,
        array_based_stream_maximum_output_length=MAX_STREAM_BYTES,
        image_maximum_buffer_size=MAX_STREAM_BYTES,
        maximum_declared_stream_length=MAX_STREAM_BYTES,
        jbig2dec_binary=None,  # never start an outside decoder
    ):
        try:
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise _Refusal(
                    "pdf-encrypted",
                    _(
                        "This PDF is protected with a password, so it cannot be "
                        "checked or read by the officers. Save a copy without "
                        "the password and upload that."
                    ),
                )
            _check_objects(reader)
            pages = len(reader.pages)
            if pages > MAX_PDF_PAGES:
                raise _Refusal(
                    "pdf-too-many-pages",
                    _(
                        "This PDF has %(pages)s pages; at most %(limit)s are "
                        "accepted. Upload only the pages the form asks for."
                    )
                    % {"pages": pages, "limit": MAX_PDF_PAGES},
                    max_pages=MAX_PDF_PAGES,
                )
        except _Refusal:
            raise
        except LimitReachedError:
            raise _inflates_too_much() from None
        # As for images: any failure of the parser on hostile input is a
        # refusal (RecursionError and MemoryError included), never a 500.
        except Exception as error:
            logger.info("PDF refused as unreadable: %r", error)
            raise _unreadable("PDF") from None


def _inflates_too_much() -> _Refusal:
    return _Refusal(
        "pdf-too-large-inside",
        _(
            "This PDF holds far more data than its size shows (more than "
            "%(limit)s MB once unpacked), as files made to overload a computer "
            "do. Print it to a new PDF or scan the paper again, and upload that."
        )
        % {"limit": MAX_STREAM_BYTES // (1024 * 1024)},
    )


def _active(what: str) -> _Refusal:
    return _Refusal(
        "pdf-active-content",
        _(
            "This PDF contains %(what)s, which could run on the officers' "
            "computers, so it was not accepted. Print it to a new PDF (“Print "
            "to PDF”) or scan the paper, and upload that."
        )
        % {"what": _(what)},
        active_content=what,
    )


def _objects(reader: PdfReader) -> Iterator[PdfObject]:
    """Every indirect object of the file, the trailer first."""
    yield reader.trailer
    numbers: set[tuple[int, int]] = set()
    for generation, table in reader.xref.items():
        numbers.update((number, generation) for number in table)
    numbers.update((number, 0) for number in reader.xref_objStm)
    if len(numbers) > MAX_PDF_OBJECTS:
        raise _Refusal(
            "pdf-too-large-inside",
            _(
                "This PDF is made of too many parts (%(count)s objects; at most "
                "%(limit)s). Print it to a new PDF or scan the paper again, and "
                "upload that."
            )
            % {"count": len(numbers), "limit": MAX_PDF_OBJECTS},
        )
    for number, generation in sorted(numbers):
        found = reader.get_object(IndirectObject(number, generation, reader))
        if found is not None:
            yield found


def _check_objects(reader: PdfReader) -> None:
    decoded = 0
    for found in _objects(reader):
        for item in _direct_parts(found, 0):
            if isinstance(item, DictionaryObject):
                _check_dictionary(item)
            if isinstance(item, StreamObject):
                decoded += _decoded_size(item)
                if decoded > MAX_PDF_DECODED_BYTES:
                    raise _inflates_too_much()


def _direct_parts(item: Any, depth: int) -> Iterator[Any]:
    """`item` and what it holds directly (not through references, which are
    objects of their own)."""
    if depth > MAX_PDF_DEPTH:
        raise _unreadable("PDF")
    yield item
    if isinstance(item, DictionaryObject):
        for value in item.values():
            if not isinstance(value, IndirectObject):
                yield from _direct_parts(value, depth + 1)
    elif isinstance(item, ArrayObject):
        for value in item:
            if not isinstance(value, IndirectObject):
                yield from _direct_parts(value, depth + 1)


def _check_dictionary(item: DictionaryObject) -> None:
    for key in item:
        if key in ACTIVE_KEYS:
            raise _active(ACTIVE_KEYS[key])
    action = _resolved(item, "/S")
    if isinstance(action, NameObject) and action in ACTIVE_ACTIONS:
        raise _active(ACTIVE_ACTIONS[action])
    if "/OpenAction" in item:
        opening = item["/OpenAction"]  # a reference is resolved by pypdf
        # Opening at a page ([page /Fit] or a GoTo action) is harmless;
        # anything else runs when the file is opened.
        if not isinstance(opening, ArrayObject) and not (
            isinstance(opening, DictionaryObject)
            and _resolved(opening, "/S") == "/GoTo"
        ):
            raise _active(N_("an action that runs when the file is opened"))
    if _resolved(item, "/Subtype") == "/Image":
        width, height = _resolved(item, "/Width"), _resolved(item, "/Height")
        if isinstance(width, int) and isinstance(height, int):
            pixels = int(width) * int(height)
            if pixels > MAX_IMAGE_PIXELS:
                raise _too_many_pixels(pixels)


def _resolved(item: DictionaryObject, key: str) -> Any:
    """The value under `key`, following a reference (any value may be one:
    `/S 9 0 R` naming /Launch must not pass for a harmless action)."""
    value = item.get(key)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _decoded_size(stream: StreamObject) -> int:
    filters = _resolved(stream, "/Filter")
    names = filters if isinstance(filters, ArrayObject) else [filters]
    if any(name in IMAGE_CODECS for name in names if name is not None):
        return 0
    return len(stream.get_data())
