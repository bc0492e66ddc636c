"""Each source's file layout (docs/social.md, "Sources and imports"): the columns
a CSV or XLSX file has under its header row (Thai or English header), and the
same columns at fixed positions in a fixed-width text file, mapped to the
person's key fields, to facts.FACTS and to the source's extra columns (kept in
`StagedPerson.extra`).

The values a column accepts are said here once, as data (BOOLEAN_WORDS,
HOUSING_WORDS): sql.py turns them into the set-based checks and casts of the
import, so a file of millions of rows is checked in the database, never row
by row in Python."""

import re
import unicodedata
from dataclasses import dataclass

from saduak.social.choices import Housing, SourceKind
from saduak.social.facts import BOOLEAN, CHOICE, FACTS, INTEGER

# The kinds of value a column holds (a fact's own kind, or one of these).
TEXT = "text"
PERSONAL_ID = "personal_id"
SUBDISTRICT_CODE = "subdistrict_code"

# The key fields every row has (StagedPerson's own columns).
KEY_FIELDS = (
    "personal_id",
    "house_code",
    "full_name",
    "subdistrict_code",
    "subdistrict_name",
    "district_name",
)

# What a yes/no cell may say (compared trimmed and in lower case).
BOOLEAN_WORDS: dict[bool, tuple[str, ...]] = {
    True: ("1", "y", "yes", "true", "t", "ใช่", "มี", "เป็น", "x", "✓"),
    False: ("0", "n", "no", "false", "f", "ไม่ใช่", "ไม่มี", "ไม่เป็น", "-"),
}

# What a housing cell may say, per Housing value.
HOUSING_WORDS: dict[str, tuple[str, ...]] = {
    Housing.NONE: ("none", "no home", "ไม่มีบ้าน", "ไม่มีที่อยู่อาศัย", "ไม่มี"),
    Housing.DILAPIDATED: ("dilapidated", "ทรุดโทรม", "ชำรุด", "ไม่มั่นคง"),
    Housing.ADEQUATE: ("adequate", "มั่นคง", "แข็งแรง", "ดี", "เหมาะสม"),
}

MAX_INCOME = 99_999_999  # THB a month; more is a typing slip
MAX_TEXT = 200  # characters kept of a text cell (StagedPerson.full_name)
MAX_HOUSE_CODE = 20  # StagedPerson.house_code


@dataclass(frozen=True)
class Column:
    """One column of a layout. `target` is a key field, a fact's name, or an
    extra's key (stored in `extra`). `width` is its width in a fixed-width
    line (characters; TIS-620 has one byte per character)."""

    target: str
    header_th: str
    header_en: str
    width: int
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        if self.target == "personal_id":
            return PERSONAL_ID
        if self.target == "subdistrict_code":
            return SUBDISTRICT_CODE
        fact = FACTS.get(self.target)
        return fact.kind if fact is not None else TEXT

    @property
    def is_fact(self) -> bool:
        return self.target in FACTS

    @property
    def is_extra(self) -> bool:
        return self.target not in FACTS and self.target not in KEY_FIELDS

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header_th, self.header_en, *self.aliases)

    @property
    def label(self) -> str:
        """How a message names it: both headers."""
        return f"{self.header_th} ({self.header_en})"


@dataclass(frozen=True)
class Layout:
    """One source's layout: its columns in the order of the fixed-width line."""

    kind: str
    columns: tuple[Column, ...]

    @property
    def fixed_width(self) -> int:
        return sum(column.width for column in self.columns)

    def fixed_slices(self) -> list[tuple[int, int]]:
        """(start, end) of each column in a fixed-width line."""
        slices, start = [], 0
        for column in self.columns:
            slices.append((start, start + column.width))
            start += column.width
        return slices

    def column(self, target: str) -> Column | None:
        return next((c for c in self.columns if c.target == target), None)

    @property
    def facts(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.is_fact)

    @property
    def extras(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.is_extra)


def _key(
    *, code_width: int = 6, name: bool = True, fixed_name: int = 60
) -> tuple[Column, ...]:
    """The columns every source starts with: the person, the household, the
    subdistrict (its 6-digit code, or its name matched to the map, with the
    district's name to tell apart subdistricts of the same name)."""
    columns = [
        Column(
            "personal_id",
            "เลขประจำตัวประชาชน",
            "personal_id",
            13,
            required=True,
            aliases=("เลขบัตรประชาชน", "pid", "citizen_id", "national_id"),
        ),
        Column(
            "house_code",
            "รหัสบ้าน",
            "house_code",
            11,
            required=True,
            aliases=("รหัสประจำบ้าน", "household_id", "house_id"),
        ),
        Column(
            "full_name",
            "ชื่อ-สกุล",
            "full_name",
            fixed_name,
            aliases=("ชื่อ", "name"),
        ),
        Column(
            "subdistrict_code",
            "รหัสตำบล",
            "subdistrict_code",
            code_width,
            aliases=("รหัสแขวง", "tambon_code", "subdistrict_id"),
        ),
    ]
    if name:
        columns += [
            Column("subdistrict_name", "ตำบล", "subdistrict", 0, aliases=("แขวง",)),
            Column("district_name", "อำเภอ", "district", 0, aliases=("เขต",)),
        ]
    return tuple(columns)


def _fact(
    target: str, header_th: str, width: int, *aliases: str, required: bool = True
) -> Column:
    return Column(target, header_th, target, width, required=required, aliases=aliases)


LAYOUTS: dict[str, Layout] = {
    SourceKind.WELFARE_CARD: Layout(
        SourceKind.WELFARE_CARD,
        (
            *_key(),
            _fact("has_welfare_card", "ได้รับบัตร", 1, "ถือบัตร", "card_holder"),
            _fact("monthly_income", "รายได้ต่อเดือน", 9, "รายได้", "income"),
            Column("card_credit", "วงเงินต่อเดือน", "card_credit", 6),
        ),
    ),
    SourceKind.SOCIAL_MAP: Layout(
        SourceKind.SOCIAL_MAP,
        (
            *_key(),
            _fact("lacks_health", "มิติสุขภาพ", 1, "health"),
            _fact("lacks_living", "มิติความเป็นอยู่", 1, "living"),
            _fact("lacks_education", "มิติการศึกษา", 1, "education"),
            _fact("lacks_income", "มิติรายได้", 1, "income_dimension"),
            _fact("lacks_access", "มิติการเข้าถึงบริการรัฐ", 1, "access"),
            _fact("housing", "สภาพที่อยู่อาศัย", 12, "ที่อยู่อาศัย", required=False),
        ),
    ),
    SourceKind.BASIC_NEEDS: Layout(
        SourceKind.BASIC_NEEDS,
        (
            *_key(),
            _fact("monthly_income", "รายได้ต่อเดือน", 9, "รายได้", "income"),
            _fact("health_problem", "ปัญหาสุขภาพ", 1, "health"),
            _fact("newborn", "เด็กแรกเกิด", 1),
            _fact("disabled", "คนพิการ", 1, "ผู้พิการ", "disability"),
            _fact("elderly", "ผู้สูงอายุ", 1, "elder"),
            _fact("chronically_ill", "ผู้ป่วยเรื้อรัง", 1, "ป่วยเรื้อรัง", "sick"),
            _fact("housing", "สภาพที่อยู่อาศัย", 12, "ที่อยู่อาศัย"),
            _fact("welfare_access", "เข้าถึงสวัสดิการ", 1, "access_to_welfare"),
            Column("age", "อายุ", "age", 3),
        ),
    ),
    SourceKind.FAMILY: Layout(
        SourceKind.FAMILY,
        (
            *_key(),
            _fact("newborn", "เด็กแรกเกิด", 1),
            _fact("disabled", "คนพิการ", 1, "ผู้พิการ", "disability"),
            _fact("elderly", "ผู้สูงอายุ", 1, "elder"),
            _fact("chronically_ill", "ผู้ป่วยเรื้อรัง", 1, "ป่วยเรื้อรัง", "sick"),
            _fact("monthly_income", "รายได้ต่อเดือน", 9, "รายได้", "income"),
            Column("family_type", "ประเภทครอบครัว", "family_type", 20),
        ),
    ),
    SourceKind.CASE_SYSTEM: Layout(
        SourceKind.CASE_SYSTEM,
        (
            *_key(),
            _fact("health_problem", "ปัญหาสุขภาพ", 1, "health"),
            _fact("disabled", "คนพิการ", 1, "ผู้พิการ", "disability"),
            _fact("welfare_access", "เข้าถึงสวัสดิการ", 1, "access_to_welfare"),
            _fact("housing", "สภาพที่อยู่อาศัย", 12, "ที่อยู่อาศัย", required=False),
            Column("case_number", "เลขที่กรณี", "case_number", 20),
        ),
    ),
}


def layout_of(kind: str) -> Layout:
    return LAYOUTS[kind]


def fixed_columns(layout: Layout) -> tuple[Column, ...]:
    """The columns of a fixed-width line (the subdistrict by its code only:
    names have no fixed width)."""
    return tuple(column for column in layout.columns if column.width > 0)


_SPACES = re.compile(r"[\s_\-]+")


def header_key(text: str) -> str:
    """A header cell in the form headers are compared in: NFC, no BOM, lower
    case, spaces, dashes and underscores removed."""
    text = unicodedata.normalize("NFC", str(text or "")).replace("\ufeff", "")
    return _SPACES.sub("", text.strip().lower())


def header_targets(layout: Layout) -> dict[str, str]:
    """{header key: target} of every header a layout's columns answer to."""
    return {
        header_key(header): column.target
        for column in layout.columns
        for header in column.headers
    }


def headers_match(
    layout: Layout, header: list[str]
) -> tuple[dict[str, int], list[Column]]:
    """Which position of the header row holds each target (the first, when a
    header is repeated), and the required columns missing. A file needs the
    subdistrict's code or its name."""
    targets = header_targets(layout)
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        target = targets.get(header_key(cell))
        if target is not None and target not in positions:
            positions[target] = index
    missing = [
        column
        for column in layout.columns
        if column.required and column.target not in positions
    ]
    if "subdistrict_code" not in positions and "subdistrict_name" not in positions:
        code = layout.column("subdistrict_code")
        assert code is not None
        missing.append(code)
    return positions, missing


def example_value(column: Column) -> str:
    """What a cell of the column looks like (the layout table of the docs and
    the upload page)."""
    if column.kind == PERSONAL_ID:
        return "3100600445635"
    if column.kind == SUBDISTRICT_CODE:
        return "500101"
    if column.kind == BOOLEAN:
        return "ใช่ / ไม่ใช่ / Y / N / 1 / 0"
    if column.kind == INTEGER:
        return "2500"
    if column.kind == CHOICE:
        return " / ".join(words[0] for words in HOUSING_WORDS.values())
    return ""
