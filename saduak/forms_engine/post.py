"""HTML form posts and the form engine's JSON shapes.

The inputs of a field are named after its key: `key` for one input (and for
the boxes of a multiple choice), `key__line`, `key__province`, ... for an
address, `key__bank` and `key__number` for a bank account, and
`key-<row>-<column>` for a table, with `key-rows` giving the number of rows on
the page. "Values" are the inputs' contents by name, as typed (text, or a list
of texts for a multiple choice), so that a page with an error shows again
exactly what was typed; `raw_from_post` turns them into the JSON shapes
`answers_clean` takes, and `post_from_answers` turns stored answers back into
values for the inputs."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.utils import translation

from saduak.core.thai import BE_OFFSET
from saduak.forms_engine.answers import ADDRESS_PARTS, BANK_PARTS
from saduak.forms_engine.dates import parse_date_text
from saduak.forms_engine.definition import MOST_ROWS, Field, Section

Values = dict[str, Any]
DECLARED = "yes"


def _fields(section: Section, fields: Iterable[Field] | None) -> list[Field]:
    chosen = section.page_fields if fields is None else fields
    return [item for item in chosen if item.type != "file"]


def rows_name(item: Field) -> str:
    return f"{item.key}-rows"


def cell_name(item: Field, row: int, column: Field) -> str:
    return f"{item.key}-{row}-{column.key}"


def part_name(item: Field, part: str) -> str:
    return f"{item.key}__{part}"


def row_count(item: Field, values: Mapping[str, Any]) -> int:
    """The number of rows of table `item` in the values (at most max_rows)."""
    raw = str(values.get(rows_name(item)) or "").strip()
    count = int(raw) if raw.isdigit() and len(raw) < 4 else 0
    return min(count, item.max_rows or MOST_ROWS)


def _get(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value if value is not None else "")


def _getlist(data: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    if getlist is not None:
        found = getlist(name)
    else:
        found = data.get(name) or []
        found = found if isinstance(found, list) else [found]
    return [str(value) for value in found if value not in (None, "")]


def values_from_post(
    section: Section, data: Mapping[str, Any], *, fields: Iterable[Field] | None = None
) -> Values:
    """The inputs of the section's fields as posted, by name. `fields` defaults
    to the page fields (everything but the declaration and files)."""
    values: Values = {}
    for item in _fields(section, fields):
        if item.type == "multichoice":
            values[item.key] = _getlist(data, item.key)
        elif item.type == "address":
            for part in ADDRESS_PARTS:
                values[part_name(item, part)] = _get(data, part_name(item, part))
        elif item.type == "bank_account":
            for part in BANK_PARTS:
                values[part_name(item, part)] = _get(data, part_name(item, part))
        elif item.type == "table":
            count = row_count(item, data)
            values[rows_name(item)] = str(count)
            for row in range(count):
                for column in item.columns:
                    name = cell_name(item, row, column)
                    values[name] = _get(data, name)
        else:
            values[item.key] = _get(data, item.key)
    return values


def _date_raw(text: str) -> str:
    day = parse_date_text(text) if text.strip() else None
    return day.isoformat() if day else text.strip()


def _is_values(data: Mapping[str, Any]) -> bool:
    return not hasattr(data, "getlist")


def raw_from_post(
    section: Section, data: Mapping[str, Any], *, fields: Iterable[Field] | None = None
) -> dict[str, Any]:
    """The JSON shapes of posted inputs (a QueryDict, or values from
    `values_from_post`): dates typed as dd/mm/yyyy (B.E. or C.E.) become ISO;
    one that cannot be read is passed on as typed, for `answers_clean` to
    explain. Every field of the page is present: an empty input clears it."""
    chosen = _fields(section, fields)
    values = (
        data if _is_values(data) else values_from_post(section, data, fields=chosen)
    )
    raw: dict[str, Any] = {}
    for item in chosen:
        if item.type == "multichoice":
            raw[item.key] = list(values.get(item.key) or [])
        elif item.type in ("address", "bank_account"):
            parts = ADDRESS_PARTS if item.type == "address" else BANK_PARTS
            raw[item.key] = {
                part: _get(values, part_name(item, part)) for part in parts
            }
        elif item.type == "table":
            raw[item.key] = [
                {
                    column.key: (
                        _date_raw(_get(values, cell_name(item, row, column)))
                        if column.type == "date"
                        else _get(values, cell_name(item, row, column))
                    )
                    for column in item.columns
                }
                for row in range(row_count(item, values))
            ]
        elif item.type == "declaration":
            raw[item.key] = (
                True if _get(values, item.key) in (DECLARED, "true", "on") else None
            )
        elif item.type == "date":
            raw[item.key] = _date_raw(_get(values, item.key))
        else:
            raw[item.key] = _get(values, item.key)
    return raw


def typed_date_text(value: str | date | None) -> str:
    """An ISO date as people type it: dd/mm/yyyy, the year B.E. in Thai and
    C.E. in English."""
    if not value:
        return ""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    english = (translation.get_language() or "th").startswith("en")
    year = day.year if english else day.year + BE_OFFSET
    return f"{day.day:02d}/{day.month:02d}/{year}"


def _typed(item: Field, value: Any) -> str:
    if value is None:
        return ""
    if item.type == "date":
        return typed_date_text(str(value))
    return str(value)


def post_from_answers(
    section: Section,
    answers: Mapping[str, Any],
    *,
    fields: Iterable[Field] | None = None,
) -> Values:
    """Stored answers as the values of the inputs that show them."""
    values: Values = {}
    for item in _fields(section, fields):
        value = answers.get(item.key)
        if item.type == "multichoice":
            values[item.key] = (
                [str(v) for v in value] if isinstance(value, list) else []
            )
        elif item.type in ("address", "bank_account"):
            parts = ADDRESS_PARTS if item.type == "address" else BANK_PARTS
            source = value if isinstance(value, Mapping) else {}
            for part in parts:
                values[part_name(item, part)] = str(source.get(part) or "")
        elif item.type == "table":
            rows = [row for row in value or [] if isinstance(row, Mapping)]
            values[rows_name(item)] = str(len(rows))
            for number, row in enumerate(rows):
                for column in item.columns:
                    values[cell_name(item, number, column)] = _typed(
                        column, row.get(column.key)
                    )
        elif item.type == "declaration":
            values[item.key] = DECLARED if value is True else ""
        else:
            values[item.key] = _typed(item, value)
    return values


def values_without_row(values: Values, item: Field, number: int) -> Values:
    """The values with row `number` of table `item` taken out and the rows
    after it moved up."""
    prefix = f"{item.key}-"
    count = row_count(item, values)
    if not 0 <= number < count:
        return dict(values)
    kept: Values = {}
    for name, value in values.items():
        if not name.startswith(prefix) or name == rows_name(item):
            kept[name] = value
            continue
        row, _sep, column = name[len(prefix) :].partition("-")
        if not row.isdigit() or int(row) < number:
            kept[name] = value
        elif int(row) > number:
            kept[f"{prefix}{int(row) - 1}-{column}"] = value
    kept[rows_name(item)] = str(count - 1)
    return kept


def values_with_rows(values: Values, item: Field, extra: int) -> Values:
    """The values with `extra` blank rows added to table `item` (within
    max_rows)."""
    count = row_count(item, values)
    wanted = min(count + extra, item.max_rows or MOST_ROWS)
    return {**values, rows_name(item): str(max(wanted, 0))}
