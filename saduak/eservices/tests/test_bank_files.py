import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from saduak.core.errors import InvalidInput
from saduak.eservices import bank_files
from saduak.eservices.bank_files import BankFileError, BankResult, Payer, Transfer
from saduak.eservices.bank_files_ktb import (
    LAYOUTS,
    RECORD_LENGTH,
    TRANSFER_DETAIL,
    Field,
    check_layout,
)

PAYER = Payer("006", "9876543210", "SADUAK01", "กรมการปกครอง")
THAI = Transfer("ACDEFHJK", "สมศรี ใจดี", "006", "1234567890", Decimal("3000.00"))
LONG = Transfer("ACDEFHJM", "John Smith", "014", "123456789012", Decimal("2500.50"))
PAY_ON = date(2026, 12, 1)
DOCS = Path(__file__).resolve().parents[3] / "docs" / "eservices-payments.md"


def transfer_file(*transfers: Transfer) -> bytes:
    return bank_files.transfer_file(
        batch_reference="PB261201-ACDE",
        pay_on=PAY_ON,
        payer=PAYER,
        transfers=list(transfers or (THAI, LONG)),
    )


def records(content: bytes) -> list[bytes]:
    assert content.endswith(b"\r\n")
    return content[:-2].split(b"\r\n")


def at(line: bytes, start: int, length: int) -> str:
    return line[start - 1 : start - 1 + length].decode("cp874")


def test_every_record_is_exactly_the_record_length_in_bytes():
    lines = records(transfer_file())
    assert [len(line) for line in lines] == [RECORD_LENGTH] * 4
    assert [line[:1] for line in lines] == [b"H", b"D", b"D", b"T"]


def test_the_header_names_the_payer_the_date_and_the_batch():
    header = records(transfer_file())[0]
    assert at(header, 2, 6) == "000001"
    assert at(header, 8, 3) == "006"
    assert at(header, 11, 12) == "009876543210"
    assert at(header, 23, 16) == "SADUAK01".ljust(16)
    assert at(header, 39, 100) == "กรมการปกครอง".ljust(100)
    assert at(header, 139, 8) == "01122026"  # DDMMYYYY, common era
    assert at(header, 147, 20) == "PB261201-ACDE".ljust(20)
    assert at(header, 167, 2) == "04"
    assert at(header, 169, 82) == " " * 82


def test_a_detail_pads_accounts_and_amounts_and_writes_the_thai_name_in_tis_620():
    detail = records(transfer_file())[1]
    assert at(detail, 8, 3) == "006"
    assert at(detail, 11, 12) == "001234567890"
    assert at(detail, 23, 15) == "000000000300000"  # satang, no decimal point
    assert at(detail, 38, 20) == "ACDEFHJK".ljust(20)
    assert detail[57:67] == "สมศรี ใจดี".encode("cp874")
    assert detail[57:67] == b"\xca\xc1\xc8\xc3\xd5 \xe3\xa8\xb4\xd5"
    assert at(detail, 58, 100) == "สมศรี ใจดี".ljust(100)
    assert at(detail, 158, 8) == "01122026"
    second = records(transfer_file())[2]
    assert at(second, 11, 12) == "123456789012"
    assert at(second, 23, 15) == "000000000250050"


def test_the_trailer_carries_the_count_and_the_total():
    trailer = records(transfer_file())[-1]
    assert at(trailer, 2, 6) == "000004"
    assert at(trailer, 23, 7) == "0000002"
    assert at(trailer, 30, 17) == "00000000000550050"


def test_a_long_name_is_cut_to_its_field_and_a_long_reference_is_refused():
    long_name = Transfer("ACDEFHJK", "ก" * 150, "006", "1234567890", Decimal(1))
    detail = records(transfer_file(long_name))[1]
    assert at(detail, 58, 100) == "ก" * 100
    with pytest.raises(ValueError, match="reference"):
        transfer_file(Transfer("R" * 21, "x", "006", "1234567890", Decimal(1)))


def test_a_name_outside_tis_620_is_refused_naming_the_payment():
    with pytest.raises(InvalidInput) as refused:
        transfer_file(Transfer("ACDEFHJK", "李小龍", "006", "1234567890", Decimal(1)))
    assert refused.value.code == "bank-file-character"
    assert "ACDEFHJK" in str(refused.value.message)


def test_fractions_of_a_satang_are_refused():
    with pytest.raises(ValueError):
        bank_files.satang(Decimal("1.005"))
    assert bank_files.satang(Decimal("1234.50")) == 123450


def test_the_csv_export_is_utf8_with_a_bom():
    content = bank_files.transfer_csv([THAI, LONG])
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines() == [
        "reference,name,bank,account,amount",
        "ACDEFHJK,สมศรี ใจดี,006,1234567890,3000.00",
        "ACDEFHJM,John Smith,014,123456789012,2500.50",
    ]


def test_a_transfer_file_round_trips_through_the_bank_result():
    sent = bank_files.transfers_from_file(transfer_file())
    assert [(item.reference, item.name, item.amount) for item in sent] == [
        ("ACDEFHJK", "สมศรี ใจดี", Decimal("3000.00")),
        ("ACDEFHJM", "John Smith", Decimal("2500.50")),
    ]
    content = bank_files.result_file_build(
        batch_reference="PB261201-ACDE",
        payer=PAYER,
        processed_on=PAY_ON,
        results=[
            BankResult(sent[0], bank_reference="KTB000123"),
            BankResult(sent[1], code="03", reason="ชื่อบัญชีไม่ตรง"),
        ],
    )
    assert all(len(line) == RECORD_LENGTH for line in records(content))
    parsed = bank_files.result_file_parse(content)
    assert parsed.batch_reference == "PB261201-ACDE"
    assert [
        (line.line, line.reference, line.paid, line.code, line.reason, line.amount)
        for line in parsed.lines
    ] == [
        (2, "ACDEFHJK", True, "00", "", Decimal("3000.00")),
        (3, "ACDEFHJM", False, "03", "ชื่อบัญชีไม่ตรง", Decimal("2500.50")),
    ]
    assert parsed.lines[0].bank_reference == "KTB000123"


def result_lines(*results: BankResult) -> list[str]:
    content = bank_files.result_file_build(
        batch_reference="PB261201-ACDE",
        payer=PAYER,
        processed_on=PAY_ON,
        results=list(results or (BankResult(THAI), BankResult(LONG))),
    )
    return content.decode("cp874").split("\r\n")[:-1]


def refused_line(lines: list[str]) -> tuple[int, str]:
    with translation.override("en"), pytest.raises(BankFileError) as refused:
        bank_files.result_file_parse("\r\n".join(lines).encode("cp874"))
    return refused.value.extra["line"], str(refused.value.message)


def test_a_record_of_the_wrong_length_is_refused_naming_its_line():
    lines = result_lines()
    lines[2] = lines[2][:-3]
    line, message = refused_line(lines)
    assert line == 3
    assert message.startswith("Line 3: the record has 247 characters, not 250.")
    assert message.endswith("Nothing was imported.")


def test_an_unknown_result_code_is_refused():
    lines = result_lines()
    lines[1] = lines[1][:57] + "42" + lines[1][59:]
    assert refused_line(lines)[0] == 2
    assert "“42”" in refused_line(lines)[1]


def test_a_trailer_that_does_not_add_up_is_refused():
    lines = result_lines()
    lines[-1] = lines[-1][:7] + "0000003" + lines[-1][14:]
    line, message = refused_line(lines)
    assert line == 4 and "counts 3" in message
    lines = result_lines()
    lines[-1] = lines[-1][:14] + "00000000000000001" + lines[-1][31:]
    line, message = refused_line(lines)
    assert line == 4 and "5,500.50" in message


def test_a_missing_trailer_and_records_out_of_order_are_refused():
    lines = result_lines()
    assert refused_line(lines[:-1])[0] == 3
    lines = result_lines()
    lines[1], lines[2] = lines[2], lines[1]
    assert refused_line(lines) == (
        2,
        "Line 2: the sequence number is out of order. Nothing was imported.",
    )


def test_a_reference_twice_is_refused_naming_both_lines():
    lines = result_lines(BankResult(THAI), BankResult(THAI))
    line, message = refused_line(lines)
    assert line == 3
    assert "already on line 2" in message


def test_a_csv_result_reads_words_codes_a_bom_and_an_optional_header():
    parsed = bank_files.result_file_parse(
        "\ufeffreference,status,reason,bank_reference,amount\r\n"
        'ACDEFHJK,paid,,B1,"3,000.00"\r\n'
        "\r\n"
        "ACDEFHJM,04,,,\r\n"
        "ACDEFHJN,FAILED,,,\r\n".encode()
    )
    assert parsed.batch_reference is None
    with translation.override("en"):
        assert [
            (line.line, line.paid, line.code, line.amount) for line in parsed.lines
        ] == [
            (2, True, "00", Decimal("3000.00")),
            (4, False, "04", None),
            (5, False, "99", None),
        ]
    headerless = bank_files.result_file_parse(b"ACDEFHJK,ok\n")
    assert headerless.lines[0].paid


def test_a_csv_result_in_tis_620_is_read():
    content = "ACDEFHJK,failed,บัญชีปิด,\r\n".encode("cp874")
    assert bank_files.result_file_parse(content).lines[0].reason == "บัญชีปิด"


def test_a_result_with_a_nul_character_is_refused_naming_the_line():
    content = b"ACDEFHJK,ok\r\nBCDEFHJK,failed,closed\x00,\r\n"
    with pytest.raises(BankFileError, match="2: .*U\\+0000"):
        bank_files.result_file_parse(content)


def test_an_empty_or_oversized_file_is_refused():
    with pytest.raises(BankFileError):
        bank_files.result_file_parse(b"\r\n \r\n")
    with pytest.raises(BankFileError):
        bank_files.result_file_parse(b"x" * (bank_files.MAX_RESULT_BYTES + 1))


def test_the_layout_tables_cover_every_position_once():
    for layout in LAYOUTS.values():
        check_layout(layout)
    broken = (*TRANSFER_DETAIL[:-1], Field("filler", 166, 84, "filler"))
    with pytest.raises(ValueError):
        check_layout(broken)


def test_the_documented_layout_is_the_one_in_the_code():
    """docs/eservices-payments.md prints every table; they must not drift."""
    rows = re.findall(
        r"^\| `(\w+)` \| (\d+) \| (\d+) \| (\d+) \| (\w+) \|",
        DOCS.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    documented = [(name, int(a), int(b), int(n), kind) for name, a, b, n, kind in rows]
    in_code = [
        (field.name, field.start, field.end, field.length, field.kind)
        for layout in LAYOUTS.values()
        for field in layout
    ]
    assert documented == in_code


def test_a_name_stored_with_a_lone_surrogate_is_exported_replaced_in_the_csv():
    broken = Transfer("ACDEFHJK", "สม\ud800ศรี", "006", "1234567890", Decimal(1))
    assert "สม\ufffdศรี" in bank_files.transfer_csv([broken]).decode("utf-8-sig")
