"""Reading an uploaded table (XLSX, or CSV in UTF-8 with or without a BOM,
UTF-16, or TIS-620/Windows-874 as Thai offices' Excel saves it) into rows of
text, under limits, without storing the file.

The file is read in memory (it is at most MAX_BYTES) and never written:
only the rows read from it, and its SHA-256, are kept (BreakdownImport). So
the encrypted store of core/uploads/ is not needed; what fits of its checks
is used: the size limit and its message (`file_too_large`), the clean file
name, and the kind read from the content, not the name (`sniff`: a PDF or a
photo renamed ".csv" is refused as what it is).

Limits, each refused with its own code and message on the form's field:
MAX_BYTES for the file, MAX_ROWS rows with something in them, MAX_COLUMNS
columns read; an XLSX (a zip) may unpack to at most MAX_UNPACKED_BYTES in at
most MAX_MEMBERS parts (a zip bomb is refused from the zip's directory,
before anything is inflated). Old binary .xls, other kinds and text that is
none of the encodings above are refused with what to do instead."""

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from xml.etree.ElementTree import ParseError

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from saduak.core.errors import InvalidInput
from saduak.core.uploads.sniffing import read_head, sniff
from saduak.core.uploads.store import MB, clean_file_name, file_too_large

MAX_BYTES = 2 * MB
MAX_ROWS = 5000
MAX_COLUMNS = 40
MAX_UNPACKED_BYTES = 40 * MB
MAX_MEMBERS = 500

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)
CSV_DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class Table:
    """The rows of a table as text, each with its row number in the file
    (1 = the first row a spreadsheet shows), empty rows left out."""

    file_name: str
    sha256: str
    kind: str  # "xlsx" or "csv"
    encoding: str = ""  # a CSV's encoding
    sheet: str = ""  # the XLSX sheet read (the first)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def _refuse(message: str, code: str, field: str) -> InvalidInput:
    return InvalidInput(message, code=code, field=field)


def _wrong_type(field: str) -> InvalidInput:
    return _refuse(
        _(
            "This file is not a table Saduak can read. Upload an Excel workbook"
            " (XLSX) or a CSV file. (The type is read from the file's content,"
            " not its name.)"
        ),
        "file-type",
        field,
    )


def table_read(upload: UploadedFile, *, field: str) -> Table:
    """The table in `upload`; InvalidInput naming `field` when the file is
    too large, empty, of another kind, unreadable, or past a limit."""
    if (upload.size or 0) > MAX_BYTES:
        raise file_too_large(MAX_BYTES, field=field)
    source = upload.file
    if source is None:
        raise ValueError("the upload has no file")
    head = read_head(source)
    data = source.read(MAX_BYTES + 1)
    source.seek(0)
    if len(data) > MAX_BYTES:  # the upload handler's count was wrong
        raise file_too_large(MAX_BYTES, field=field)
    name = clean_file_name(upload.name or "")
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise _refuse(_("The file is empty."), "file-empty", field)
    if head.startswith(OLE_MAGIC):
        raise _refuse(
            _(
                "This is an old Excel file (XLS). Save it as an Excel workbook"
                " (XLSX) or as CSV and upload it again."
            ),
            "file-type",
            field,
        )
    if head.startswith(ZIP_MAGIC):
        sheet, rows = _xlsx_rows(data, field)
        return Table(name, digest, "xlsx", sheet=sheet, rows=rows)
    if sniff(head) is not None:  # a PDF or a photo
        raise _wrong_type(field)
    text, encoding = _decoded(data, field)
    return Table(name, digest, "csv", encoding=encoding, rows=_csv_rows(text, field))


def _decoded(data: bytes, field: str) -> tuple[str, str]:
    """The text and the encoding it was in: a BOM decides (UTF-8, UTF-16);
    then UTF-8 if the bytes are valid UTF-8, else Windows-874 (TIS-620 with
    Microsoft's additions), the code page Excel saves Thai CSV in."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp874"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise _wrong_type(field)
        return text, encoding
    raise _refuse(
        _(
            'The file\'s characters could not be read. Save it as "CSV UTF-8"'
            " (or as an Excel workbook) and upload it again."
        ),
        "file-encoding",
        field,
    )


def _too_many_rows(field: str) -> InvalidInput:
    return _refuse(
        _(
            "The table has more than %(limit)s rows. Split it or remove what is not needed."
        )
        % {"limit": f"{MAX_ROWS:,}"},
        "too-many-rows",
        field,
    )


def _kept(
    rows: list[tuple[int, list[str]]], number: int, cells: list[str], field: str
) -> None:
    if not any(cell.strip() for cell in cells):
        return
    if len(rows) >= MAX_ROWS:
        raise _too_many_rows(field)
    cells = cells[:MAX_COLUMNS]
    while not cells[-1].strip():
        cells.pop()
    rows.append((number, cells))


def _csv_rows(text: str, field: str) -> list[tuple[int, list[str]]]:
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            sample, delimiters=CSV_DELIMITERS
        )
    except csv.Error:
        dialect = csv.excel
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), 1):
            _kept(rows, number, [cell.strip() for cell in cells], field)
    except csv.Error as error:
        raise _refuse(
            _("The CSV file could not be read (%(reason)s).") % {"reason": error},
            "file-unreadable",
            field,
        ) from error
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # repr gives the shortest text that reads back as the same number:
        # what was typed (0.3), not the binary fraction (0.299999...).
        return str(Decimal(repr(value)).normalize()) if value == value else ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes, field: str) -> tuple[str, list[tuple[int, list[str]]]]:
    unreadable = _refuse(
        _("The Excel file could not be read. Open it, save it again and upload it."),
        "file-unreadable",
        field,
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise unreadable from error
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise _wrong_type(field)
    if (
        len(members) > MAX_MEMBERS
        or sum(member.file_size for member in members) > MAX_UNPACKED_BYTES
    ):
        raise _refuse(
            _(
                "The Excel file unpacks to more than %(limit)s MB. Keep only the table in it."
            )
            % {"limit": MAX_UNPACKED_BYTES // MB},
            "file-too-large",
            field,
        )
    rows: list[tuple[int, list[str]]] = []
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            for number, values in enumerate(
                sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1
            ):
                _kept(rows, number, [_cell_text(value) for value in values], field)
            title = sheet.title
        finally:
            book.close()
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        ParseError,
        IndexError,
        ValueError,
        TypeError,
    ) as error:
        raise unreadable from error
    return title, rows
