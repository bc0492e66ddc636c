"""The record layouts of the bulk-transfer file and of the bank's result file,
as declarative tables: adjusting the layout to the bank's current specification
is an edit here, nothing else.

The structure follows Krungthai Corporate Online's bulk "Direct Credit" upload
as publicly described (a header, one detail record per payee, a trailer with
the count and the total; fixed width; amounts in satang; dates DDMMYYYY in the
common era; TIS-620). It has not been checked against the bank's own current
specification, which must be done during onboarding (docs/eservices-payments.md).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Every record, in both files, has this many characters. TIS-620 (cp874) is a
# single-byte encoding, so characters and bytes count the same, Thai vowels and
# tone marks included.
RECORD_LENGTH = 250
LINE_END = b"\r\n"
ENCODING = "cp874"

# Kinds of field:
#   "text"     left-aligned, padded with spaces on the right; cut to the length
#   "key"      as "text", but never cut: a value that does not fit is an error
#   "number"   digits only, right-aligned, padded with zeros on the left
#   "amount"   an amount in satang (no decimal point), as "number"
#   "date"     DDMMYYYY in the common era
#   "constant" the field's `value`, as "text"
#   "filler"   spaces
KINDS = frozenset({"text", "key", "number", "amount", "date", "constant", "filler"})


@dataclass(frozen=True)
class Field:
    name: str
    start: int  # 1-based position of the first character
    length: int
    kind: str
    value: str = ""

    @property
    def end(self) -> int:
        """The 1-based position of the last character."""
        return self.start + self.length - 1


Layout = tuple[Field, ...]

# --- The transfer file we send (one per batch) -------------------------------

TRANSFER_HEADER: Layout = (
    Field("record_type", 1, 1, "constant", "H"),
    Field("sequence", 2, 6, "number"),
    Field("payer_bank_code", 8, 3, "number"),
    Field("payer_account", 11, 12, "number"),
    Field("company_id", 23, 16, "key"),
    Field("company_name", 39, 100, "text"),
    Field("effective_date", 139, 8, "date"),
    Field("batch_reference", 147, 20, "key"),
    Field("service_type", 167, 2, "constant", "04"),  # direct credit
    Field("filler", 169, 82, "filler"),
)

TRANSFER_DETAIL: Layout = (
    Field("record_type", 1, 1, "constant", "D"),
    Field("sequence", 2, 6, "number"),
    Field("receiving_bank_code", 8, 3, "number"),
    Field("receiving_account", 11, 12, "number"),
    Field("amount", 23, 15, "amount"),
    Field("reference", 38, 20, "key"),
    Field("receiver_name", 58, 100, "text"),
    Field("effective_date", 158, 8, "date"),
    Field("filler", 166, 85, "filler"),
)

TRANSFER_TRAILER: Layout = (
    Field("record_type", 1, 1, "constant", "T"),
    Field("sequence", 2, 6, "number"),
    Field("payer_bank_code", 8, 3, "number"),
    Field("payer_account", 11, 12, "number"),
    Field("total_count", 23, 7, "number"),
    Field("total_amount", 30, 17, "amount"),
    Field("filler", 47, 204, "filler"),
)

# --- The result file the bank sends back --------------------------------------

RESULT_HEADER: Layout = (
    Field("record_type", 1, 1, "constant", "H"),
    Field("sequence", 2, 6, "number"),
    Field("payer_bank_code", 8, 3, "number"),
    Field("payer_account", 11, 12, "number"),
    Field("batch_reference", 23, 20, "key"),
    Field("processed_date", 43, 8, "date"),
    Field("filler", 51, 200, "filler"),
)

RESULT_DETAIL: Layout = (
    Field("record_type", 1, 1, "constant", "D"),
    Field("sequence", 2, 6, "number"),
    Field("reference", 8, 20, "key"),
    Field("receiving_bank_code", 28, 3, "number"),
    Field("receiving_account", 31, 12, "number"),
    Field("amount", 43, 15, "amount"),
    Field("status_code", 58, 2, "number"),
    Field("reason", 60, 100, "text"),
    Field("bank_reference", 160, 20, "key"),
    Field("filler", 180, 71, "filler"),
)

RESULT_TRAILER: Layout = (
    Field("record_type", 1, 1, "constant", "T"),
    Field("sequence", 2, 6, "number"),
    Field("total_count", 8, 7, "number"),
    Field("total_amount", 15, 17, "amount"),
    Field("paid_count", 32, 7, "number"),
    Field("paid_amount", 39, 17, "amount"),
    Field("filler", 56, 195, "filler"),
)

LAYOUTS: dict[str, Layout] = {
    "transfer_header": TRANSFER_HEADER,
    "transfer_detail": TRANSFER_DETAIL,
    "transfer_trailer": TRANSFER_TRAILER,
    "result_header": RESULT_HEADER,
    "result_detail": RESULT_DETAIL,
    "result_trailer": RESULT_TRAILER,
}

# The bank's result codes. "00" is the only success; every other known code is
# a failure with this reason unless the bank's own text says more. A code not
# in this table makes the whole result file refused, so a new code from the
# bank is looked at by a person before anything is marked.
PAID_CODE = "00"
RESULT_CODES: dict[str, str | Promise] = {
    "00": _("Transferred"),
    "01": _("The account does not exist"),
    "02": _("The account is closed"),
    "03": _("The account name does not match"),
    "04": _("The account is frozen or dormant"),
    "05": _("The receiving bank code is not valid"),
    "06": _("The account cannot receive transfers"),
    "07": _("The amount is over the account's limit"),
    "99": _("Refused by the bank for another reason"),
}


def check_layout(layout: Layout) -> None:
    """Raises ValueError unless the fields cover positions 1..RECORD_LENGTH
    exactly once, in order, with known kinds."""
    position = 1
    for field in layout:
        if field.kind not in KINDS:
            raise ValueError(f"{field.name}: unknown kind {field.kind}")
        if field.start != position:
            raise ValueError(f"{field.name} starts at {field.start}, not {position}")
        if field.kind == "constant" and len(field.value) != field.length:
            raise ValueError(f"{field.name}: the constant does not fill the field")
        position = field.end + 1
    if position != RECORD_LENGTH + 1:
        raise ValueError(f"the record is {position - 1} long, not {RECORD_LENGTH}")


for _layout in LAYOUTS.values():
    check_layout(_layout)
