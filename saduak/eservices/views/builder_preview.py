"""What the builder's preview shows: the citizen's manual and the form's pages
as citizens will see them. Nothing is saved."""

from collections.abc import Iterable
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from saduak.core.bilingual import in_language
from saduak.core.errors import InvalidInput
from saduak.eservices.models import ServiceVersion
from saduak.forms_engine.definition import (
    Field,
    FormDefinition,
    form_from_definition,
)
from saduak.forms_engine.editor_forms import field_summary
from saduak.forms_engine.render import render_field


def manual_view(manual: dict[str, Any]) -> list[dict[str, Any]]:
    """The manual's parts in the order citizens read them, in the active
    language; empty parts left out."""
    parts: list[dict[str, Any]] = []

    def add(title: str, value: Any, *, ordered: bool = False) -> None:
        if isinstance(value, list):
            items = [in_language(item) for item in value if in_language(item)]
            if items:
                parts.append({"title": title, "items": items, "ordered": ordered})
        elif isinstance(value, int) and not isinstance(value, bool):
            parts.append(
                {
                    "title": title,
                    "text": _("%(days)s working days") % {"days": value},
                }
            )
        elif in_language(value):
            parts.append({"title": title, "text": in_language(value)})

    add(_("Who may apply"), manual.get("eligibility"))
    add(_("Steps"), manual.get("steps"), ordered=True)
    add(_("Processing time"), manual.get("processing_days"))
    add(_("Documents required"), manual.get("documents"))
    add(_("Fees"), manual.get("fees"))
    add(_("Amount of the benefit"), manual.get("amount"))
    add(_("Legal basis"), manual.get("legal_basis"))
    add(_("Where to complain"), manual.get("complaints"))
    return parts


def _render(definition: FormDefinition, fields: Iterable[Field]) -> SafeString:
    """The fields as the citizen's pages render them, empty. Every field is
    rendered, also one whose condition depends on an earlier page, so the
    administrator sees them all."""
    return mark_safe(  # noqa: S308 - rendered templates, escaped
        "".join(render_field(definition, item, values={}, errors={}) for item in fields)
    )


def preview_pages(version: ServiceVersion) -> list[dict[str, Any]]:
    """The manual, then one page a section of the form, then the declaration
    (citizens make it after reading their answers back)."""
    pages: list[dict[str, Any]] = [
        {
            "kind": "manual",
            "title": _("Citizen's manual"),
            "manual": manual_view(version.manual or {}),
        }
    ]
    sections = (version.form or {}).get("sections") or []
    by_key = {
        str(field.get("key")): field
        for section in sections
        for field in section["fields"]
    }
    definition = None
    problem = ""
    filled = [section for section in sections if section["fields"]]
    try:
        definition = form_from_definition({"sections": filled}) if filled else None
    except InvalidInput as error:
        problem = str(error.message)
    for section in sections:
        parsed = definition.section(section["key"]) if definition else None
        if parsed is not None and not parsed.page_fields:
            continue
        pages.append(
            {
                "kind": "section",
                "title": in_language(section.get("title")),
                "html": _render(definition, parsed.page_fields)
                if definition and parsed
                else None,
                "fields": [
                    field_summary(field, by_key)
                    for field in section["fields"]
                    if field.get("type") != "declaration"
                ],
                "problem": problem,
            }
        )
    if definition and definition.declaration:
        pages.append(
            {
                "kind": "declaration",
                "title": _("Check your answers and send"),
                "html": _render(definition, [definition.declaration]),
                "fields": [field_summary(by_key[definition.declaration.key], by_key)],
                "problem": "",
            }
        )
    return pages
