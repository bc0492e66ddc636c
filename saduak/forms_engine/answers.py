"""Answers: cleaning what people or partners send into the JSON shapes stored
in `Application.answers`, and checking that an application is complete.

Values are JSON-shaped: text → str, number → int, money → "1234.50", date →
ISO "2026-01-31", multichoice → [str], yesno → "yes"/"no", address → {line,
province, district, subdistrict, postal_code}, bank_account → {bank, number},
table → [{column: value}], declaration → true. A cleared value is None. Files
are not answers: they are Attachment rows under the field's key."""

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from saduak.areas.models import District, Province, Subdistrict
from saduak.core.personal_id import clean_personal_id
from saduak.core.thai import arabic_digits
from saduak.forms_engine.banks import BANKS
from saduak.forms_engine.dates import parse_date_text
from saduak.forms_engine.definition import (
    MOST_MONEY,
    YES_NO,
    Field,
    FormDefinition,
)

ADDRESS_PARTS = ("line", "province", "district", "subdistrict", "postal_code")
BANK_PARTS = ("bank", "number")
MOST_ADDRESS_LINE = 300
_MONEY = re.compile(r"^\d+(\.\d*)?$|^\.\d+$")
MOBILE = re.compile(r"^0[689]\d{8}$")
LANDLINE = re.compile(r"^0[2-7]\d{7}$")
TRUE_WORDS = ("true", "on", "yes", "1")


Errors = dict[str, list[str]]


class Problem(Exception):
    """One value is wrong; the message says how to put it right."""


def is_empty(value: Any) -> bool:
    """Nothing given: None, blank text, an empty list, or a mapping or list of
    nothing but empties (an address with no part, a table of blank rows)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        return all(is_empty(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(is_empty(item) for item in value)
    return False


def _text_of(raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise Problem(_("Enter a text."))
    return str(raw)


def typed_date(text: str) -> date | None:
    """A date typed as dd/mm/yyyy (a B.E. year when from 2400, else C.E.; Thai
    digits welcome) or as ISO yyyy-mm-dd; None when it is not a real date."""
    return parse_date_text(text)


def _clean_text(item: Field, raw: Any) -> str:
    text = _text_of(raw).replace("\r\n", "\n").strip()
    if item.type != "textarea":
        text = " ".join(text.split())
    if item.max_length and len(text) > item.max_length:
        raise Problem(
            _("Use at most %(most)s characters; this has %(count)s.")
            % {"most": item.max_length, "count": len(text)}
        )
    return text


def _within(item: Field, value: Decimal) -> None:
    if item.min is not None and value < item.min:
        raise Problem(
            _("Enter at least %(least)s.") % {"least": shown_number(item, item.min)}
        )
    if item.max is not None and value > item.max:
        raise Problem(
            _("Enter at most %(most)s.") % {"most": shown_number(item, item.max)}
        )


def shown_number(item: Field, value: Decimal) -> str:
    if item.type == "money":
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _clean_number(item: Field, raw: Any) -> int:
    if isinstance(raw, bool):
        raise Problem(_("Enter a whole number."))
    text = arabic_digits(_text_of(raw)).strip().replace(",", "").replace(" ", "")
    if not re.fullmatch(r"-?\d{1,13}", text):
        raise Problem(_("Enter a whole number, in digits only."))
    value = int(text)
    _within(item, Decimal(value))
    return value


def _clean_money(item: Field, raw: Any) -> str:
    if isinstance(raw, bool):
        raise Problem(_("Enter an amount in baht, such as 1500 or 1500.50."))
    text = arabic_digits(_text_of(raw)).strip()
    for noise in (",", " ", "บาท", "฿", "THB"):
        text = text.replace(noise, "")
    if text.startswith("-"):
        raise Problem(_("An amount cannot be below zero."))
    if not _MONEY.match(text):
        raise Problem(_("Enter an amount in baht, such as 1500 or 1500.50."))
    _whole, _dot, decimals = text.partition(".")
    if len(decimals) > 2:
        raise Problem(_("An amount has at most 2 decimals (satang)."))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Problem(_("Enter an amount in baht, such as 1500 or 1500.50.")) from None
    if value > MOST_MONEY:
        raise Problem(_("This amount is too large."))
    _within(item, value)
    return f"{value:.2f}"


def _clean_date(item: Field, raw: Any) -> str:
    day = typed_date(_text_of(raw))
    if day is None:
        raise Problem(_("Enter a real date as day/month/year, such as 31/01/2569."))
    return day.isoformat()


def _clean_choice(item: Field, raw: Any) -> str:
    value = _text_of(raw).strip()
    if value not in item.choice_values:
        raise Problem(_("Choose one of the options."))
    return value


def _clean_multichoice(item: Field, raw: Any) -> list[str]:
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list | tuple):
        raise Problem(_("Choose from the options."))
    chosen = {str(value).strip() for value in values if value not in (None, "")}
    if not chosen <= set(item.choice_values):
        raise Problem(_("Choose from the options."))
    return [value for value in item.choice_values if value in chosen]


def _clean_yesno(item: Field, raw: Any) -> str:
    if raw is True:
        return "yes"
    if raw is False:
        return "no"
    value = _text_of(raw).strip().lower()
    if value not in YES_NO:
        raise Problem(_("Choose yes or no."))
    return value


def _clean_personal_id(item: Field, raw: Any) -> str:
    try:
        return clean_personal_id(_text_of(raw))
    except ValidationError as error:
        raise Problem(" ".join(str(message) for message in error.messages)) from None


def digits_of(raw: str) -> str:
    text = arabic_digits(raw).strip()
    for noise in ("-", " ", ".", "(", ")"):
        text = text.replace(noise, "")
    return text


def _clean_phone(item: Field, raw: Any) -> str:
    text = digits_of(_text_of(raw))
    if text.startswith("+66"):
        text = "0" + text[3:]
    elif text.startswith("66") and len(text) in (10, 11):
        text = "0" + text[2:]
    if not (MOBILE.match(text) or LANDLINE.match(text)):
        raise Problem(
            _(
                "Enter a Thai phone number: a mobile has 10 digits starting with "
                "06, 08 or 09, a landline 9 digits starting with 0."
            )
        )
    return text


def _clean_email(item: Field, raw: Any) -> str:
    text = _text_of(raw).strip()
    try:
        validate_email(text)
    except ValidationError:
        raise Problem(_("Enter an e-mail address such as name@example.com.")) from None
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def _part(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise Problem(_("The address is not valid."))
    return arabic_digits(str(value)).strip()


def _clean_address(item: Field, raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise Problem(_("The address is not valid."))
    line = " ".join(_part(raw, "line").split())
    if len(line) > MOST_ADDRESS_LINE:
        raise Problem(
            _("Use at most %(most)s characters for the house number and street.")
            % {"most": MOST_ADDRESS_LINE}
        )
    province_code = _part(raw, "province")
    district_code = _part(raw, "district")
    subdistrict_code = _part(raw, "subdistrict")
    postal_code = _part(raw, "postal_code")
    if (
        province_code
        and not Province.objects.filter(code=province_code, is_active=True).exists()
    ):
        raise Problem(_("Choose the province from the list."))
    if district_code:
        district = District.objects.filter(code=district_code, is_active=True).first()
        if district is None or district.province_id != province_code:
            raise Problem(_("Choose a district of the province you chose."))
    subdistrict = None
    if subdistrict_code:
        subdistrict = Subdistrict.objects.filter(
            code=subdistrict_code, is_active=True
        ).first()
        if subdistrict is None or subdistrict.district_id != district_code:
            raise Problem(_("Choose a subdistrict of the district you chose."))
    if postal_code and not re.fullmatch(r"\d{5}", postal_code):
        raise Problem(_("A postal code has 5 digits."))
    if subdistrict is not None:
        known = subdistrict.postal_codes.split()
        if not postal_code and len(known) == 1:
            postal_code = known[0]
        elif postal_code and known and postal_code not in known:
            raise Problem(
                _("The postal code of %(area)s is %(codes)s.")
                % {"area": subdistrict.name, "codes": ", ".join(known)}
            )
    return {
        "line": line,
        "province": province_code,
        "district": district_code,
        "subdistrict": subdistrict_code,
        "postal_code": postal_code,
    }


def _clean_bank_account(item: Field, raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise Problem(_("The bank account is not valid."))
    bank = str(raw.get("bank") or "").strip()
    number = digits_of(str(raw.get("number") or ""))
    if bank and bank not in BANKS:
        raise Problem(_("Choose the bank from the list."))
    if number and not re.fullmatch(r"\d{10,12}", number):
        raise Problem(_("An account number has 10 to 12 digits; check your bank book."))
    return {"bank": bank, "number": number}


def _clean_declaration(item: Field, raw: Any) -> bool:
    if raw is True or (isinstance(raw, str) and raw.strip().lower() in TRUE_WORDS):
        return True
    raise Problem(_("Tick the box to make the declaration."))


def _clean_table(item: Field, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list | tuple):
        raise Problem(_("The table is not valid."))
    rows = [row for row in raw if not is_empty(row)]
    if any(not isinstance(row, Mapping) for row in rows):
        raise Problem(_("The table is not valid."))
    if item.max_rows and len(rows) > item.max_rows:
        raise Problem(_("At most %(most)s rows.") % {"most": item.max_rows})
    cleaned: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        values: dict[str, Any] = {}
        for column in item.columns:
            value = row.get(column.key)
            if is_empty(value):
                values[column.key] = None
                continue
            try:
                values[column.key] = CLEANERS[column.type](column, value)
            except Problem as problem:
                raise Problem(
                    _("Row %(number)s, %(column)s: %(problem)s")
                    % {
                        "number": number,
                        "column": column.label_text,
                        "problem": problem,
                    }
                ) from None
        cleaned.append(values)
    return cleaned


CLEANERS: dict[str, Any] = {
    "text": _clean_text,
    "textarea": _clean_text,
    "number": _clean_number,
    "money": _clean_money,
    "date": _clean_date,
    "choice": _clean_choice,
    "multichoice": _clean_multichoice,
    "yesno": _clean_yesno,
    "personal_id": _clean_personal_id,
    "phone": _clean_phone,
    "email": _clean_email,
    "address": _clean_address,
    "bank_account": _clean_bank_account,
    "table": _clean_table,
    "declaration": _clean_declaration,
}


def answers_clean(
    form: FormDefinition, raw: Mapping[str, Any], *, fields: Iterable[Field]
) -> tuple[dict[str, Any], Errors]:
    """Cleans the values `raw` gives for `fields` (file fields have no value).
    A field missing from `raw` is left alone (a draft may be partial); an empty
    one is cleared (None). Returns (values, errors by field key)."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for item in fields:
        if item.type == "file" or item.key not in raw:
            continue
        value = raw[item.key]
        if is_empty(value):
            values[item.key] = None
            continue
        try:
            cleaned = CLEANERS[item.type](item, value)
        except Problem as problem:
            errors[item.key] = [str(problem)]
            continue
        values[item.key] = None if is_empty(cleaned) else cleaned
    return values, errors


def _matches(value: Any, equals: str) -> bool:
    if isinstance(value, list):
        return equals in value
    return value is not None and str(value) == equals


def visible_fields(form: FormDefinition, answers: Mapping[str, Any]) -> list[Field]:
    """The fields the answers make relevant: a field whose condition is not
    met, or depends on a field that is itself hidden, is not."""
    shown: set[str] = set()
    visible = []
    for item in form.fields:
        condition = item.show_if
        if condition is None or (
            condition.field in shown
            and _matches(answers.get(condition.field), condition.equals)
        ):
            shown.add(item.key)
            visible.append(item)
    return visible


def hidden_keys(form: FormDefinition, answers: Mapping[str, Any]) -> set[str]:
    return set(form.by_key) - {item.key for item in visible_fields(form, answers)}


def drop_hidden(form: FormDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers without the values of fields the answers hide."""
    hidden = hidden_keys(form, answers)
    return {key: value for key, value in answers.items() if key not in hidden}


def _missing(item: Field, value: Any) -> list[str]:
    if item.type == "declaration":
        return [] if value is True else [_("Tick the box to make the declaration.")]
    if is_empty(value):
        return [_("This is required.")] if item.required else []
    if item.type == "address" and item.required:
        gaps = [
            label
            for part, label in (
                ("line", _("the house number and street")),
                ("province", _("the province")),
                ("district", _("the district")),
                ("subdistrict", _("the subdistrict")),
                ("postal_code", _("the postal code")),
            )
            if not value.get(part)
        ]
        if gaps:
            return [_("Give %(parts)s.") % {"parts": ", ".join(gaps)}]
    if item.type == "bank_account" and item.required:
        if not value.get("bank"):
            return [_("Choose the bank.")]
        if not value.get("number"):
            return [_("Enter the account number.")]
    if item.type == "table":
        problems = []
        for number, row in enumerate(value, start=1):
            for column in item.columns:
                if column.required and is_empty(row.get(column.key)):
                    problems.append(
                        _("Row %(number)s: %(column)s is required.")
                        % {"number": number, "column": column.label_text}
                    )
        return problems
    return []


def answers_check_complete(
    form: FormDefinition,
    answers: Mapping[str, Any],
    *,
    attachments_by_field: Mapping[str, int],
    fields: Iterable[Field] | None = None,
) -> dict[str, list[str]]:
    """What is missing before the application can be submitted (or, given
    `fields`, before leaving one section): required visible fields answered,
    required file fields with a document, the declaration made. Hidden fields
    are never required. Errors by field key; empty when complete."""
    wanted = {item.key for item in fields} if fields is not None else None
    errors: dict[str, list[str]] = {}
    for item in visible_fields(form, answers):
        if wanted is not None and item.key not in wanted:
            continue
        if item.type == "file":
            count = attachments_by_field.get(item.key, 0)
            if item.required and count < 1:
                errors[item.key] = [_("Upload this document.")]
            elif item.max_files and count > item.max_files:
                errors[item.key] = [
                    _("At most %(most)s files; remove some.") % {"most": item.max_files}
                ]
            continue
        problems = _missing(item, answers.get(item.key))
        if problems:
            errors[item.key] = problems
    return errors
