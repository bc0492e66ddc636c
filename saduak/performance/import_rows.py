"""From a table's rows of text to a breakdown import's rows: which columns
hold what (found from the header row), the figures read as numbers, each
unit's name matched to the map (areas/name_match.py), and what is wrong with
each row, kept as plain JSON (`BreakdownImport.rows`) so the preview can show
every row with its status and the confirmation can apply them.

A row is one dict: `line` (its row number in the file), `name`, `province`,
`code` (as written), `numerator`/`denominator` (as written) and
`numerator_value`/`denominator_value` (decimal text, or None), `match`
(NameMatch.as_dict()), `problems` (a list of {"code": ..., "line": ...}) and
`status`: exact, likely, ambiguous, unknown (the match's), bad (a problem with
its figures or its unit) or total (a total row, not imported; its figures
must equal the rows' sums)."""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from saduak.areas.name_match import MapMatcher, MatchStatus, name_key
from saduak.core.errors import InvalidInput
from saduak.core.text import text_fault
from saduak.core.thai import arabic_digits
from saduak.performance.choices import BreakdownLevel, UnitLevel
from saduak.performance.models import Framework, Kpi
from saduak.performance.tables import Table

HEADER_SEARCH_ROWS = 10
MAX_FIGURE = Decimal(10) ** 14
FOUR_PLACES = Decimal("0.0001")

# Header names (in name_key form) for each column, Thai and English.
PROVINCE_HEADERS = {"จังหวัด", "province", "ชื่อจังหวัด", "provincename"}
DISTRICT_HEADERS = {
    "อำเภอ",
    "เขต",
    "อำเภอเขต",
    "ชื่ออำเภอ",
    "district",
    "districtname",
    "amphoe",
    "khet",
}
OFFICE_HEADERS = {"สำนักงาน", "หน่วยงาน", "office", "officename"}
FACILITY_HEADERS = {
    "สถานบริการ",
    "หน่วยบริการ",
    "สถานที่",
    "facility",
    "facilityname",
}
NAME_HEADERS = {"ชื่อ", "name", "หน่วย", "unit", "ชื่อหน่วยงาน"}
CODE_HEADERS = {
    "รหัส",
    "code",
    "geocode",
    "dopacode",
    "รหัสจังหวัด",
    "รหัสอำเภอ",
    "รหัสสำนักงาน",
    "provincecode",
    "districtcode",
    "officecode",
}
NUMERATOR_HEADERS = {
    "ตัวตั้ง",
    "เศษ",
    "ผลงาน",
    "ผลการดำเนินงาน",
    "numerator",
    "value",
    "ค่า",
    "จำนวน",
}
DENOMINATOR_HEADERS = {"ตัวหาร", "ส่วน", "denominator"}
TOTAL_NAMES = {
    "รวม",
    "รวมทั้งหมด",
    "รวมทั้งสิ้น",
    "ทั้งหมด",
    "รวมทั้งประเทศ",
    "ทั้งประเทศ",
    "total",
    "grandtotal",
    "sum",
}
_HEADER_MARKS = re.compile(r"[\s.,:;*'’()\[\]/\\_\-–—ฯ\ufeff\u200b]")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def header_key(text: str) -> str:
    """A header cell in the form headers are compared in: lower case,
    without spaces or punctuation (the level's word is the header itself,
    so it is kept)."""
    text = unicodedata.normalize("NFC", str(text or "")).lower()
    return _HEADER_MARKS.sub("", text)


@dataclass(frozen=True)
class Columns:
    """Where each kind of cell is (column positions; None when absent)."""

    header_line: int
    name: int | None
    province: int | None
    district: int | None
    code: int | None
    numerator: int
    denominator: int | None


LEVEL_HEADERS: dict[str, set[str]] = {
    BreakdownLevel.PROVINCE: PROVINCE_HEADERS,
    BreakdownLevel.DISTRICT: DISTRICT_HEADERS,
    BreakdownLevel.OFFICE: OFFICE_HEADERS,
    BreakdownLevel.FACILITY: FACILITY_HEADERS,
}
LEVEL_HEADER_EXAMPLES: dict[str, str] = {
    BreakdownLevel.PROVINCE: "จังหวัด / province",
    BreakdownLevel.DISTRICT: "อำเภอ / district",
    BreakdownLevel.OFFICE: "สำนักงาน / office",
    BreakdownLevel.FACILITY: "สถานบริการ / facility",
}


def _name_headers(level: str) -> set[str]:
    return LEVEL_HEADERS[level] | NAME_HEADERS


def _find(keys: list[str], wanted: set[str]) -> int | None:
    return next((index for index, key in enumerate(keys) if key in wanted), None)


def columns_find(table: Table, kpi: Kpi) -> Columns:
    """The header row (the first of the first rows naming a unit column and
    the numerator) and its columns; InvalidInput on "file" naming the headers
    wanted when there is none, or when the KPI needs a denominator column."""
    level = kpi.breakdown_level
    numerators = NUMERATOR_HEADERS | {
        header_key(kpi.numerator_label_th),
        header_key(kpi.numerator_label_en),
    } - {""}
    denominators = DENOMINATOR_HEADERS | {
        header_key(kpi.denominator_label_th),
        header_key(kpi.denominator_label_en),
    } - {""}
    for line, cells in table.rows[:HEADER_SEARCH_ROWS]:
        keys = [header_key(cell) for cell in cells]
        name = _find(keys, _name_headers(level))
        code = _find(keys, CODE_HEADERS)
        numerator = _find(keys, numerators)
        if numerator is None or (name is None and code is None):
            continue
        denominator = _find(keys, denominators)
        if denominator is None and (
            kpi.denominator_label_th or kpi.denominator_label_en
        ):
            raise InvalidInput(
                _(
                    "The file has no denominator column. This KPI needs one: add"
                    ' a column headed "ตัวหาร" (or "denominator").'
                ),
                code="missing-columns",
                field="file",
            )
        return Columns(
            header_line=line,
            name=name,
            province=(
                _find(keys, PROVINCE_HEADERS)
                if level != BreakdownLevel.PROVINCE
                else None
            ),
            district=(
                _find(keys, DISTRICT_HEADERS)
                if level == BreakdownLevel.FACILITY
                else None
            ),
            code=code,
            numerator=numerator,
            denominator=denominator,
        )
    raise InvalidInput(
        _(
            "The file needs a header row naming the unit's column (%(unit)s, or"
            " รหัส for its code) and the numerator's (ตัวตั้ง or numerator),"
            " and the denominator's (ตัวหาร or denominator) when the KPI has"
            " one. No such row was found in the first %(rows)s rows."
        )
        % {"unit": level_header_example(level), "rows": HEADER_SEARCH_ROWS},
        code="missing-columns",
        field="file",
    )


def level_header_example(level: str) -> str:
    return LEVEL_HEADER_EXAMPLES[level]


def figure_read(text: str) -> tuple[Decimal | None, str]:
    """A figure as written: Thai digits, spaces and thousands commas
    ("1,234.5") are fine. Returns (the number, "") or (None, a problem code:
    "missing", "not-a-number", "negative", "decimals", "too-large")."""
    written = "".join(arabic_digits(text or "").split()).replace("\u00a0", "")
    if not written:
        return None, "missing"
    if "," in written:
        if not _THOUSANDS.match(written):
            return None, "not-a-number"
        written = written.replace(",", "")
    try:
        number = Decimal(written)
    except InvalidOperation:
        return None, "not-a-number"
    if not number.is_finite():
        return None, "not-a-number"
    if number < 0:
        return None, "negative"
    if abs(number) >= MAX_FIGURE:
        return None, "too-large"
    if number != number.quantize(FOUR_PLACES):
        return None, "decimals"
    return number, ""


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


class RowReader:
    """Turns a table's data rows into import rows for one KPI's breakdown in
    one framework: matching names within the framework's unit."""

    def __init__(self, kpi: Kpi, framework: Framework) -> None:
        self.kpi = kpi
        self.framework = framework
        self.level = kpi.breakdown_level
        match_level = (
            BreakdownLevel.DISTRICT
            if self.level == BreakdownLevel.FACILITY
            else self.level
        )
        self.matcher = MapMatcher(match_level)

    def rows(self, table: Table, columns: Columns) -> list[dict[str, Any]]:
        rows = [
            self._row(line, cells, columns)
            for line, cells in table.rows
            if line > columns.header_line
        ]
        _mark_duplicates(rows, by_label=self.level == BreakdownLevel.FACILITY)
        _check_totals(rows)
        for row in rows:
            row["status"] = _status(row)
        return rows

    def _row(self, line: int, cells: list[str], columns: Columns) -> dict[str, Any]:
        name = _cell(cells, columns.name)
        row: dict[str, Any] = {
            "line": line,
            "name": name,
            "province": _cell(cells, columns.province),
            "district": _cell(cells, columns.district),
            "code": _cell(cells, columns.code),
            "numerator": _cell(cells, columns.numerator),
            "denominator": _cell(cells, columns.denominator),
            "problems": [],
            "total": name_key(name) in TOTAL_NAMES,
        }
        problems: list[dict[str, Any]] = row["problems"]
        if any(text_fault(cell) for cell in cells):
            problems.append({"code": "text"})
        numerator, numerator_problem = figure_read(row["numerator"])
        if numerator_problem:
            problems.append({"code": f"numerator-{numerator_problem}"})
        denominator: Decimal | None = None
        if columns.denominator is not None:
            denominator, denominator_problem = figure_read(row["denominator"])
            if denominator_problem:
                problems.append({"code": f"denominator-{denominator_problem}"})
            elif denominator == 0 and numerator:
                problems.append({"code": "denominator-zero"})
        row["numerator_value"] = str(numerator) if numerator is not None else None
        row["denominator_value"] = str(denominator) if denominator is not None else None
        if row["total"]:
            row["match"] = None
        else:
            row["match"] = self._match(row)
            self._check_inside(row)
        return row

    def _match(self, row: dict[str, Any]) -> dict[str, Any]:
        province = row["province"]
        if not province and self.framework.unit_level != UnitLevel.COUNTRY:
            province = self.framework.province_id or ""
        if self.level == BreakdownLevel.FACILITY:
            if not row["name"].strip():
                return {
                    "status": "unknown",
                    "reason": "no-name",
                    "code": "",
                    "candidates": [],
                }
            if not (row["district"] or row["code"]):
                return self._facility_without_district()
            return self.matcher.match(
                name=row["district"], code=row["code"], province=province
            ).as_dict()
        return self.matcher.match(
            name=row["name"], code=row["code"], province=province
        ).as_dict()

    def _facility_without_district(self) -> dict[str, Any]:
        """A facility named without its district: in a district's framework
        it is the district's; elsewhere the district must be given."""
        if self.framework.unit_level == UnitLevel.DISTRICT:
            return {
                "status": "exact",
                "reason": "unit",
                "code": self.framework.district_id,
                "candidates": [],
            }
        if self.framework.unit_level == UnitLevel.COUNTRY:
            return {"status": "exact", "reason": "unit", "code": "", "candidates": []}
        return {
            "status": "unknown",
            "reason": "no-district",
            "code": "",
            "candidates": [],
        }

    def _inside(self, code: str) -> bool:
        """Whether a matched unit lies inside the framework's unit (a
        province's code starts its districts' codes; an office carries both)."""
        framework = self.framework
        if framework.unit_level == UnitLevel.COUNTRY or not code:
            return True
        place = self.matcher.index.by_code.get(code.lower())
        if place is None:
            return False
        if framework.unit_level == UnitLevel.PROVINCE:
            return place.province_code == framework.province_id
        return place.district_code == framework.district_id

    def _check_inside(self, row: dict[str, Any]) -> None:
        match = row["match"]
        if match["status"] == MatchStatus.EXACT:
            if not self._inside(match["code"]):
                row["problems"].append({"code": "outside"})
            return
        inside = [c for c in match["candidates"] if self._inside(c["code"])]
        if match["candidates"] and not inside:
            row["problems"].append({"code": "outside"})
        elif len(inside) < len(match["candidates"]):
            match["candidates"] = inside
            if match["status"] == MatchStatus.AMBIGUOUS and len(inside) == 1:
                match.update(status="exact", code=inside[0]["code"], reason="unit")


def _mark_duplicates(rows: list[dict[str, Any]], *, by_label: bool) -> None:
    """A unit met again is a problem on the later row, naming the first's
    line (a facility is the same when its name and district are)."""
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        match = row["match"]
        if not match or match["status"] != MatchStatus.EXACT:
            continue
        key = (match["code"], name_key(row["name"]) if by_label else "")
        if key in first:
            row["problems"].append({"code": "duplicate", "line": first[key]})
        else:
            first[key] = row["line"]


def _check_totals(rows: list[dict[str, Any]]) -> None:
    """A total row's figures must equal the other rows' sums: else rows are
    missing from the file (or the total is wrong)."""
    data = [row for row in rows if not row["total"]]
    for total in (row for row in rows if row["total"]):
        for column in ("numerator_value", "denominator_value"):
            given = total[column]
            if given is None:
                continue
            summed = sum(
                (Decimal(row[column]) for row in data if row[column] is not None),
                Decimal(0),
            )
            if Decimal(given) != summed:
                total["problems"].append(
                    {"code": f"total-{column.split('_')[0]}", "sum": str(summed)}
                )


def _status(row: dict[str, Any]) -> str:
    if row["problems"]:
        return "bad"
    if row["total"]:
        return "total"
    return str(row["match"]["status"])
