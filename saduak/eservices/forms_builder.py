"""Forms of the e-service builder. Each turns what an administrator typed into
the JSON shapes a version stores (the manual, a form field, a stage); the
builder services check the result."""

import json
import re
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from saduak.areas.models import Office
from saduak.core.bilingual import in_language
from saduak.core.uploads.sniffing import KINDS
from saduak.eservices.choices import Action, StageKind
from saduak.eservices.workflow import STAGE_ROLES

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
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _text(data: dict[str, Any], name: str) -> dict[str, str]:
    return {"th": data.get(f"{name}_th", ""), "en": data.get(f"{name}_en", "")}


def _key_from(label: str, fallback: str) -> str:
    key = slugify(label).replace("-", "_")[:30].strip("_")
    return key if KEY.match(key) else fallback


def unique_key(key: str, taken: set[str]) -> str:
    """`key`, or `key_2`, `key_3`... when it is taken."""
    candidate, number = key, 1
    while candidate in taken:
        number += 1
        candidate = f"{key}_{number}"
    return candidate


# --- services -----------------------------------------------------------------


class ServiceDetailsForm(forms.Form):
    name_th = forms.CharField(label=_("Name (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    summary_th = forms.CharField(
        label=_("Summary (Thai)"), max_length=400, required=False, widget=TEXTAREA
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"), max_length=400, required=False, widget=TEXTAREA
    )
    bureau_th = forms.CharField(label=_("Owning bureau (Thai)"), max_length=200)
    bureau_en = forms.CharField(
        label=_("Owning bureau (English)"), max_length=200, required=False
    )
    is_active = forms.BooleanField(
        label=_("Open for applications"), required=False, initial=True
    )


class ServiceCreateForm(ServiceDetailsForm):
    code = forms.CharField(
        label=_("Service code"),
        max_length=40,
        help_text=_(
            "Part of the web address, such as low-income-certificate: small letters, "
            "digits and hyphens. It cannot change later."
        ),
    )
    field_order = ["code"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]


class OfficesForm(forms.Form):
    """The responsible offices: those chosen and those the search found, as
    checkboxes (no script needed)."""

    offices = forms.ModelMultipleChoiceField(
        label=_("Offices that take applications"),
        queryset=Office.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every district office takes applications."),
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["offices"]
        field.queryset = choices  # type: ignore[attr-defined]
        field.label_from_instance = lambda office: f"{office.name} ({office.code})"  # type: ignore[attr-defined]


# --- the manual ---------------------------------------------------------------


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class ManualForm(forms.Form):
    eligibility_th = forms.CharField(
        label=_("Who may apply (Thai)"), required=False, widget=TEXTAREA
    )
    eligibility_en = forms.CharField(
        label=_("Who may apply (English)"), required=False, widget=TEXTAREA
    )
    steps_th = forms.CharField(
        label=_("Steps (Thai, one a line)"), required=False, widget=LINES
    )
    steps_en = forms.CharField(
        label=_("Steps (English, one a line, in the same order)"),
        required=False,
        widget=LINES,
    )
    processing_days = forms.IntegerField(
        label=_("Processing time (working days)"),
        required=False,
        min_value=1,
        max_value=365,
    )
    documents_th = forms.CharField(
        label=_("Documents required (Thai, one a line)"),
        required=False,
        widget=LINES,
        help_text=_("Zero Copy: the ID card is shown, never photocopied."),
    )
    documents_en = forms.CharField(
        label=_("Documents required (English, one a line, in the same order)"),
        required=False,
        widget=LINES,
    )
    fees_th = forms.CharField(label=_("Fees (Thai)"), required=False)
    fees_en = forms.CharField(label=_("Fees (English)"), required=False)
    amount_th = forms.CharField(label=_("Amount of the benefit (Thai)"), required=False)
    amount_en = forms.CharField(
        label=_("Amount of the benefit (English)"), required=False
    )
    legal_basis_th = forms.CharField(
        label=_("Legal basis (Thai)"), required=False, widget=TEXTAREA
    )
    legal_basis_en = forms.CharField(
        label=_("Legal basis (English)"), required=False, widget=TEXTAREA
    )
    complaints_th = forms.CharField(
        label=_("Where to complain (Thai)"), required=False, widget=TEXTAREA
    )
    complaints_en = forms.CharField(
        label=_("Where to complain (English)"), required=False, widget=TEXTAREA
    )

    @staticmethod
    def initial_from(manual: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {"processing_days": manual.get("processing_days")}
        for name in ("eligibility", "fees", "amount", "legal_basis", "complaints"):
            value = manual.get(name) or {}
            initial[f"{name}_th"] = value.get("th", "")
            initial[f"{name}_en"] = value.get("en", "")
        for name in ("steps", "documents"):
            items = manual.get(name) or []
            for language in ("th", "en"):
                initial[f"{name}_{language}"] = "\n".join(
                    item.get(language, "") for item in items
                )
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("steps", "documents"):
            thai, english = (
                _lines(data.get(f"{name}_th", "")),
                _lines(data.get(f"{name}_en", "")),
            )
            if len(english) > len(thai):
                self.add_error(
                    f"{name}_en",
                    _(
                        "There are more English lines than Thai ones: each English "
                        "line translates the Thai line in the same place."
                    ),
                )
        return data

    def manual(self) -> dict[str, Any]:
        data = self.cleaned_data
        manual: dict[str, Any] = {
            name: _text(data, name)
            for name in ("eligibility", "fees", "amount", "legal_basis", "complaints")
        }
        for name in ("steps", "documents"):
            thai, english = (
                _lines(data.get(f"{name}_th", "")),
                _lines(data.get(f"{name}_en", "")),
            )
            manual[name] = [
                {"th": line, "en": english[index] if index < len(english) else ""}
                for index, line in enumerate(thai)
            ]
        manual["processing_days"] = data.get("processing_days")
        return manual


# --- the form -----------------------------------------------------------------


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
        return _text(self.cleaned_data, "title")

    def section_key(self, taken: set[str]) -> str:
        return self.cleaned_data.get("key") or unique_key(
            _key_from(self.cleaned_data.get("title_en", ""), "section"), taken
        )


class FieldTypeForm(forms.Form):
    type = forms.ChoiceField(label=_("Type of field"), choices=FIELD_TYPES)


def _choices_parse(text: str) -> list[dict[str, Any]]:
    choices = []
    for number, line in enumerate(_lines(text), start=1):
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
            or _key_from(data.get("label_en", ""), f"column_{position}"),
            "type": data["type"],
            "label": _text(data, "label"),
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
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.field_type = field_type
        options = OPTIONS_BY_TYPE.get(field_type, ())
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
                else _key_from(data.get("label_en", ""), "field"),
                taken,
            ),
            "type": self.field_type,
            "label": _text(data, "label"),
            "required": bool(data.get("required")) or self.field_type == "declaration",
        }
        help_text = _text(data, "help")
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


# --- the workflow -------------------------------------------------------------


class StageForm(forms.Form):
    code = forms.CharField(
        label=_("Stage code"),
        max_length=40,
        help_text=_("Small letters, digits and _, such as review."),
    )
    kind = forms.ChoiceField(label=_("Kind of stage"), choices=StageKind.choices)
    name_th = forms.CharField(label=_("Name (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles that act in it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Not needed for a closing stage."),
    )
    target_days = forms.IntegerField(
        label=_("Target (working days)"), min_value=0, max_value=365, initial=3
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from saduak.accounts.choices import Role

        self.fields["roles"].choices = [  # type: ignore[attr-defined]
            (role.value, role.label) for role in Role if role in STAGE_ROLES
        ]

    @staticmethod
    def initial_from(stage: dict[str, Any]) -> dict[str, Any]:
        name = stage.get("name") or {}
        return {
            "code": stage.get("code", ""),
            "kind": stage.get("kind", ""),
            "name_th": name.get("th", ""),
            "name_en": name.get("en", ""),
            "roles": stage.get("roles") or [],
            "target_days": stage.get("target_days", 0),
        }

    def stage(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data["code"],
            "kind": data["kind"],
            "name": _text(data, "name"),
            "roles": list(data.get("roles") or []),
            "target_days": data["target_days"],
        }


class TransitionForm(forms.Form):
    source = forms.ChoiceField(label=_("From the stage"))
    action = forms.ChoiceField(label=_("Action"), choices=Action.choices)
    target = forms.ChoiceField(label=_("Leads to the stage"))

    def __init__(
        self, *args: Any, stages: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = stages  # type: ignore[attr-defined]
        self.fields["target"].choices = stages  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that a published version can never change; changes later "
            "are made in a new version."
        )
    )
