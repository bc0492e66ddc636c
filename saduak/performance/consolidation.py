"""A province's consolidated report: its certified answers put together
field by field (pure; no database). `consolidate(form_definition, answers)`
takes the request's form definition (the stored JSON) and one item per
office, `{"office": code, "answers": {...}, "files": n}`, and gives per
field key:

- number and money: `{"kind": "sum", "total": ..., "answered": n}` (a
  number's total an int, money's a string with two decimals);
- a table: `{"kind": "table", "columns": [...], "rows": [...], "totals":
  {...}}`: number and money columns summed column by column; when the first
  column is text, rows with the same label are merged (summed), otherwise
  every row is kept with its office;
- choice, multiple choice and yes/no: `{"kind": "counts", "counts":
  {value: n}}` (every choice listed, 0 when nobody chose it);
- file fields: `{"kind": "files", "count": n}` (the offices' evidence files);
- every other field (text, long text, date, phone, ...): `{"kind":
  "texts", "items": [{"office": code, "text": ...}]}`.
Declarations are left out. Unanswered values count nowhere."""

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from saduak.forms_engine.definition import Field, form_from_definition

NUMERIC = frozenset({"number", "money"})
COUNTED = frozenset({"choice", "multichoice", "yesno"})
YES_NO = ("yes", "no")
CENT = Decimal("0.01")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _shown(kind: str, total: Decimal) -> int | str:
    if kind == "money":
        return str(total.quantize(CENT))
    if total == total.to_integral_value():
        return int(total)
    return str(total)


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return " ".join(str(part) for part in value.values() if part)
    if isinstance(value, list | tuple):
        return ", ".join(str(part) for part in value if part)
    return str(value)


def _sum(item: Field, items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    total = Decimal(0)
    answered = 0
    for entry in items:
        number = _decimal(_answers(entry).get(item.key))
        if number is not None:
            total += number
            answered += 1
    return {"kind": "sum", "total": _shown(item.type, total), "answered": answered}


def _choices_of(item: Field) -> tuple[str, ...]:
    return YES_NO if item.type == "yesno" else item.choice_values


def _counts(item: Field, items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    counts = {value: 0 for value in _choices_of(item)}
    for entry in items:
        value = _answers(entry).get(item.key)
        values = value if isinstance(value, list | tuple) else [value]
        for one in values:
            if one is None or one == "":
                continue
            counts[str(one)] = counts.get(str(one), 0) + 1
    return {"kind": "counts", "counts": counts}


def _table(item: Field, items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    columns = [column.key for column in item.columns]
    numeric = {
        column.key: column.type for column in item.columns if column.type in NUMERIC
    }
    labelled = bool(item.columns) and item.columns[0].type == "text"
    label_key = columns[0] if labelled else ""
    totals = {key: Decimal(0) for key in numeric}
    merged: dict[str, dict[str, Any]] = {}
    collected: list[dict[str, Any]] = []
    for entry in items:
        rows = _answers(entry).get(item.key)
        if not isinstance(rows, list | tuple):
            continue
        for row in rows:
            if not isinstance(row, Mapping):
                continue
            for key in numeric:
                number = _decimal(row.get(key))
                if number is not None:
                    totals[key] += number
            label = str(row.get(label_key) or "").strip() if labelled else ""
            if not label:
                collected.append(
                    {
                        "office": entry.get("office", ""),
                        **{k: row.get(k) for k in columns},
                    }
                )
                continue
            into = merged.setdefault(
                label,
                {
                    label_key: label,
                    **{key: Decimal(0) for key in numeric},
                    "offices": [],
                },
            )
            for key in numeric:
                number = _decimal(row.get(key))
                if number is not None:
                    into[key] += number
            for key in columns:
                if key == label_key or key in numeric:
                    continue
                value = row.get(key)
                if value not in (None, ""):
                    into.setdefault(key, [])
                    into[key].append(_text(value))
            into["offices"].append(entry.get("office", ""))
    rows_out = []
    for row in merged.values():
        shown = dict(row)
        for key, kind in numeric.items():
            shown[key] = _shown(kind, row[key])
        for key in columns:
            if isinstance(shown.get(key), list):
                shown[key] = "; ".join(shown[key])
        rows_out.append(shown)
    return {
        "kind": "table",
        "columns": columns,
        "merged": labelled,
        "rows": rows_out + collected,
        "totals": {key: _shown(kind, totals[key]) for key, kind in numeric.items()},
    }


def _texts(item: Field, items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    found = []
    for entry in items:
        value = _answers(entry).get(item.key)
        if value is None or value == "" or value == [] or value == {}:
            continue
        found.append({"office": entry.get("office", ""), "text": _text(value)})
    return {"kind": "texts", "items": found}


def _answers(entry: Mapping[str, Any]) -> Mapping[str, Any]:
    answers = entry.get("answers")
    return answers if isinstance(answers, Mapping) else {}


def consolidate(
    form_definition: Any, answers: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The consolidated report of `answers` (one item per office) under
    `form_definition`, field key by field key (see the module)."""
    form = form_from_definition(form_definition)
    result: dict[str, Any] = {}
    for item in form.fields:
        if item.type == "declaration":
            continue
        if item.type in NUMERIC:
            result[item.key] = _sum(item, answers)
        elif item.type in COUNTED:
            result[item.key] = _counts(item, answers)
        elif item.type == "table":
            result[item.key] = _table(item, answers)
        elif item.type == "file":
            result[item.key] = {
                "kind": "files",
                "count": sum(int(entry.get("files") or 0) for entry in answers),
            }
        else:
            result[item.key] = _texts(item, answers)
    return result
