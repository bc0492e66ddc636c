"""Reading a source file as rows of text (source_files.py)."""

import io

import pytest

from saduak.core.errors import InvalidInput
from saduak.social.choices import SourceKind
from saduak.social.layouts import LAYOUTS
from saduak.social.source_files import WrongLayout, file_scan, source_file_open

LAYOUT = LAYOUTS[SourceKind.FAMILY]
HEADER = (
    "personal_id;house_code;subdistrict_code;newborn;disabled;elderly;"
    "chronically_ill;monthly_income"
)


def opened(data: bytes):
    file = io.BytesIO(data)
    return source_file_open(file, LAYOUT, file_scan(file))


def test_the_encoding_is_read_from_the_bytes():
    assert file_scan(io.BytesIO("ก,1\n".encode())).encoding == "utf-8"
    assert file_scan(io.BytesIO("ก,1\n".encode("utf-8-sig"))).encoding == "utf-8-sig"
    assert file_scan(io.BytesIO("ก,1\n".encode("utf-16"))).encoding == "utf-16"
    assert file_scan(io.BytesIO("ก,1\n".encode("cp874"))).encoding == "cp874"
    with pytest.raises(InvalidInput):
        file_scan(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"))


def test_a_csv_gives_its_rows_with_line_numbers_skipping_blank_lines():
    source = opened(f"\n{HEADER}\n1;H;500101;0;0;0;0;5\n\n2;H2\n".encode())
    assert source.layout == "csv"
    assert source.targets[:3] == ["personal_id", "house_code", "subdistrict_code"]
    rows = list(source.rows)
    assert [row[0] for row in rows] == [3, 5]
    assert rows[1][3:5] == ("H2", "")  # a short row is padded


def test_a_file_without_the_columns_is_a_wrong_layout_naming_them():
    with pytest.raises(WrongLayout) as refused:
        opened(b"personal_id,house_code\n1,2\n")
    assert "ผู้สูงอายุ (elderly)" in refused.value.missing
