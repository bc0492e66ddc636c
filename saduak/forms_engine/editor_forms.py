"""The form editor's Django forms (editor_views.py): a section, a field with
only the options its type has, a table's columns. Each turns what an editor
typed into the JSON shapes of a form definition (definition.py); the editing
operations (editing.py) check the result. Any app hosting the editor uses
these; the host says which field types it offers and whether a field may be
filled in from the digital ID."""

import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from saduak.core.bilingual import in_language
from saduak.core.uploads.sniffing import KINDS
from saduak.forms_engine.definition import KEY

TEXTAREA = forms.Textarea(attrs={"rows": 3})
LINES = forms.Textarea(attrs={"rows": 5})

FIELD_TYPES = [
    ("text", _("Short text")),
    ("textarea", _("Long text")),
    ("number", _("Number")),
    ("money", _("Amount of money (THB)")),
    ("date", _("Date (shown in B.E.)")),
    ("choice", _("One choice from a list")),
    ("multichoice", _("Several choices from a list")),
    ("yesno", _("Yes or no")),
    ("personal_id", _("Personal ID (13 digits, checked)")),
    ("phone", _("Telephone number")),
    ("email", _("E-mail address")),
    ("address", _("Address (province, district, subdistrict)")),
    ("bank_account", _("Bank account (bank and number)")),
    ("table", _("Table of rows (“add another”)")),
    ("file", _("File upload")),
    ("declaration", _("Declaration the applicant confirms")),
]
FIELD_TYPE_LABELS = dict(FIELD_TYPES)
COLUMN_TYPES = [
    (value, label)
    for value, label in FIELD_TYPES
    if value in ("text", "number", "money", "date", "choice", "yesno", "personal_id")
]
FILE_KINDS = [(kind.name, kind.label) for kind in KINDS.values()]
PREFILL_LABELS = {
    "personal_id": _("Personal ID"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "full_name": _("Full name"),
    "phone": _("Mobile phone"),
    "email": _("E-mail"),
    "birth_date": _("Date of birth"),
}
# Which digital-ID data fits which type of field.
PREFILL_BY_TYPE = {
    "text": ("full_name", "first_name", "last_name"),
    "personal_id": ("personal_id",),
    "phone": ("phone",),
    "email": ("email",),
    "date": ("birth_date",),
}
# The options each type of field has, besides key, label, help, required and
# show_if.
OPTIONS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "text": ("max_length", "prefill"),
    "textarea": ("max_length",),
    "number": ("min", "max"),
    "money": ("min", "max"),
    "date": ("prefill",),
    "choice": ("choices",),
    "multichoice": ("choices",),
    "personal_id": ("prefill",),
    "phone": ("prefill",),
    "email": ("prefill",),
    "table": ("max_rows",),
    "file": ("file_types", "max_size_mb", "max_files"),
}
KEY_HELP = _(
    "Used in the data and the API: small letters, digits and _. Leave it empty "
    "to make one from the English label."
)


def bilingual_from(data: dict[str, Any], name: str) -> dict[str, str]:
    return {"th": data.get(f"{name}_th", ""), "en": data.get(f"{name}_en", "")}


def key_from(label: str, fallback: str) -> str:
    key = slugify(label).replace("-", "_")[:30].strip("_")
    return key if KEY.match(key) else fallback


def unique_key(key: str, taken: set[str]) -> str:
    """`key`, or `key_2`, `key_3`... when it is taken."""
    candidate, number = key, 1
    while candidate in taken:
        number += 1
        candidate = f"{key}_{number}"
    return candidate


def text_lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class SectionForm(forms.Form):
    key = forms.CharField(
        label=_("Section key"), max_length=40, required=False, help_text=KEY_HELP
    )
    title_th = forms.CharField(label=_("Title (Thai)"), max_length=200)
    title_en = forms.CharField(
        label=_("Title (English)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, renaming: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if renaming:
            del self.fields["key"]

    def title(self) -> dict[str, str]:
        return bilingual_from(self.cleaned_data, "title")

    def section_key(self, taken: set[str]) -> str:
        return self.cleaned_data.get("key") or unique_key(
            key_from(self.cleaned_data.get("title_en", ""), "section"), taken
        )


class FieldTypeForm(forms.Form):
    type = forms.ChoiceField(label=_("Type of field"), choices=FIELD_TYPES)

    def __init__(
        self, *args: Any, types: Sequence[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if types is not None:
            self.fields["type"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in FIELD_TYPES if value in types
            ]


def _choices_parse(text: str) -> list[dict[str, Any]]:
    choices = []
    for number, line in enumerate(text_lines(text), start=1):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1] or len(parts) > 3:
            raise forms.ValidationError(
                _("Line %(number)s: write value|Thai|English, such as yes|ใช่|Yes."),
                params={"number": number},
            )
        choices.append(
            {
                "value": parts[0],
                "label": {"th": parts[1], "en": parts[2] if len(parts) > 2 else ""},
            }
        )
    return choices


def _choices_text(choices: list[dict[str, Any]]) -> str:
    return "\n".join(
        "|".join(
            [
                str(item.get("value", "")),
                (item.get("label") or {}).get("th", ""),
                (item.get("label") or {}).get("en", ""),
            ]
        ).rstrip("|")
        for item in choices or []
    )


def show_if_options(earlier: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The conditions a field may be shown on: a value of an earlier yes/no or
    choice field."""
    options = [("", str(_("Always shown")))]
    for field in earlier:
        label = in_language(field.get("label"))
        values: list[tuple[str, str]] = []
        if field.get("type") == "yesno":
            values = [("yes", str(_("Yes"))), ("no", str(_("No")))]
        elif field.get("type") in ("choice", "multichoice"):
            values = [
                (str(item.get("value")), in_language(item.get("label")))
                for item in field.get("choices") or []
            ]
        for value, value_label in values:
            options.append(
                (
                    json.dumps([field["key"], value]),
                    str(_("When “%(field)s” is “%(value)s”"))
                    % {"field": label, "value": value_label},
                )
            )
    return options


class ColumnForm(forms.Form):
    key = forms.CharField(label=_("Column key"), max_length=40, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=COLUMN_TYPES, initial="text")
    label_th = forms.CharField(label=_("Label (Thai)"), max_length=200, required=False)
    label_en = forms.CharField(
        label=_("Label (English)"), max_length=200, required=False
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    choices = forms.CharField(
        label=_("Choices (for a choice column: value|Thai|English, one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def column(self, position: int) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data or not (data.get("key") or data.get("label_th")):
            return None
        column: dict[str, Any] = {
            "key": data.get("key")
            or key_from(data.get("label_en", ""), f"column_{position}"),
            "type": data["type"],
            "label": bilingual_from(data, "label"),
            "required": bool(data.get("required")),
        }
        if data["type"] == "choice":
            try:
                column["choices"] = _choices_parse(data.get("choices", ""))
            except forms.ValidationError as error:
                self.add_error("choices", error)
        return column

    @staticmethod
    def initial_from(column: dict[str, Any]) -> dict[str, Any]:
        label = column.get("label") or {}
        return {
            "key": column.get("key", ""),
            "type": column.get("type", "text"),
            "label_th": label.get("th", ""),
            "label_en": label.get("en", ""),
            "required": bool(column.get("required")),
            "choices": _choices_text(column.get("choices") or []),
        }


ColumnFormSet = forms.formset_factory(ColumnForm, extra=2, max_num=20)


class FieldForm(forms.Form):
    """One field of the form, with only the options its type has."""

    key = forms.CharField(
        label=_("Field key"), max_length=40, required=False, help_text=KEY_HELP
    )
    label_th = forms.CharField(
        label=_("Label (Thai)"), max_length=1000, widget=TEXTAREA
    )
    label_en = forms.CharField(
        label=_("Label (English)"), max_length=1000, required=False, widget=TEXTAREA
    )
    help_th = forms.CharField(
        label=_("Help text (Thai)"), max_length=500, required=False, widget=TEXTAREA
    )
    help_en = forms.CharField(
        label=_("Help text (English)"), max_length=500, required=False, widget=TEXTAREA
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    prefill = forms.ChoiceField(
        label=_("Fill in from the digital ID (Zero Copy)"), required=False
    )
    show_if = forms.ChoiceField(label=_("Shown"), required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=LINES,
        help_text=_(
            "One a line: value|Thai|English, such as own|บ้านของตนเอง|Own home."
        ),
    )
    min = forms.IntegerField(label=_("Smallest allowed"), required=False)
    max = forms.IntegerField(label=_("Largest allowed"), required=False)
    max_length = forms.IntegerField(
        label=_("Most characters"), required=False, min_value=1, max_value=10000
    )
    max_rows = forms.IntegerField(
        label=_("Most rows"), required=False, min_value=1, max_value=100
    )
    file_types = forms.MultipleChoiceField(
        label=_("Allowed file types"),
        choices=FILE_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_size_mb = forms.IntegerField(
        label=_("Largest file (MB)"), required=False, min_value=1
    )
    max_files = forms.IntegerField(
        label=_("Most files"), required=False, min_value=1, max_value=20
    )

    def __init__(
        self,
        *args: Any,
        field_type: str,
        earlier: list[dict[str, Any]],
        prefill: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.field_type = field_type
        options = OPTIONS_BY_TYPE.get(field_type, ())
        if not prefill:
            options = tuple(name for name in options if name != "prefill")
        for name in (
            "prefill",
            "choices",
            "min",
            "max",
            "max_length",
            "max_rows",
            "file_types",
            "max_size_mb",
            "max_files",
        ):
            if name not in options:
                del self.fields[name]
        if "prefill" in self.fields:
            self.fields["prefill"].choices = [  # type: ignore[attr-defined]
                ("", _("Not filled in")),
                *(
                    (value, PREFILL_LABELS[value])
                    for value in PREFILL_BY_TYPE[field_type]
                ),
            ]
        if field_type == "declaration":
            del self.fields["required"]
            self.fields["label_th"].label = _("Declaration text (Thai)")
            self.fields["label_en"].label = _("Declaration text (English)")
        if field_type == "file":
            self.fields["file_types"].required = True
        if field_type in ("choice", "multichoice"):
            self.fields["choices"].required = True
        self.fields["show_if"].choices = show_if_options(earlier)  # type: ignore[attr-defined]
        self.columns = (
            ColumnFormSet(
                self.data or None,
                prefix="col",
                initial=kwargs.get("initial", {}).get("columns"),
            )
            if field_type == "table"
            else None
        )

    @staticmethod
    def initial_from(field: dict[str, Any]) -> dict[str, Any]:
        label, help_text = field.get("label") or {}, field.get("help") or {}
        initial: dict[str, Any] = {
            "key": field.get("key", ""),
            "label_th": label.get("th", ""),
            "label_en": label.get("en", ""),
            "help_th": help_text.get("th", ""),
            "help_en": help_text.get("en", ""),
            "required": bool(field.get("required")),
            "prefill": field.get("prefill", ""),
            "choices": _choices_text(field.get("choices") or []),
            "file_types": field.get("file_types") or [],
            "columns": [
                ColumnForm.initial_from(column) for column in field.get("columns") or []
            ],
        }
        for name in (
            "min",
            "max",
            "max_length",
            "max_rows",
            "max_size_mb",
            "max_files",
        ):
            initial[name] = field.get(name)
        condition = field.get("show_if")
        if isinstance(condition, dict):
            initial["show_if"] = json.dumps(
                [condition.get("field"), condition.get("equals")]
            )
        return initial

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if self.columns is not None:
            valid = self.columns.is_valid() and valid
        return valid

    def clean_choices(self) -> list[dict[str, Any]]:
        return _choices_parse(self.cleaned_data.get("choices", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min"), data.get("max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max", _("The largest allowed is smaller than the smallest.")
            )
        return data

    def field(self, taken: set[str]) -> dict[str, Any]:
        """The field definition (call after is_valid); a key made from the
        label avoids the keys `taken` by other fields."""
        data = self.cleaned_data
        field: dict[str, Any] = {
            "key": data.get("key")
            or unique_key(
                "declaration"
                if self.field_type == "declaration"
                else key_from(data.get("label_en", ""), "field"),
                taken,
            ),
            "type": self.field_type,
            "label": bilingual_from(data, "label"),
            "required": bool(data.get("required")) or self.field_type == "declaration",
        }
        help_text = bilingual_from(data, "help")
        if help_text["th"] or help_text["en"]:
            field["help"] = help_text
        if data.get("prefill"):
            field["prefill"] = data["prefill"]
        if data.get("show_if"):
            source, value = json.loads(data["show_if"])
            field["show_if"] = {"field": source, "equals": value}
        if "choices" in self.fields:
            field["choices"] = data.get("choices") or []
        for name in (
            "min",
            "max",
            "max_length",
            "max_rows",
            "max_size_mb",
            "max_files",
        ):
            if data.get(name) is not None:
                field[name] = data[name]
        if "file_types" in self.fields:
            field["file_types"] = list(data.get("file_types") or [])
        if self.columns is not None:
            columns = [
                column
                for position, form in enumerate(self.columns.forms, start=1)
                if (column := form.column(position)) is not None
            ]
            field["columns"] = columns
        return field


def field_summary(field: dict[str, Any], by_key: dict[str, Any]) -> dict[str, Any]:
    """A field described in words: its label, type, whether required, and the
    condition it is shown on."""
    condition = field.get("show_if")
    shown_when = ""
    if isinstance(condition, dict):
        source = by_key.get(str(condition.get("field")), {})
        value = condition.get("equals")
        for choice in source.get("choices") or []:
            if choice.get("value") == value:
                value = in_language(choice.get("label"))
        if source.get("type") == "yesno":
            value = gettext("Yes") if value == "yes" else gettext("No")
        shown_when = gettext("Shown only when “%(field)s” is “%(value)s”.") % {
            "field": in_language(source.get("label")) or condition.get("field"),
            "value": value,
        }
    return {
        "key": field.get("key"),
        "label": in_language(field.get("label")),
        "help": in_language(field.get("help")),
        "type": FIELD_TYPE_LABELS.get(field.get("type", ""), field.get("type")),
        "type_code": field.get("type"),
        "required": bool(field.get("required")) or field.get("type") == "declaration",
        "shown_when": shown_when,
        "choices": [
            in_language(item.get("label")) for item in field.get("choices") or []
        ],
        "columns": [
            in_language(item.get("label")) for item in field.get("columns") or []
        ],
        "prefill": field.get("prefill", ""),
    }
