"""Tables as CSV (UTF-8 with a byte-order mark, so Excel in Thai opens it right)
and XLSX (openpyxl), for every report's download."""

import csv
import io
from collections.abc import Callable, Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook

from saduak.core.text import text_encodable, text_for_xml

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(
    *,
    file_format: str,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
) -> HttpResponse:
    """`file_format` is "csv" or "xlsx"; `filename` without extension."""
    if file_format == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(filename[:31])
        sheet.append(_cells(header, text_for_xml))
        for row in rows:
            sheet.append(_cells(row, text_for_xml))
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(_cells(header, text_encodable))
        writer.writerows(_cells(row, text_encodable) for row in rows)
        response = HttpResponse(
            "\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def _cells(row: Sequence[object], clean: Callable[[str], str]) -> list[object]:
    """The row with its text made writable: a value stored before input was
    checked shows U+FFFD where a character cannot be written (openpyxl refuses
    control characters in XLSX, UTF-8 lone surrogates), never a 500."""
    return [clean(cell) if isinstance(cell, str) else cell for cell in row]
