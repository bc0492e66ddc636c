"""The files exchanged with the bank: the bulk-transfer file a payment batch
exports (fixed width, laid out by the tables in `bank_files_ktb`, or CSV), and
the bank's result file that says which transfers went through.

Pure functions over bytes and small records; nothing here touches the
database. Matching a result file against a batch is the payment service's
work (`services/payments.py`). The layouts are described for people in
docs/eservices-payments.md.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput
from saduak.core.text import text_encodable, text_fault
from saduak.eservices.bank_files_ktb import (
    ENCODING,
    LINE_END,
    PAID_CODE,
    RECORD_LENGTH,
    RESULT_CODES,
    RESULT_DETAIL,
    RESULT_HEADER,
    RESULT_TRAILER,
    TRANSFER_DETAIL,
    TRANSFER_HEADER,
    TRANSFER_TRAILER,
    Field,
    Layout,
)

CSV_TRANSFER_HEADER = ("reference", "name", "bank", "account", "amount")
CSV_RESULT_HEADER = ("reference", "status", "reason", "bank_reference", "amount")
# A result file bigger than this is not a result of one batch.
MAX_RESULT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Payer:
    """The department's account that the transfers are paid from."""

    bank_code: str
    account: str
    company_id: str
    name: str


@dataclass(frozen=True)
class Transfer:
    """One line of a transfer file: who gets how much, under which reference."""

    reference: str
    name: str
    bank_code: str
    account_number: str
    amount: Decimal


@dataclass(frozen=True)
class ResultLine:
    """One line of the bank's result: `line` is its line number in the file."""

    line: int
    reference: str
    paid: bool
    code: str
    reason: str
    bank_reference: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class ResultFile:
    """A parsed result file. `batch_reference` is None for a CSV result, which
    carries none."""

    batch_reference: str | None
    lines: tuple[ResultLine, ...]


class BankFileError(InvalidInput):
    """A result file that cannot be read; `extra["line"]` is the line number
    (0 when it concerns the whole file)."""

    code = "bank-file-invalid"


def payer_from_settings() -> Payer:
    return Payer(
        bank_code=settings.ESERVICES_PAYER_BANK_CODE,
        account=settings.ESERVICES_PAYER_ACCOUNT,
        company_id=settings.ESERVICES_PAYER_COMPANY_ID,
        name=settings.ESERVICES_PAYER_NAME,
    )


def satang(amount: Decimal) -> int:
    """An amount in baht as whole satang; refuses fractions of a satang."""
    value = Decimal(amount) * 100
    if value != value.to_integral_value() or value < 0:
        raise ValueError(f"{amount} is not a whole number of satang")
    return int(value)


def baht(satang_value: int) -> Decimal:
    return (Decimal(satang_value) / 100).quantize(Decimal("0.01"))


def _format_field(field: Field, value: object) -> str:
    if field.kind == "filler":
        return " " * field.length
    if field.kind == "constant":
        return field.value
    if field.kind == "date":
        if not isinstance(value, date):
            raise ValueError(f"{field.name} needs a date")
        return f"{value.day:02d}{value.month:02d}{value.year:04d}"
    if field.kind in ("number", "amount"):
        number = satang(value) if field.kind == "amount" else value  # type: ignore[arg-type]
        text = str(number)
        if not text.isdigit() or not text.isascii() or len(text) > field.length:
            raise ValueError(f"{field.name}: {text!r} does not fit {field.length}")
        return text.rjust(field.length, "0")
    text = unicodedata.normalize("NFC", " ".join(str(value or "").split()))
    if len(text) > field.length:
        if field.kind == "key":
            raise ValueError(f"{field.name}: {text!r} is longer than {field.length}")
        text = text[: field.length].rstrip()
    return text.ljust(field.length)


def record(layout: Layout, values: Mapping[str, object]) -> str:
    """One fixed-width record from `values` by field name."""
    line = "".join(_format_field(field, values.get(field.name)) for field in layout)
    assert len(line) == RECORD_LENGTH  # the layout tables are checked at import
    return line


def _encode(line: str, *, what: str) -> bytes:
    try:
        return line.encode(ENCODING)
    except UnicodeEncodeError as error:
        raise InvalidInput(
            _(
                "%(what)s has a character the bank's file cannot carry "
                "(“%(character)s”). Correct the name and export again."
            )
            % {"what": what, "character": line[error.start : error.end]},
            code="bank-file-character",
        ) from error


def transfer_file(
    *,
    batch_reference: str,
    pay_on: date,
    payer: Payer,
    transfers: Sequence[Transfer],
) -> bytes:
    """The bulk direct-credit file: a header, one detail per transfer, a
    trailer with the count and the total; TIS-620, CRLF line ends. Raises
    InvalidInput when a name has a character TIS-620 does not have."""
    common = {
        "payer_bank_code": payer.bank_code,
        "payer_account": payer.account,
        "effective_date": pay_on,
    }
    lines = [
        _encode(
            record(
                TRANSFER_HEADER,
                {
                    **common,
                    "sequence": 1,
                    "company_id": payer.company_id,
                    "company_name": payer.name,
                    "batch_reference": batch_reference,
                },
            ),
            what=_("The payer's name"),
        )
    ]
    for position, transfer in enumerate(transfers, start=2):
        lines.append(
            _encode(
                record(
                    TRANSFER_DETAIL,
                    {
                        **common,
                        "sequence": position,
                        "receiving_bank_code": transfer.bank_code,
                        "receiving_account": transfer.account_number,
                        "amount": transfer.amount,
                        "reference": transfer.reference,
                        "receiver_name": transfer.name,
                    },
                ),
                what=_("The name on the payment %(reference)s")
                % {"reference": transfer.reference},
            )
        )
    lines.append(
        _encode(
            record(
                TRANSFER_TRAILER,
                {
                    **common,
                    "sequence": len(transfers) + 2,
                    "total_count": len(transfers),
                    "total_amount": sum(
                        (transfer.amount for transfer in transfers), Decimal(0)
                    ),
                },
            ),
            what=_("The trailer"),
        )
    )
    return b"".join(line + LINE_END for line in lines)


def transfer_csv(transfers: Iterable[Transfer]) -> bytes:
    """The same transfers as CSV (UTF-8 with a byte-order mark, so Excel in Thai
    opens it right): reference, name, bank, account, amount."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(CSV_TRANSFER_HEADER)
    for transfer in transfers:
        writer.writerow(
            [
                transfer.reference,
                transfer.name,
                transfer.bank_code,
                transfer.account_number,
                f"{transfer.amount:.2f}",
            ]
        )
    # A name stored before input was checked may hold a lone surrogate.
    return text_encodable("\ufeff" + text.getvalue()).encode("utf-8")


# --- The bank's result --------------------------------------------------------


def _error(line: int, message: str) -> BankFileError:
    if line:
        message = _("Line %(line)s: %(problem)s") % {"line": line, "problem": message}
    return BankFileError(
        message + " " + _("Nothing was imported."), extra={"line": line}
    )


def _fields(layout: Layout, text: str) -> dict[str, str]:
    return {
        field.name: text[field.start - 1 : field.end]
        for field in layout
        if field.kind != "filler"
    }


def _digits(value: str, line: int, label: str) -> int:
    value = value.strip()
    if not value.isdigit() or not value.isascii():
        raise _error(
            line,
            _("%(field)s is not a number (“%(value)s”).")
            % {"field": label, "value": value},
        )
    return int(value)


def _outcome(code: str, reason: str) -> tuple[bool, str]:
    """Whether paid, and the bank's own words when it gave any (the code's
    meaning is looked up when shown, in the reader's language)."""
    paid = code == PAID_CODE
    if paid:
        return True, ""
    return False, reason


def _unknown_code(line: int, code: str) -> BankFileError:
    return _error(
        line,
        _("the result code “%(code)s” is not one this system knows (known: %(known)s).")
        % {"code": code, "known": ", ".join(RESULT_CODES)},
    )


def _parse_fixed(lines: list[tuple[int, str]]) -> ResultFile:
    first, header = lines[0]
    last, trailer = lines[-1]
    for number, text in lines:
        if len(text) != RECORD_LENGTH:
            raise _error(
                number,
                _("the record has %(length)s characters, not %(expected)s.")
                % {"length": len(text), "expected": RECORD_LENGTH},
            )
    if header[0] != "H":
        raise _error(first, _("the file must start with a header record (H)."))
    if trailer[0] != "T" or len(lines) < 2:
        raise _error(last, _("the file must end with a trailer record (T)."))
    head = _fields(RESULT_HEADER, header)
    results: list[ResultLine] = []
    for position, (number, text) in enumerate(lines[1:-1], start=2):
        if text[0] != "D":
            raise _error(
                number,
                _("a detail record (D) was expected, not “%(type)s”.")
                % {"type": text[0]},
            )
        values = _fields(RESULT_DETAIL, text)
        if _digits(values["sequence"], number, _("The sequence number")) != position:
            raise _error(number, _("the sequence number is out of order."))
        code = values["status_code"].strip()
        if code not in RESULT_CODES:
            raise _unknown_code(number, code)
        paid, reason = _outcome(code, values["reason"].strip())
        results.append(
            ResultLine(
                line=number,
                reference=values["reference"].strip(),
                paid=paid,
                code=code,
                reason=reason,
                bank_reference=values["bank_reference"].strip(),
                amount=baht(_digits(values["amount"], number, _("The amount"))),
            )
        )
    tail = _fields(RESULT_TRAILER, trailer)
    count = _digits(tail["total_count"], last, _("The count"))
    total = baht(_digits(tail["total_amount"], last, _("The total")))
    if count != len(results):
        raise _error(
            last,
            _("the trailer counts %(count)s records but the file has %(found)s.")
            % {"count": count, "found": len(results)},
        )
    found_total = sum((item.amount or Decimal(0) for item in results), Decimal(0))
    if total != found_total:
        raise _error(
            last,
            _("the trailer's total %(total)s is not the sum of the records, %(sum)s.")
            % {"total": f"{total:,.2f}", "sum": f"{found_total:,.2f}"},
        )
    return ResultFile(head["batch_reference"].strip(), tuple(results))


PAID_WORDS = frozenset({"paid", "success", "successful", "ok"})
FAILED_WORDS = frozenset({"failed", "fail", "rejected", "error"})


def _parse_csv(lines: list[tuple[int, str]]) -> ResultFile:
    results: list[ResultLine] = []
    for number, text in lines:
        row = next(csv.reader([text]))
        cells = [cell.strip() for cell in row]
        if cells and cells[0].lower() == "reference":
            continue
        if len(cells) < 2 or len(cells) > len(CSV_RESULT_HEADER):
            raise _error(
                number,
                _(
                    "a result line has the columns reference, status, reason, "
                    "bank_reference and, optionally, amount."
                ),
            )
        cells += [""] * (len(CSV_RESULT_HEADER) - len(cells))
        reference, status, reason, bank_reference, amount_text = cells
        word = status.lower()
        if word in PAID_WORDS:
            code = PAID_CODE
        elif word in FAILED_WORDS:
            code = "99"
        elif status in RESULT_CODES:
            code = status
        else:
            raise _unknown_code(number, status)
        amount = None
        if amount_text:
            try:
                amount = Decimal(amount_text.replace(",", "")).quantize(Decimal("0.01"))
            except InvalidOperation:
                raise _error(
                    number,
                    _("%(field)s is not a number (“%(value)s”).")
                    % {"field": _("The amount"), "value": amount_text},
                ) from None
        paid, reason = _outcome(code, reason)
        results.append(
            ResultLine(
                line=number,
                reference=reference,
                paid=paid,
                code=code,
                reason=reason,
                bank_reference=bank_reference,
                amount=amount,
            )
        )
    return ResultFile(None, tuple(results))


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode(ENCODING, errors="replace")


def result_file_parse(content: bytes) -> ResultFile:
    """Reads the bank's result: the fixed-width layout (`RESULT_*` tables) or
    CSV (reference,status,reason,bank_reference[,amount]). Checks the file's
    own structure (record lengths, order, known result codes, the trailer's
    count and total, one line per reference); raises BankFileError naming the
    line at the first problem."""
    if len(content) > MAX_RESULT_BYTES:
        raise _error(0, _("The file is too big to be a bank's result."))
    try:
        text = _decode(content).replace("\x1a", "")
    except UnicodeDecodeError:
        raise _error(0, _("The file is not text.")) from None
    lines = [
        (number, line.rstrip("\r"))
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]
    if not lines:
        raise _error(0, _("The file is empty."))
    for number, line in lines:
        if reason := text_fault(line):  # a NUL byte: PostgreSQL cannot store it
            raise _error(number, reason)
    first = lines[0][1]
    if len(first) == RECORD_LENGTH and first.startswith("H"):
        parsed = _parse_fixed(lines)
    else:
        parsed = _parse_csv(lines)
    if not parsed.lines:
        raise _error(0, _("The file has no results."))
    seen: dict[str, int] = {}
    for item in parsed.lines:
        if not item.reference:
            raise _error(item.line, _("the reference is empty."))
        if item.reference in seen:
            raise _error(
                item.line,
                _("the reference %(reference)s is already on line %(other)s.")
                % {"reference": item.reference, "other": seen[item.reference]},
            )
        seen[item.reference] = item.line
    return parsed


@dataclass(frozen=True)
class BankResult:
    """What the bank says about one transfer, for building a result file (the
    demo and the tests stand in for the bank with it)."""

    transfer: Transfer
    code: str = PAID_CODE
    reason: str = ""
    bank_reference: str = ""


def result_file_build(
    *,
    batch_reference: str,
    payer: Payer,
    processed_on: date,
    results: Sequence[BankResult],
) -> bytes:
    """A result file in the fixed-width layout, as the bank would send it."""
    common = {"payer_bank_code": payer.bank_code, "payer_account": payer.account}
    lines = [
        record(
            RESULT_HEADER,
            {
                **common,
                "sequence": 1,
                "batch_reference": batch_reference,
                "processed_date": processed_on,
            },
        )
    ]
    for position, result in enumerate(results, start=2):
        lines.append(
            record(
                RESULT_DETAIL,
                {
                    "sequence": position,
                    "reference": result.transfer.reference,
                    "receiving_bank_code": result.transfer.bank_code,
                    "receiving_account": result.transfer.account_number,
                    "amount": result.transfer.amount,
                    "status_code": result.code,
                    "reason": result.reason,
                    "bank_reference": result.bank_reference,
                },
            )
        )
    paid = [item for item in results if item.code == PAID_CODE]
    lines.append(
        record(
            RESULT_TRAILER,
            {
                "sequence": len(results) + 2,
                "total_count": len(results),
                "total_amount": sum(
                    (item.transfer.amount for item in results), Decimal(0)
                ),
                "paid_count": len(paid),
                "paid_amount": sum((item.transfer.amount for item in paid), Decimal(0)),
            },
        )
    )
    return b"".join(line.encode(ENCODING) + LINE_END for line in lines)


def transfers_from_file(content: bytes) -> list[Transfer]:
    """Reads back a transfer file this module wrote (for checks and tests)."""
    text = content.decode(ENCODING)
    records = [line for line in text.split("\r\n") if line]
    transfers = []
    for line in records[1:-1]:
        values = _fields(TRANSFER_DETAIL, line)
        transfers.append(
            Transfer(
                reference=values["reference"].strip(),
                name=values["receiver_name"].strip(),
                bank_code=values["receiving_bank_code"],
                account_number=values["receiving_account"],
                amount=baht(int(values["amount"])),
            )
        )
    return transfers
