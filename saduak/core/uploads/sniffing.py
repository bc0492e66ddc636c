"""What a file is, from its first bytes (magic numbers, with `filetype`), never
from its name or the browser's Content-Type: a renamed executable, archive or
script is refused because its content is none of the allowed kinds."""

from dataclasses import dataclass
from typing import IO, Any

import filetype
from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput

# filetype reads at most this many bytes of a file to recognise it.
HEAD_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    name: str  # what a form field's `file_types` lists
    mime: str
    extensions: tuple[str, ...]  # the first is the one given to a misnamed file
    label: str  # shown to people in the list of allowed types


# The kinds a form may allow. Only documents and photos: anything that can carry
# active content (office documents with macros, archives, HTML, SVG) is out.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("pdf", "application/pdf", ("pdf",), "PDF"),
        Kind("jpg", "image/jpeg", ("jpg", "jpeg"), "JPG"),
        Kind("png", "image/png", ("png",), "PNG"),
        Kind("webp", "image/webp", ("webp",), "WebP"),
        Kind("heic", "image/heic", ("heic", "heif"), "HEIC"),
    )
}
# filetype's extension names for the kinds above.
_BY_FILETYPE = {
    "pdf": "pdf",
    "jpg": "jpg",
    "png": "png",
    "webp": "webp",
    "heic": "heic",
}


def unknown_kinds(names: list[str]) -> list[str]:
    """The names in a form field's allowed list that are not kinds we know."""
    return [name for name in names if name not in KINDS]


def kinds_label(names: list[str]) -> str:
    return ", ".join(KINDS[name].label for name in names if name in KINDS)


def sniff(head: bytes) -> Kind | None:
    """The kind the bytes are, among KINDS; None for anything else."""
    guessed = filetype.guess(head[:HEAD_BYTES]) if head else None
    if guessed is None:
        return None
    name = _BY_FILETYPE.get(guessed.extension)
    return KINDS.get(name) if name else None


def read_head(stream: IO[Any]) -> bytes:
    """The first bytes of a stream, leaving it at the start again."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    return head


def kind_of_upload(stream: IO[Any], *, allowed: list[str], field: str) -> Kind:
    """The upload's kind when it is one of `allowed`; otherwise InvalidInput
    (code "file-type") naming what is allowed."""
    unknown = unknown_kinds(allowed)
    if unknown:
        raise ValueError(f"unknown file kinds in a form field: {unknown}")
    kind = sniff(read_head(stream))
    if kind is None or kind.name not in allowed:
        raise InvalidInput(
            _(
                "This file's type is not accepted here. Upload one of: %(types)s. "
                "(The type is read from the file's content, not its name.)"
            )
            % {"types": kinds_label(allowed)},
            code="file-type",
            field=field,
            extra={"allowed_types": list(allowed)},
        )
    return kind


def name_for_kind(name: str, kind: Kind) -> str:
    """The file name with the kind's extension added when its own does not
    match, so that a download opens in the right program and a misnamed file
    does not pass for something else."""
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension.lower() in kind.extensions:
        return name
    return f"{name}.{kind.extensions[0]}"
