"""The builder's form editing: sections (pages) and fields of a draft's form.
Each change is checked on the whole resulting form: a draft may have empty
sections or no declaration yet, never a malformed field."""

import copy
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saduak.audit.services import audit_record
from saduak.core.bilingual import clean_text
from saduak.core.errors import InvalidInput
from saduak.eservices.models import ServiceVersion
from saduak.eservices.services.builder_common import (
    DOWN,
    UP,
    copy_pieces,
    ensure_can_build,
    locked_draft,
)
from saduak.eservices.workflow import CODE


def _form_parse(definition: dict[str, Any]) -> Any:
    # Imported here: the forms engine imports the builder's neighbours.
    from saduak.forms_engine.definition import form_from_definition

    return form_from_definition(definition)


def _fields(form: dict[str, Any]) -> list[dict[str, Any]]:
    return [field for section in form["sections"] for field in section["fields"]]


def form_check(form: Any, *, complete: bool) -> dict[str, Any]:
    """The form definition checked (sections here, fields by the forms engine)
    and returned trimmed. A draft may have empty sections, or no declaration
    yet; `complete` (publishing) requires fields in every section and a
    declaration."""
    if form in (None, {}):
        form = {"sections": []}
    if not isinstance(form, dict) or not isinstance(form.get("sections", []), list):
        raise InvalidInput(_("The form is not valid."), code="form-invalid")
    sections: list[dict[str, Any]] = []
    keys: set[str] = set()
    for position, raw in enumerate(form.get("sections") or [], start=1):
        where = _("Section %(number)s") % {"number": position}
        if not isinstance(raw, dict) or not isinstance(raw.get("fields", []), list):
            raise InvalidInput(
                _("%(where)s is not a section.") % {"where": where}, code="form-invalid"
            )
        key = str(raw.get("key") or "")
        if not CODE.match(key):
            raise InvalidInput(
                _(
                    "%(where)s: the key must start with a small letter and use only "
                    "small letters, digits and _ (at most 40)."
                )
                % {"where": where},
                code="form-invalid",
                field="key",
            )
        if key in keys:
            raise InvalidInput(
                _("Two sections have the key %(key)s.") % {"key": key},
                code="form-invalid",
                field="key",
            )
        keys.add(key)
        sections.append(
            {
                "key": key,
                "title": clean_text(raw.get("title"), where=where),
                "fields": list(raw.get("fields") or []),
            }
        )
    cleaned: dict[str, Any] = {"sections": sections}
    fields = _fields(cleaned)
    if complete:
        empty = [section for section in sections if not section["fields"]]
        if not fields:
            raise InvalidInput(_("The form has no fields yet."), code="form-incomplete")
        if empty:
            raise InvalidInput(
                _("The section “%(section)s” has no fields: add some or remove it.")
                % {"section": empty[0]["title"]["th"]},
                code="form-incomplete",
            )
        if not any(field.get("type") == "declaration" for field in fields):
            raise InvalidInput(
                _(
                    "The form needs a declaration the applicant confirms before "
                    "sending."
                ),
                code="form-incomplete",
            )
    if fields:
        # The engine checks the fields; a draft's empty sections are left out
        # so that an engine that refuses them does not block the editing.
        _form_parse(
            cleaned
            if complete
            else {"sections": [section for section in sections if section["fields"]]}
        )
    return cleaned


def _section_index(form: dict[str, Any], section_key: str) -> int:
    for index, section in enumerate(form["sections"]):
        if section["key"] == section_key:
            return index
    raise InvalidInput(
        _("The form has no section %(key)s.") % {"key": section_key},
        code="section-unknown",
    )


def _field_place(form: dict[str, Any], field_key: str) -> tuple[int, int]:
    for section_index, section in enumerate(form["sections"]):
        for index, field in enumerate(section["fields"]):
            if field.get("key") == field_key:
                return section_index, index
    raise InvalidInput(
        _("The form has no field %(key)s.") % {"key": field_key},
        code="field-unknown",
    )


def _dependants(form: dict[str, Any], field_key: str) -> list[str]:
    return [
        str(field.get("key"))
        for field in _fields(form)
        if isinstance(field.get("show_if"), dict)
        and field["show_if"].get("field") == field_key
    ]


def _edit_form(
    version: ServiceVersion,
    actor: Any,
    action: str,
    change: Callable[[dict[str, Any]], dict[str, Any]],
) -> ServiceVersion:
    """Applies `change` to a copy of the draft's form, checks the result and
    saves it; `change` returns what the audit event records."""
    ensure_can_build(actor)
    with transaction.atomic():
        locked = locked_draft(version)
        form = copy.deepcopy(locked.form) or {"sections": []}
        form.setdefault("sections", [])
        details = change(form)
        locked.form = form_check(form, complete=False)
        locked.save(update_fields=["form", "updated_at"])
        audit_record(actor=actor, action=action, target=locked, after=details)
    copy_pieces(locked, version)
    return locked


def _checked_field(field: Any) -> dict[str, Any]:
    if not isinstance(field, dict) or not CODE.match(str(field.get("key") or "")):
        raise InvalidInput(
            _(
                "The field key must start with a small letter and use only small "
                "letters, digits and _ (at most 40)."
            ),
            field="key",
            code="form-invalid",
        )
    return copy.deepcopy(field)


def _ensure_key_free(form: dict[str, Any], key: str) -> None:
    if any(field.get("key") == key for field in _fields(form)):
        raise InvalidInput(
            _("Another field has the key %(key)s already.") % {"key": key},
            field="key",
            code="form-invalid",
        )


def form_field_add(
    *, version: ServiceVersion, section_key: str, field: dict[str, Any], actor: Any
) -> ServiceVersion:
    """Adds `field` at the end of a section of a draft. Audited as
    `eservices.form.field_add`."""
    new = _checked_field(field)

    def change(form: dict[str, Any]) -> dict[str, Any]:
        _ensure_key_free(form, new["key"])
        form["sections"][_section_index(form, section_key)]["fields"].append(new)
        return {"section": section_key, "field": new}

    return _edit_form(version, actor, "eservices.form.field_add", change)


def form_field_update(
    *, version: ServiceVersion, field_key: str, field: dict[str, Any], actor: Any
) -> ServiceVersion:
    """Replaces a field of a draft. A new key is carried into the conditions
    of the fields shown depending on it. Audited as
    `eservices.form.field_update`."""
    new = _checked_field(field)

    def change(form: dict[str, Any]) -> dict[str, Any]:
        section_index, index = _field_place(form, field_key)
        if new["key"] != field_key:
            _ensure_key_free(form, new["key"])
            for other in _fields(form):
                condition = other.get("show_if")
                if isinstance(condition, dict) and condition.get("field") == field_key:
                    condition["field"] = new["key"]
        before = form["sections"][section_index]["fields"][index]
        form["sections"][section_index]["fields"][index] = new
        return {"before": before, "field": new}

    return _edit_form(version, actor, "eservices.form.field_update", change)


def form_field_remove(
    *, version: ServiceVersion, field_key: str, actor: Any
) -> ServiceVersion:
    """Removes a field from a draft, unless another field is shown depending
    on it. Audited as `eservices.form.field_remove`."""

    def change(form: dict[str, Any]) -> dict[str, Any]:
        section_index, index = _field_place(form, field_key)
        dependants = _dependants(form, field_key)
        if dependants:
            raise InvalidInput(
                _(
                    "The field %(key)s decides whether %(others)s is shown: change "
                    "that condition first."
                )
                % {"key": field_key, "others": ", ".join(dependants)},
                code="field-in-use",
            )
        removed = form["sections"][section_index]["fields"].pop(index)
        return {"field": removed}

    return _edit_form(version, actor, "eservices.form.field_remove", change)


def form_field_move(
    *, version: ServiceVersion, field_key: str, direction: str, actor: Any
) -> ServiceVersion:
    """Moves a field one place up or down; from the top or bottom of a section
    into the one before or after. A field shown depending on another must stay
    after it. Audited as `eservices.form.field_move`."""

    def change(form: dict[str, Any]) -> dict[str, Any]:
        section_index, index = _field_place(form, field_key)
        sections = form["sections"]
        fields = sections[section_index]["fields"]
        field = fields.pop(index)
        if direction == UP and index > 0:
            fields.insert(index - 1, field)
        elif direction == UP and section_index > 0:
            sections[section_index - 1]["fields"].append(field)
        elif direction == DOWN and index < len(fields):
            fields.insert(index + 1, field)
        elif direction == DOWN and section_index < len(sections) - 1:
            sections[section_index + 1]["fields"].insert(0, field)
        else:
            fields.insert(index, field)
        _check_conditions_order(form)
        return {"field": field_key, "direction": direction}

    return _edit_form(version, actor, "eservices.form.field_move", change)


def _check_conditions_order(form: dict[str, Any]) -> None:
    seen: set[str] = set()
    for field in _fields(form):
        condition = field.get("show_if")
        if isinstance(condition, dict) and condition.get("field") not in seen:
            raise InvalidInput(
                _(
                    "The field %(key)s is shown depending on %(source)s, so it must "
                    "come after it."
                )
                % {"key": field.get("key"), "source": condition.get("field")},
                code="form-invalid",
            )
        seen.add(str(field.get("key")))


def form_section_add(
    *, version: ServiceVersion, key: str, title: dict[str, str], actor: Any
) -> ServiceVersion:
    """Adds an empty section (a page of the form) at the end of a draft's form.
    Audited as `eservices.form.section_add`."""

    def change(form: dict[str, Any]) -> dict[str, Any]:
        form["sections"].append({"key": key, "title": title, "fields": []})
        return {"section": key, "title": title}

    return _edit_form(version, actor, "eservices.form.section_add", change)


def form_section_update(
    *, version: ServiceVersion, section_key: str, title: dict[str, str], actor: Any
) -> ServiceVersion:
    """Renames a section of a draft. Audited as `eservices.form.section_update`."""

    def change(form: dict[str, Any]) -> dict[str, Any]:
        section = form["sections"][_section_index(form, section_key)]
        before, section["title"] = section["title"], title
        return {"section": section_key, "before": before, "title": title}

    return _edit_form(version, actor, "eservices.form.section_update", change)


def form_section_remove(
    *, version: ServiceVersion, section_key: str, actor: Any
) -> ServiceVersion:
    """Removes an empty section of a draft; one with fields is refused, so no
    field is lost by one click. Audited as `eservices.form.section_remove`."""

    def change(form: dict[str, Any]) -> dict[str, Any]:
        index = _section_index(form, section_key)
        if form["sections"][index]["fields"]:
            raise InvalidInput(
                _("Move or remove the fields of this section first."),
                code="section-not-empty",
            )
        removed = form["sections"].pop(index)
        return {"section": section_key, "title": removed["title"]}

    return _edit_form(version, actor, "eservices.form.section_remove", change)


def form_section_move(
    *, version: ServiceVersion, section_key: str, direction: str, actor: Any
) -> ServiceVersion:
    """Moves a section one place up or down. Audited as
    `eservices.form.section_move`."""

    def change(form: dict[str, Any]) -> dict[str, Any]:
        sections = form["sections"]
        index = _section_index(form, section_key)
        target = index - 1 if direction == UP else index + 1
        if 0 <= target < len(sections):
            sections[index], sections[target] = sections[target], sections[index]
        _check_conditions_order(form)
        return {"section": section_key, "direction": direction}

    return _edit_form(version, actor, "eservices.form.section_move", change)
