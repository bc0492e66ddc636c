"""The emblem printed at the top of a letter: the image file named by the
setting PERFORMANCE_LETTER_EMBLEM (an SVG, PNG or JPEG), by default the plain
emblem shipped in static/img/letter-emblem.svg. The system check
performance.E001 (performance/checks.py) refuses a file that is missing,
unreadable or not one of those images, so printing never meets one."""

import base64
from pathlib import Path

from django.conf import settings

# Recognised by their first bytes, not by the file name.
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
MOST_BYTES = 5 * 1024 * 1024


def _kind(content: bytes) -> str | None:
    if content.startswith(PNG):
        return "image/png"
    if content.startswith(JPEG):
        return "image/jpeg"
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if (head.startswith((b"<?xml", b"<svg", b"<!--"))) and b"<svg" in content.lower():
        return "image/svg+xml"
    return None


def emblem_path() -> Path:
    return Path(settings.PERFORMANCE_LETTER_EMBLEM)


def emblem_problem(path: Path | None = None) -> str | None:
    """Why the emblem file cannot be printed, or None when it can."""
    path = path or emblem_path()
    try:
        if path.stat().st_size > MOST_BYTES:
            return f"PERFORMANCE_LETTER_EMBLEM {path} is larger than 5 MB."
        content = path.read_bytes()
    except OSError as error:
        return (
            f"PERFORMANCE_LETTER_EMBLEM {path} cannot be read "
            f"({error.strerror or error})."
        )
    if _kind(content) is None:
        return f"PERFORMANCE_LETTER_EMBLEM {path} is not an SVG, PNG or JPEG image."
    return None


def emblem_data_uri(path: Path | None = None) -> str:
    """The emblem as a data: URI for the letter's <img> (WeasyPrint reads no
    file the template does not hand it)."""
    content = (path or emblem_path()).read_bytes()
    kind = _kind(content) or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"
