import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from saduak.core.errors import InvalidInput
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.performance import tables
from saduak.performance.tables import table_read

HEADER = "จังหวัด,ตัวตั้ง,ตัวหาร\n"
ROWS = 'เชียงใหม่,145,200\nกรุงเทพมหานคร,"1,200",๑๕๐๐\n'


def upload(content: bytes, name: str = "table.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def xlsx(rows: list[list[object]], sheets: int = 1) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for number in range(1, sheets):
        book.create_sheet(f"other {number}").append(["ignored"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refusal(content: bytes, name: str = "table.csv") -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        table_read(upload(content, name), field="file")
    assert caught.value.field == "file"
    return caught.value


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        ((HEADER + ROWS).encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + (HEADER + ROWS).encode("utf-8"), "utf-8-sig"),
        ((HEADER + ROWS).encode("cp874"), "cp874"),
        ((HEADER + ROWS).encode("tis-620"), "cp874"),
        ((HEADER + ROWS).encode("utf-16"), "utf-16"),
    ],
)
def test_a_thai_csv_is_read_in_each_encoding_offices_save_it_in(encoded, encoding):
    table = table_read(upload(encoded), field="file")
    assert (table.kind, table.encoding) == ("csv", encoding)
    assert table.rows == [
        (1, ["จังหวัด", "ตัวตั้ง", "ตัวหาร"]),
        (2, ["เชียงใหม่", "145", "200"]),
        (3, ["กรุงเทพมหานคร", "1,200", "๑๕๐๐"]),
    ]
    assert table.sha256 == hashlib.sha256(encoded).hexdigest()


def test_a_semicolon_or_tab_separated_file_is_read_too():
    for separator in (";", "\t"):
        text = f"จังหวัด{separator}ตัวตั้ง\nเชียงใหม่{separator}5\n"
        table = table_read(upload(text.encode()), field="file")
        assert table.rows[1] == (2, ["เชียงใหม่", "5"])


def test_empty_rows_are_left_out_but_row_numbers_stay_those_of_the_file():
    text = "จังหวัด,ตัวตั้ง\n\n,\nเชียงใหม่,5\n"
    table = table_read(upload(text.encode()), field="file")
    assert [number for number, _ in table.rows] == [1, 4]


def test_an_xlsx_is_read_from_its_first_sheet_with_numbers_as_typed():
    content = xlsx(
        [
            ["จังหวัด", "ตัวตั้ง", "ตัวหาร"],
            ["เชียงใหม่", 145, 0.3],
            [None, None, None],
            ["ภูเก็ต", 12.5, 1200],
        ],
        sheets=2,
    )
    table = table_read(upload(content, "table.xlsx"), field="file")
    assert (table.kind, table.sheet) == ("xlsx", "Sheet")
    assert table.rows == [
        (1, ["จังหวัด", "ตัวตั้ง", "ตัวหาร"]),
        (2, ["เชียงใหม่", "145", "0.3"]),
        (4, ["ภูเก็ต", "12.5", "1200"]),
    ]


def test_the_file_name_is_cleaned():
    table = table_read(upload(b"a,b\n", "../../ผลงาน\x07.csv"), field="file")
    assert table.file_name == "ผลงาน.csv"


def test_an_empty_file_is_refused():
    for content in (b"", b"  \n\n"):
        assert refusal(content).code == "file-empty"


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_BYTES", 10)
    error = refusal(b"a,b\n" * 10)
    assert error.code == "file-too-large"


def test_too_many_rows_are_refused_with_the_limit(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    error = refusal(b"a,b\n1,2\n3,4\n5,6\n")
    assert error.code == "too-many-rows"
    assert "3" in str(error.message)


def test_a_pdf_named_csv_is_refused_as_the_wrong_type():
    assert refusal(one_page_pdf(), "table.csv").code == "file-type"


def test_an_old_xls_is_refused_with_what_to_do():
    error = refusal(tables.OLE_MAGIC + b"\x00" * 600, "table.xls")
    assert error.code == "file-type"
    assert "XLSX" in str(error.message)


def test_a_zip_that_is_no_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(buffer.getvalue(), "table.xlsx").code == "file-type"


def test_a_zip_bomb_is_refused_from_the_directory_before_inflating(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (2 * 1024 * 1024))
    monkeypatch.setattr(tables, "MAX_UNPACKED_BYTES", 1024 * 1024)
    assert refusal(buffer.getvalue(), "table.xlsx").code == "file-too-large"


def test_a_broken_workbook_is_refused_as_unreadable():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not-closed")
    assert refusal(buffer.getvalue(), "table.xlsx").code == "file-unreadable"


def test_a_binary_file_is_refused():
    assert refusal(b"\x00\x01\x02binary\x00", "table.csv").code == "file-type"


def test_bytes_that_are_no_known_encoding_are_refused():
    # 0xFC-0xFF are undefined in Windows-874 and invalid alone in UTF-8.
    assert refusal(b"name,value\n\xfc\xfd,1\n").code == "file-encoding"
