"""Reading a source file as a stream of rows of text (docs/social.md, "Sources
and imports"): XLSX (openpyxl, read-only), CSV (UTF-8 with or without a BOM,
UTF-16, or TIS-620/Windows-874 as Thai offices' Excel saves it, the same
encodings as performance/tables.py reads), or the source's fixed-width
layout. The loop over rows only splits cells: every check is the database's
(sql.py), so a file of millions of rows is never held in memory.

`file_scan` reads the file once for its SHA-256, its encoding and the
characters no table may hold (NUL); `source_file_open` then reads the header
and returns the rows as an iterator."""

import codecs
import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from saduak.core.errors import InvalidInput
from saduak.social.choices import FileLayout
from saduak.social.layouts import Layout, fixed_columns, headers_match

CHUNK = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CSV_DELIMITERS = ",;\t|"
MAX_MEMBERS = 500
FIELD = "file"


@dataclass(frozen=True)
class Scan:
    sha256: str
    size: int
    encoding: str  # "" for XLSX
    is_xlsx: bool


def _refuse(message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code, field=FIELD)


def file_scan(file: IO[bytes]) -> Scan:
    """The file's SHA-256 and size, whether it is an XLSX workbook, and a text
    file's encoding (a BOM decides; else UTF-8 when every byte sequence is
    valid UTF-8, else Windows-874). Refuses an empty file, an old XLS, and
    text holding NUL characters."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    digest = hashlib.sha256()
    size = 0
    is_xlsx = head.startswith(ZIP_MAGIC)
    if head.startswith(OLE_MAGIC):
        raise _refuse(
            _(
                "This is an old Excel file (XLS). Save it as an Excel workbook"
                " (XLSX) or as CSV and upload it again."
            ),
            "file-type",
        )
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    # Every chunk is decoded (a UTF-8 file that is not valid UTF-8 is read
    # as Windows-874; any other undecodable file is refused), so that reading
    # the rows later cannot fail half-way.
    decoder = None if is_xlsx else codecs.getincrementaldecoder(encoding)()
    nul = False
    undecodable = False
    while chunk := file.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if decoder is None:
            continue
        try:
            nul = "\x00" in decoder.decode(chunk) or nul
        except UnicodeDecodeError:
            undecodable = True
            decoder = None
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            undecodable = True
    if undecodable and encoding == "utf-8":
        encoding, undecodable, nul = "cp874", False, False
        file.seek(0)
        try:
            while chunk := file.read(CHUNK):
                nul = (
                    "\x00" in chunk.decode(encoding) or nul
                )  # single-byte: chunks decode apart
        except UnicodeDecodeError:
            undecodable = True
    file.seek(0)
    if size == 0:
        raise _refuse(_("The file is empty."), "file-empty")
    if undecodable:
        raise _refuse(
            _(
                'The file\'s characters could not be read. Save it as "CSV UTF-8"'
                " (or as an Excel workbook) and upload it again."
            ),
            "file-encoding",
        )
    if nul:
        raise _refuse(
            _(
                "This file is not a table Saduak can read. Upload XLSX, CSV or"
                " the fixed-width text."
            ),
            "file-type",
        )
    return Scan(digest.hexdigest(), size, "" if is_xlsx else encoding, is_xlsx)


@dataclass
class SourceFile:
    """An opened file: its form, the targets its rows give (in order), and
    the rows as (line, width or None, *cells)."""

    layout: str
    targets: list[str]
    rows: Iterator[tuple[Any, ...]]


class WrongLayout(InvalidInput):
    """The file is not in the source's layout: the columns missing (or the
    fixed width expected)."""

    code = "wrong-layout"

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message, field=FIELD, extra={"missing_columns": missing})
        self.missing = missing


def _wrong_layout(layout: Layout, missing: list[str]) -> WrongLayout:
    return WrongLayout(
        _(
            "The file is not in this source's layout: these columns are missing:"
            " %(columns)s. (A fixed-width file has lines of %(width)s characters.)"
        )
        % {"columns": ", ".join(missing), "width": layout.fixed_width},
        missing=missing,
    )


def source_file_open(file: IO[bytes], layout: Layout, scan: Scan) -> SourceFile:
    """The file's rows in the source's layout; WrongLayout when its header
    lacks a required column (or a fixed-width line has another width)."""
    if scan.is_xlsx:
        return _xlsx_open(file, layout)
    text = io.TextIOWrapper(file, encoding=scan.encoding, newline="")
    # The first line with something in it is the header (or a fixed-width row).
    first = ""
    skipped = 0
    for first in text:
        skipped += 1
        if first.strip():
            break
    line = first.rstrip("\r\n")
    delimiter = max(CSV_DELIMITERS, key=line.count)
    header = (
        next(csv.reader([line], delimiter=delimiter))
        if line.count(delimiter)
        else [line]
    )
    positions, missing = headers_match(layout, header)
    if "personal_id" in positions and not missing:
        return SourceFile(
            FileLayout.CSV,
            list(positions),
            _csv_rows(text, delimiter, positions, skipped),
        )
    if len(line) == layout.fixed_width:
        return _fixed_open(text, layout, line, skipped)
    raise _wrong_layout(layout, [column.label for column in missing])


def _picker(positions: dict[str, int]) -> tuple[list[int], int]:
    indexes = list(positions.values())
    return indexes, max(indexes) + 1


def _csv_rows(
    text: IO[str], delimiter: str, positions: dict[str, int], skipped: int
) -> Iterator[tuple[Any, ...]]:
    indexes, width = _picker(positions)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, skipped + 1):
            if not cells:
                continue
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            yield (number, None, *[cells[index] for index in indexes])
    except csv.Error as error:
        raise _refuse(
            _("The CSV file could not be read (%(reason)s).") % {"reason": error},
            "file-unreadable",
        ) from error


def _fixed_open(text: IO[str], layout: Layout, first: str, skipped: int) -> SourceFile:
    columns = fixed_columns(layout)
    slices = layout.fixed_slices()
    spans = [
        span
        for column, span in zip(layout.columns, slices, strict=True)
        if column.width > 0
    ]

    def rows() -> Iterator[tuple[Any, ...]]:
        yield (skipped, len(first), *[first[a:b] for a, b in spans])
        for number, raw in enumerate(text, skipped + 1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            yield (number, len(line), *[line[a:b] for a, b in spans])

    return SourceFile(FileLayout.FIXED, [column.target for column in columns], rows())


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # A code or an ID typed into a number cell: its digits, no ".0".
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _xlsx_open(file: IO[bytes], layout: Layout) -> SourceFile:
    unreadable = _refuse(
        _("The Excel file could not be read. Open it, save it again and upload it."),
        "file-unreadable",
    )
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
        file.seek(0)
        if len(members) > MAX_MEMBERS or not any(
            member.filename == "xl/workbook.xml" for member in members
        ):
            raise unreadable
        book = load_workbook(file, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        number = 0
        header: list[str] = []
        for number, values in enumerate(rows, 1):  # noqa: B007
            header = [_cell_text(value) for value in values]
            if any(cell.strip() for cell in header):
                break
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        ParseError,
        IndexError,
    ) as error:
        raise unreadable from error
    positions, missing = headers_match(layout, header)
    if missing:
        book.close()
        raise _wrong_layout(layout, [column.label for column in missing])
    indexes, width = _picker(positions)

    def cells() -> Iterator[tuple[Any, ...]]:
        try:
            for line, values in enumerate(rows, number + 1):
                if not values or all(value is None for value in values):
                    continue
                row = list(values) + [None] * (width - len(values))
                yield (line, None, *[_cell_text(row[index]) for index in indexes])
        except (zipfile.BadZipFile, KeyError, ParseError, ValueError) as error:
            raise unreadable from error
        finally:
            book.close()

    return SourceFile(FileLayout.XLSX, list(positions), cells())
