"""Reading a Thai national ID card (smart card) through a PC/SC reader.

The card's identity applet answers READ BINARY-style commands at fixed offsets; the
layout below is the one the Department of Provincial Administration's card has
used since 2005 and that card-reader vendors document. Text is TIS-620 (Windows
code page 874), names are `title#first#middle#last`, dates are YYYYMMDD in the
Buddhist era, and a card for life has the expiry 99999999.

This module has no Django in it: the card agent (card_agent.py) runs it on the
officer's computer, where the reader is. `read_card` drives any `transmit`
function with pyscard's signature (APDU bytes in; data, SW1, SW2 out).
"""

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date

Transmit = Callable[[list[int]], tuple[list[int], int, int]]

SELECT_APPLET = [
    0x00,
    0xA4,
    0x04,
    0x00,
    0x08,
    0xA0,
    0x00,
    0x00,
    0x00,
    0x54,
    0x48,
    0x00,
    0x01,
]
BE_OFFSET = 543
LIFETIME = "99999999"


@dataclass(frozen=True)
class Record:
    """Where one item lies on the card: offset and length of a read."""

    offset: int
    length: int

    def command(self) -> list[int]:
        return [
            0x80,
            0xB0,
            self.offset >> 8,
            self.offset & 0xFF,
            0x02,
            0x00,
            self.length,
        ]


PERSONAL_ID = Record(0x0004, 13)
NAME_TH = Record(0x0011, 100)
NAME_EN = Record(0x0075, 100)
BIRTH_DATE = Record(0x00D9, 8)
ISSUE_DATE = Record(0x0167, 8)
EXPIRY_DATE = Record(0x016F, 8)


class CardError(Exception):
    """The card could not be read; `code` says why for the page."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        super().__init__(detail or code)


@dataclass(frozen=True)
class CardReading:
    personal_id: str
    title_th: str
    first_name: str
    last_name: str
    first_name_en: str
    last_name_en: str
    birth_date: date | None
    issue_date: date | None
    card_expiry: date | None
    card_for_life: bool

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        for name in ("birth_date", "issue_date", "card_expiry"):
            value = data[name]
            data[name] = value.isoformat() if value else None
        return data


def get_response_class(atr: Sequence[int]) -> int:
    """Cards whose answer-to-reset starts 3B 67 want GET RESPONSE with class
    byte 0x01 in P2; all others 0x00."""
    return 0x01 if list(atr[:2]) == [0x3B, 0x67] else 0x00


def read_card(transmit: Transmit, atr: Sequence[int]) -> CardReading:
    _, sw1, sw2 = transmit(SELECT_APPLET)
    if sw1 not in (0x61, 0x90):
        raise CardError("not_thai_id_card", f"SELECT answered {sw1:02X}{sw2:02X}")
    p2 = get_response_class(atr)

    def read(record: Record) -> bytes:
        _, sw1, sw2 = transmit(record.command())
        if sw1 != 0x61:
            raise CardError("read_failed", f"read answered {sw1:02X}{sw2:02X}")
        data, sw1, sw2 = transmit([0x00, 0xC0, 0x00, p2, record.length])
        if (sw1, sw2) != (0x90, 0x00):
            raise CardError("read_failed", f"GET RESPONSE answered {sw1:02X}{sw2:02X}")
        return bytes(data)

    title, first, last = split_name(text(read(NAME_TH)))
    _, first_en, last_en = split_name(text(read(NAME_EN)))
    expiry_raw = text(read(EXPIRY_DATE))
    return CardReading(
        personal_id=text(read(PERSONAL_ID)),
        title_th=title,
        first_name=first,
        last_name=last,
        first_name_en=first_en,
        last_name_en=last_en,
        birth_date=be_date(text(read(BIRTH_DATE))),
        issue_date=be_date(text(read(ISSUE_DATE))),
        card_expiry=None if expiry_raw == LIFETIME else be_date(expiry_raw),
        card_for_life=expiry_raw == LIFETIME,
    )


def text(raw: bytes) -> str:
    return raw.decode("cp874", errors="replace").replace("\x00", "").strip()


def split_name(value: str) -> tuple[str, str, str]:
    """`title#first#middle#last` as (title, first name, last name); a middle
    name, which Thai cards rarely carry, stays with the first name."""
    parts = [part.strip() for part in value.split("#")]
    parts += [""] * (4 - len(parts))
    title, first, middle, last = parts[:4]
    return title, " ".join(filter(None, [first, middle])), last


def be_date(value: str) -> date | None:
    """YYYYMMDD in the Buddhist era. People born on an unknown day or month have
    00 there; they are read as the 1st."""
    if len(value) != 8 or not value.isdigit():
        return None
    year, month, day = int(value[:4]) - BE_OFFSET, int(value[4:6]), int(value[6:])
    try:
        return date(year, month or 1, day or 1)
    except ValueError:
        return None
