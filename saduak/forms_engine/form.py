"""The parsed form of a service version: sections of typed fields with their
options. `definition.form_from_definition` builds it from the stored JSON and
checks it; everything else (answers, pages, summaries) reads it."""

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from functools import cached_property
from typing import Any

from saduak.core.bilingual import in_language


@dataclass(frozen=True)
class Choice:
    value: str
    label: dict[str, str]

    @property
    def text(self) -> str:
        return in_language(self.label)


@dataclass(frozen=True)
class ShowIf:
    """Show the field only when `field` has the value `equals` (or, for a
    multiple choice, when its list contains it)."""

    field: str
    equals: str


@dataclass(frozen=True)
class Field:
    key: str
    type: str
    label: dict[str, str]
    help: dict[str, str] = dataclass_field(default_factory=dict)
    required: bool = False
    prefill: str = ""
    show_if: ShowIf | None = None
    choices: tuple[Choice, ...] = ()
    min: Decimal | None = None
    max: Decimal | None = None
    max_length: int | None = None
    columns: tuple["Field", ...] = ()
    max_rows: int | None = None
    file_types: tuple[str, ...] = ()
    max_size_mb: int | None = None
    max_files: int | None = None

    @property
    def label_text(self) -> str:
        return in_language(self.label)

    @property
    def help_text(self) -> str:
        return in_language(self.help) if self.help else ""

    @property
    def is_required(self) -> bool:
        """A declaration is always required: it is what the form is for."""
        return self.required or self.type == "declaration"

    @property
    def is_file(self) -> bool:
        return self.type == "file"

    @property
    def max_bytes(self) -> int:
        return (self.max_size_mb or 0) * 1024 * 1024

    def choice_label(self, value: Any) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.text
        return str(value)

    @cached_property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)


@dataclass(frozen=True)
class Section:
    key: str
    title: dict[str, str]
    fields: tuple[Field, ...]

    @property
    def title_text(self) -> str:
        return in_language(self.title)

    @property
    def page_fields(self) -> tuple[Field, ...]:
        """The fields filled on the section's page: declarations are made on the
        check-your-answers page, after reading the answers back."""
        return tuple(item for item in self.fields if item.type != "declaration")

    @property
    def only_declaration(self) -> bool:
        """A section with nothing but the declaration is not a page: the
        declaration is made on the check-your-answers page."""
        return not self.page_fields

    @property
    def has_files(self) -> bool:
        return any(item.type == "file" for item in self.fields)


@dataclass(frozen=True)
class FormDefinition:
    sections: tuple[Section, ...]

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        return tuple(item for section in self.sections for item in section.fields)

    @cached_property
    def by_key(self) -> dict[str, Field]:
        return {item.key: item for item in self.fields}

    @cached_property
    def section_of_field(self) -> dict[str, Section]:
        return {
            item.key: section for section in self.sections for item in section.fields
        }

    @cached_property
    def pages(self) -> tuple[Section, ...]:
        """The sections that are pages of their own (not only a declaration)."""
        return tuple(section for section in self.sections if section.page_fields)

    @cached_property
    def declaration(self) -> Field | None:
        """The form's declaration (a form has at most one)."""
        return next((item for item in self.fields if item.type == "declaration"), None)

    def section(self, key: str) -> Section | None:
        return next((item for item in self.sections if item.key == key), None)

    def page_after(self, key: str) -> Section | None:
        keys = [section.key for section in self.pages]
        position = keys.index(key) if key in keys else -1
        return self.pages[position + 1] if 0 <= position < len(keys) - 1 else None

    def page_before(self, key: str) -> Section | None:
        keys = [section.key for section in self.pages]
        position = keys.index(key) if key in keys else -1
        return self.pages[position - 1] if position > 0 else None
