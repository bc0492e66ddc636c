import io

from openpyxl import load_workbook

from saduak.core.exports import table_response


def test_a_stored_value_that_cannot_be_written_is_exported_replaced() -> None:
    rows: list[list[object]] = [["a\ud800b", 1], ["bell\x07", None]]

    csv = table_response(file_format="csv", filename="t", header=["x", "n"], rows=rows)
    xlsx = table_response(
        file_format="xlsx", filename="t", header=["x", "n"], rows=rows
    )

    assert csv.status_code == 200
    assert "a\ufffdb,1" in csv.content.decode("utf-8-sig")
    assert "bell\x07" in csv.content.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[2]] == ["a\ufffdb", 1]
    assert sheet["A3"].value == "bell\ufffd"
