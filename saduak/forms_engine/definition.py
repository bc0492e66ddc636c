"""A version's form: sections of typed fields. `form_from_definition` parses
the JSON stored in `ServiceVersion.form` and refuses, naming the section and
the field, anything that would break the citizen's pages or the answers: an
unknown type, a duplicate key, a condition on a later field, a file type we
cannot check."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from saduak.core.bilingual import clean_text
from saduak.core.errors import InvalidInput
from saduak.core.memo import ProcessMemo
from saduak.core.uploads.sniffing import KINDS
from saduak.forms_engine.form import (
    Choice,
    Field,
    FormDefinition,
    Section,
    ShowIf,
)

__all__ = [
    "Choice",
    "Field",
    "FormDefinition",
    "Section",
    "ShowIf",
    "definition_of",
    "form_from_definition",
]

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "money",
    "date",
    "choice",
    "multichoice",
    "yesno",
    "personal_id",
    "phone",
    "email",
    "address",
    "bank_account",
    "table",
    "file",
    "declaration",
)
# The types a table's column may have: one input each, short enough for a row.
COLUMN_TYPES = frozenset(
    {"text", "number", "money", "date", "choice", "yesno", "personal_id"}
)
CHOICE_TYPES = frozenset({"choice", "multichoice"})
# A condition may depend on these: they have one value that people pick.
CONDITION_SOURCES = frozenset({"choice", "multichoice", "yesno"})
PREFILLS = (
    "personal_id",
    "first_name",
    "last_name",
    "full_name",
    "phone",
    "email",
    "birth_date",
)
YES_NO = ("yes", "no")
# A section's page lives at applications/<reference>/<section key>/, beside
# these pages of the application.
RESERVED_SECTION_KEYS = frozenset({"check", "submitted", "resubmit"})
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 3000}
MOST_LENGTH = {"text": 500, "textarea": 10000}
DEFAULT_MAX_ROWS = 20
MOST_ROWS = 100
MOST_FILES = 10
DEFAULT_FILE_TYPES = ("pdf", "jpg", "png")
MOST_FIELDS = 300
MOST_CHOICES = 100
# What Application.approved_amount (12 digits, 2 decimals) can hold.
MOST_MONEY = Decimal("9999999999.99")
MOST_NUMBER = 10**12


class _Place:
    """Where in the definition a problem is, for the message."""

    def __init__(self, section: str, field: str = "", column: str = "") -> None:
        self.section = section
        self.field = field
        self.column = column

    def __str__(self) -> str:
        if self.column:
            return _(
                "Section “%(section)s”, table “%(field)s”, column “%(column)s”"
            ) % {
                "section": self.section,
                "field": self.field,
                "column": self.column,
            }
        if self.field:
            return _("Section “%(section)s”, field “%(field)s”") % {
                "section": self.section,
                "field": self.field,
            }
        return _("Section “%(section)s”") % {"section": self.section}

    def refuse(self, problem: str) -> InvalidInput:
        return InvalidInput(
            f"{self}: {problem}",
            code="form-invalid",
            field=self.field or None,
            extra={
                "section": self.section,
                "field": self.field,
                "column": self.column,
            },
        )


def _key(raw: Any, place: _Place, what: str) -> str:
    key = str(raw or "").strip() if isinstance(raw, str | int) else ""
    if not KEY.match(key):
        raise place.refuse(
            _(
                "the %(what)s key must start with a small letter and use only small "
                "letters, digits and _ (at most 40)."
            )
            % {"what": what}
        )
    return key


def _number(raw: Any, place: _Place, name: str, kind: str) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        if isinstance(raw, bool):
            raise InvalidOperation
        value = Decimal(str(raw))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise place.refuse(_("%(name)s must be a number.") % {"name": name}) from None
    if kind == "number" and value != value.to_integral_value():
        raise place.refuse(
            _("%(name)s must be a whole number for a number field.") % {"name": name}
        )
    if kind == "money" and (value.as_tuple().exponent < -2 or value < 0):  # type: ignore[operator]
        raise place.refuse(
            _("%(name)s of an amount must be at least 0, with at most 2 decimals.")
            % {"name": name}
        )
    limit = MOST_MONEY if kind == "money" else Decimal(MOST_NUMBER)
    if abs(value) > limit:
        raise place.refuse(_("%(name)s is too large.") % {"name": name})
    return value


def _positive(raw: Any, place: _Place, name: str, *, most: int) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        value = -1
    else:
        try:
            value = int(raw)
        except ValueError:
            value = -1
    if not 1 <= value <= most:
        raise place.refuse(
            _("%(name)s must be a whole number from 1 to %(most)s.")
            % {"name": name, "most": most}
        )
    return value


def _choices(raw: Any, place: _Place) -> tuple[Choice, ...]:
    if not isinstance(raw, list) or not raw:
        raise place.refuse(_("a choice field needs a list of choices."))
    if len(raw) > MOST_CHOICES:
        raise place.refuse(_("at most %(most)s choices.") % {"most": MOST_CHOICES})
    choices = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise place.refuse(
                _("choice %(number)s is not valid.") % {"number": position}
            )
        value = str(item.get("value") or "").strip()
        if not value or len(value) > 60:
            raise place.refuse(
                _("choice %(number)s needs a value (at most 60 characters).")
                % {"number": position}
            )
        try:
            label = clean_text(
                item.get("label"),
                where=_("choice %(number)s") % {"number": position},
            )
        except InvalidInput as error:
            raise place.refuse(str(error.message)) from None
        choices.append(Choice(value, label))
    values = [choice.value for choice in choices]
    if len(set(values)) != len(values):
        raise place.refuse(_("two choices have the same value."))
    return tuple(choices)


def _file_options(
    raw: dict[str, Any], place: _Place
) -> tuple[tuple[str, ...], int, int]:
    types_raw = raw.get("file_types")
    if types_raw is None:
        types: tuple[str, ...] = DEFAULT_FILE_TYPES
    else:
        if not isinstance(types_raw, list) or not types_raw:
            raise place.refuse(_("name at least one file type the field accepts."))
        types = tuple(dict.fromkeys(str(item).strip().lower() for item in types_raw))
        unknown = [item for item in types if item not in KINDS]
        if unknown:
            raise place.refuse(
                _("the file type “%(type)s” is not accepted; use some of: %(allowed)s.")
                % {"type": unknown[0], "allowed": ", ".join(KINDS)}
            )
    most_mb = int(settings.ESERVICES_MAX_UPLOAD_MB)
    size = _positive(
        raw.get("max_size_mb"), place, _("The largest file size (MB)"), most=10**6
    )
    if size is not None and size > most_mb:
        raise place.refuse(
            _("files may be at most %(most)s MB on this system.") % {"most": most_mb}
        )
    files = _positive(
        raw.get("max_files"), place, _("The number of files"), most=MOST_FILES
    )
    return types, size or min(10, most_mb), files or 1


def _field(
    raw: Any,
    position: int,
    section_key: str,
    *,
    earlier: dict[str, "Field"],
    table: str = "",
) -> Field:
    if table:
        place = _Place(section_key, table, str(position))
    else:
        place = _Place(section_key, str(position))
    if not isinstance(raw, dict):
        raise place.refuse(_("this is not a field."))
    key = _key(raw.get("key"), place, _("field"))
    if table:
        place.column = key
    else:
        place.field = key
    kind = str(raw.get("type") or "")
    if kind not in FIELD_TYPES:
        raise place.refuse(_("unknown field type “%(type)s”.") % {"type": kind or "-"})
    if table and kind not in COLUMN_TYPES:
        raise place.refuse(
            _("a table column may only be one of: %(types)s.")
            % {"types": ", ".join(sorted(COLUMN_TYPES))}
        )
    try:
        label = clean_text(raw.get("label"), where=_("the label"))
        help_text = clean_text(raw.get("help"), where=_("the help"), required=False)
    except InvalidInput as error:
        raise place.refuse(str(error.message)) from None
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise place.refuse(_("“required” must be true or false."))
    prefill = str(raw.get("prefill") or "")
    if prefill and prefill not in PREFILLS:
        raise place.refuse(
            _("unknown prefill “%(prefill)s”; use one of: %(allowed)s.")
            % {"prefill": prefill, "allowed": ", ".join(PREFILLS)}
        )
    if prefill and (table or kind in ("table", "file", "declaration", "address")):
        raise place.refuse(
            _("this kind of field cannot be filled in from the digital ID.")
        )
    options: dict[str, Any] = {}
    if kind in CHOICE_TYPES:
        options["choices"] = _choices(raw.get("choices"), place)
    elif raw.get("choices"):
        raise place.refuse(_("only choice fields have choices."))
    if kind in ("number", "money"):
        low = _number(raw.get("min"), place, _("The minimum"), kind)
        high = _number(raw.get("max"), place, _("The maximum"), kind)
        if low is not None and high is not None and low > high:
            raise place.refuse(_("the minimum is larger than the maximum."))
        options.update(min=low, max=high)
    if kind in ("text", "textarea"):
        length = _positive(
            raw.get("max_length"), place, _("The longest text"), most=MOST_LENGTH[kind]
        )
        options["max_length"] = length or DEFAULT_MAX_LENGTH[kind]
    if kind == "table":
        columns_raw = raw.get("columns")
        if not isinstance(columns_raw, list) or not columns_raw:
            raise place.refuse(_("a table needs at least one column."))
        columns: dict[str, Field] = {}
        for number, column_raw in enumerate(columns_raw, start=1):
            column = _field(column_raw, number, section_key, earlier={}, table=key)
            if column.key in columns:
                raise place.refuse(
                    _("two columns have the key “%(key)s”.") % {"key": column.key}
                )
            if column.show_if:
                raise place.refuse(_("a table column cannot have a condition."))
            columns[column.key] = column
        options["columns"] = tuple(columns.values())
        options["max_rows"] = (
            _positive(
                raw.get("max_rows"), place, _("The number of rows"), most=MOST_ROWS
            )
            or DEFAULT_MAX_ROWS
        )
    if kind == "file":
        types, size, files = _file_options(raw, place)
        options.update(file_types=types, max_size_mb=size, max_files=files)
    show_if = _show_if(raw.get("show_if"), place, earlier)
    return Field(
        key=key,
        type=kind,
        label=label,
        help=help_text if help_text["th"] or help_text["en"] else {},
        required=required,
        prefill=prefill,
        show_if=show_if,
        **options,
    )


def _show_if(raw: Any, place: _Place, earlier: dict[str, Field]) -> ShowIf | None:
    if raw is None or raw == {}:
        return None
    if not isinstance(raw, dict):
        raise place.refuse(_("the condition is not valid."))
    source_key = str(raw.get("field") or "")
    source = earlier.get(source_key)
    if source is None:
        raise place.refuse(
            _("the condition names “%(field)s”, which is not a field before this one.")
            % {"field": source_key or "-"}
        )
    if source.type not in CONDITION_SOURCES:
        raise place.refuse(
            _("a condition can only depend on a choice or a yes/no field.")
        )
    equals = raw.get("equals")
    allowed = YES_NO if source.type == "yesno" else source.choice_values
    if not isinstance(equals, str) or equals not in allowed:
        raise place.refuse(
            _("the condition's value must be one of: %(allowed)s.")
            % {"allowed": ", ".join(allowed)}
        )
    return ShowIf(source_key, equals)


def form_from_definition(definition: Any) -> FormDefinition:
    """Parses and checks a form definition; InvalidInput (code "form-invalid",
    `extra` naming the section and field) says what is wrong."""
    if not isinstance(definition, dict) or not isinstance(
        definition.get("sections"), list
    ):
        raise InvalidInput(_("The form has no sections."), code="form-invalid")
    if not definition["sections"]:
        raise InvalidInput(_("The form has no sections."), code="form-invalid")
    sections: list[Section] = []
    fields: dict[str, Field] = {}
    section_keys: set[str] = set()
    for position, raw in enumerate(definition["sections"], start=1):
        place = _Place(str(position))
        if not isinstance(raw, dict):
            raise place.refuse(_("this is not a section."))
        key = _key(raw.get("key"), place, _("section"))
        place.section = key
        if key in RESERVED_SECTION_KEYS:
            raise place.refuse(
                _("“%(key)s” is the name of another page; choose another key.")
                % {"key": key}
            )
        if key in section_keys:
            raise place.refuse(_("two sections have this key."))
        section_keys.add(key)
        try:
            title = clean_text(raw.get("title"), where=_("the title"))
        except InvalidInput as error:
            raise place.refuse(str(error.message)) from None
        fields_raw = raw.get("fields")
        if not isinstance(fields_raw, list) or not fields_raw:
            raise place.refuse(_("a section needs at least one field."))
        own: list[Field] = []
        for number, field_raw in enumerate(fields_raw, start=1):
            parsed = _field(field_raw, number, key, earlier=fields)
            if parsed.key in fields:
                raise _Place(key, parsed.key).refuse(
                    _("another field of the form has this key.")
                )
            fields[parsed.key] = parsed
            own.append(parsed)
        sections.append(Section(key, title, tuple(own)))
    if len(fields) > MOST_FIELDS:
        raise InvalidInput(
            _("A form may have at most %(most)s fields.") % {"most": MOST_FIELDS},
            code="form-invalid",
        )
    declarations = [item for item in fields.values() if item.type == "declaration"]
    if len(declarations) > 1:
        raise _Place(
            next(s.key for s in sections if declarations[1] in s.fields),
            declarations[1].key,
        ).refuse(_("a form has at most one declaration."))
    return FormDefinition(tuple(sections))


_FORMS = ProcessMemo(seconds=3600, size=500)


def definition_of(version: Any) -> FormDefinition:
    """The parsed form of a ServiceVersion; a published version never changes,
    so its form is kept per process by version id."""
    if not version.is_published:
        return form_from_definition(version.form)
    return _FORMS.get_or_set(
        str(version.pk), lambda: form_from_definition(version.form)
    )
