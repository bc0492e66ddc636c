"""Text that cannot be stored or sent: one place that finds it on the way in
and replaces it on the way out.

On the way in, two kinds of character are refused wherever people or machines
send text (the JSON API's parser, pages' forms, imports):

- a lone surrogate (U+D800..U+DFFF without its pair), which JSON can carry as
  `\\ud800` but UTF-8 cannot encode: SQLite's driver refuses it in a text
  column, PostgreSQL refuses it in `jsonb`, and any page or JSON response
  holding it fails when it is encoded to bytes;
- NUL (U+0000), which PostgreSQL refuses in `text` and `jsonb` (SQLite stores
  it, so the two databases would otherwise disagree).

Other control characters are valid UTF-8 and are stored as sent; only XML
formats (XLSX) cannot hold them, so `text_for_xml` replaces them there.

On the way out, `text_encodable` replaces what could not be encoded with
U+FFFD (the replacement character), so a value stored before these checks
shows as "a�b" instead of answering 500."""

import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput

REPLACEMENT = "\ufffd"
# What is refused on the way in.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# What UTF-8 cannot encode.
SURROGATE = re.compile("[\ud800-\udfff]")
# What XML 1.0 cannot hold (besides surrogates): C0 controls but tab, LF, CR,
# and the two non-characters U+FFFE and U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Nested JSON deeper than this is not walked further (the JSON parser itself
# stops far deeper; no form or payload of ours nests past a handful).
MAX_DEPTH = 64


class UnstorableText(InvalidInput):
    """Input holding a character that cannot be stored (see the module)."""

    code = "unencodable-text"


def text_fault(value: str) -> str | None:
    """Why `value` cannot be stored, for people (None when it can)."""
    found = UNSTORABLE.search(value)
    if found is None:
        return None
    character = found.group()
    if character == "\x00":
        return _(
            "It contains a NUL character (U+0000), which cannot be stored. "
            "Remove it and send the text again."
        )
    return _(
        "It contains a broken character (U+%(code)04X, half of a surrogate "
        "pair), which cannot be stored. Type or paste the text again."
    ) % {"code": ord(character)}


def text_faults(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, reason) for every string in `data` (dicts, lists, strings; keys
    too) that cannot be stored. Paths join keys and list positions with dots:
    `answers.items.0.name`."""
    yield from _faults(data, path, 0)


def _faults(data: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        reason = text_fault(data)
        if reason:
            yield path, reason
        return
    if depth >= MAX_DEPTH:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            name = _join(path, str(key))
            if isinstance(key, str) and (reason := text_fault(key)):
                yield text_encodable(name), reason
                continue
            yield from _faults(value, name, depth + 1)
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from _faults(value, _join(path, str(index)), depth + 1)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def text_refuse(data: Any, *, where: str = "body", path: str = "") -> None:
    """Raises UnstorableText (400 `unencodable-text`, `invalid_params` naming
    each field at fault and where it was sent) when anything in `data` cannot
    be stored; returns quietly otherwise."""
    faults = list(text_faults(data, path))
    if not faults:
        return
    names = ", ".join(name or where for name, _reason in faults)
    raise UnstorableText(
        _(
            "Some text cannot be stored because it contains a character that is "
            "not valid text (%(names)s). Remove it and send the text again."
        )
        % {"names": names},
        field=faults[0][0] or None,
        extra={
            "invalid_params": [
                {"name": name or where, "in": where, "reason": reason}
                for name, reason in faults
            ]
        },
    )


def text_encodable(value: str) -> str:
    """`value` with every lone surrogate replaced by U+FFFD, so that it encodes
    as UTF-8. Returns `value` itself when there is nothing to replace."""
    return SURROGATE.sub(REPLACEMENT, value)


def text_cleaned(value: str) -> str:
    """`value` with every character that cannot be stored (NUL, lone
    surrogates) replaced by U+FFFD: for input that cannot be refused, such as a
    LINE message that was already sent."""
    return UNSTORABLE.sub(REPLACEMENT, value)


def text_for_xml(value: str) -> str:
    """`value` with what XML 1.0 cannot hold replaced by U+FFFD (XLSX cells)."""
    return NOT_XML.sub(REPLACEMENT, value)
