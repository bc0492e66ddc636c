"""The form editor's operations: sections (pages) and fields of a form
definition (`{"sections": [{"key", "title", "fields": [...]}]}`), each a pure
function of the current definition returning an `Edit`: the new definition,
checked whole, and what an audit event records. A host (an e-service draft, a
report request, a GECC round) applies one inside its own service, with its own
permission check, row lock and audit event (editor_views.EditorHost).

A draft definition may have empty sections, never a malformed field: every
operation checks the whole result with `form_check`, which leaves the fields
to the engine (definition.form_from_definition)."""

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from saduak.core.bilingual import clean_text
from saduak.core.errors import InvalidInput
from saduak.forms_engine.definition import KEY, form_from_definition

UP, DOWN = "up", "down"

Definition = dict[str, Any]


@dataclass(frozen=True)
class Edit:
    """One operation's result: the new definition (checked and trimmed), the
    operation's name (`field_add`, `section_move`...: the host's audit action
    ends with it) and the details its audit event records."""

    form: Definition
    action: str
    details: dict[str, Any] = field(default_factory=dict)


Operation = Callable[[Any], Edit]


def form_fields(form: Definition) -> list[dict[str, Any]]:
    """Every field of a definition, section after section."""
    return [item for section in form["sections"] for item in section["fields"]]


def form_check(
    form: Any,
    *,
    complete: bool,
    complete_also: Callable[[list[dict[str, Any]]], None] | None = None,
) -> Definition:
    """The form definition checked (sections here, fields by the forms engine)
    and returned trimmed. A draft may have empty sections; `complete` requires
    fields, and fields in every section, then runs `complete_also` (the host's
    own requirement, such as an e-service's declaration) on the fields."""
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
        if not KEY.match(key):
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
    cleaned: Definition = {"sections": sections}
    fields = form_fields(cleaned)
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
        if complete_also is not None:
            complete_also(fields)
    if fields:
        # The engine checks the fields; a draft's empty sections are left out
        # so that an engine that refuses them does not block the editing.
        form_from_definition(
            cleaned
            if complete
            else {"sections": [section for section in sections if section["fields"]]}
        )
    return cleaned


def form_problems(
    form: Any,
    *,
    complete_also: Callable[[list[dict[str, Any]]], None] | None = None,
) -> list[str]:
    """What still stops a definition from being complete, as messages (none
    when it is)."""
    try:
        form_check(form, complete=True, complete_also=complete_also)
    except InvalidInput as error:
        return [str(error.message)]
    return []


def types_check(
    form: Definition, *, allowed: Iterable[str], prefill: bool
) -> Definition:
    """Refuses a field of a type the host does not offer (a report form has no
    bank account or declaration), or one filled in from the digital ID when
    the host has no citizen to fill it from."""
    offered = set(allowed)
    for item in form_fields(form):
        if item.get("type") not in offered:
            raise InvalidInput(
                _("The field %(key)s is of a type this form cannot have.")
                % {"key": item.get("key")},
                code="form-invalid",
            )
        if item.get("prefill") and not prefill:
            raise InvalidInput(
                _("The field %(key)s cannot be filled in from the digital ID here.")
                % {"key": item.get("key")},
                code="form-invalid",
            )
    return form


def _start(form: Any) -> Definition:
    started = copy.deepcopy(form) or {"sections": []}
    started.setdefault("sections", [])
    return started


def _done(form: Definition, action: str, details: dict[str, Any]) -> Edit:
    return Edit(form_check(form, complete=False), action, details)


def _section_index(form: Definition, section_key: str) -> int:
    for index, section in enumerate(form["sections"]):
        if section["key"] == section_key:
            return index
    raise InvalidInput(
        _("The form has no section %(key)s.") % {"key": section_key},
        code="section-unknown",
    )


def _field_place(form: Definition, field_key: str) -> tuple[int, int]:
    for section_index, section in enumerate(form["sections"]):
        for index, item in enumerate(section["fields"]):
            if item.get("key") == field_key:
                return section_index, index
    raise InvalidInput(
        _("The form has no field %(key)s.") % {"key": field_key},
        code="field-unknown",
    )


def _dependants(form: Definition, field_key: str) -> list[str]:
    return [
        str(item.get("key"))
        for item in form_fields(form)
        if isinstance(item.get("show_if"), dict)
        and item["show_if"].get("field") == field_key
    ]


def _checked_field(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not KEY.match(str(raw.get("key") or "")):
        raise InvalidInput(
            _(
                "The field key must start with a small letter and use only small "
                "letters, digits and _ (at most 40)."
            ),
            field="key",
            code="form-invalid",
        )
    return copy.deepcopy(raw)


def _ensure_key_free(form: Definition, key: str) -> None:
    if any(item.get("key") == key for item in form_fields(form)):
        raise InvalidInput(
            _("Another field has the key %(key)s already.") % {"key": key},
            field="key",
            code="form-invalid",
        )


def _check_conditions_order(form: Definition) -> None:
    seen: set[str] = set()
    for item in form_fields(form):
        condition = item.get("show_if")
        if isinstance(condition, dict) and condition.get("field") not in seen:
            raise InvalidInput(
                _(
                    "The field %(key)s is shown depending on %(source)s, so it must "
                    "come after it."
                )
                % {"key": item.get("key"), "source": condition.get("field")},
                code="form-invalid",
            )
        seen.add(str(item.get("key")))


def form_replace(current: Any, *, form: Any) -> Edit:
    """The whole definition replaced by `form` (checked as a draft)."""
    before = _start(current)
    checked = form_check(form, complete=False)
    return Edit(
        checked,
        "replace",
        {
            "sections_before": len(before["sections"]),
            "fields_before": len(form_fields(before)),
            "sections": len(checked["sections"]),
            "fields": len(form_fields(checked)),
        },
    )


def field_add(current: Any, *, section_key: str, field: dict[str, Any]) -> Edit:
    """`field` added at the end of a section."""
    new = _checked_field(field)
    form = _start(current)
    _ensure_key_free(form, new["key"])
    form["sections"][_section_index(form, section_key)]["fields"].append(new)
    return _done(form, "field_add", {"section": section_key, "field": new})


def field_update(current: Any, *, field_key: str, field: dict[str, Any]) -> Edit:
    """A field replaced; a new key is carried into the conditions of the
    fields shown depending on it."""
    new = _checked_field(field)
    form = _start(current)
    section_index, index = _field_place(form, field_key)
    if new["key"] != field_key:
        _ensure_key_free(form, new["key"])
        for other in form_fields(form):
            condition = other.get("show_if")
            if isinstance(condition, dict) and condition.get("field") == field_key:
                condition["field"] = new["key"]
    before = form["sections"][section_index]["fields"][index]
    form["sections"][section_index]["fields"][index] = new
    return _done(form, "field_update", {"before": before, "field": new})


def field_remove(current: Any, *, field_key: str) -> Edit:
    """A field removed, unless another field is shown depending on it."""
    form = _start(current)
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
    return _done(form, "field_remove", {"field": removed})


def field_move(current: Any, *, field_key: str, direction: str) -> Edit:
    """A field moved one place up or down; from the top or bottom of a section
    into the one before or after. A field shown depending on another must stay
    after it."""
    form = _start(current)
    section_index, index = _field_place(form, field_key)
    sections = form["sections"]
    fields = sections[section_index]["fields"]
    moved = fields.pop(index)
    if direction == UP and index > 0:
        fields.insert(index - 1, moved)
    elif direction == UP and section_index > 0:
        sections[section_index - 1]["fields"].append(moved)
    elif direction == DOWN and index < len(fields):
        fields.insert(index + 1, moved)
    elif direction == DOWN and section_index < len(sections) - 1:
        sections[section_index + 1]["fields"].insert(0, moved)
    else:
        fields.insert(index, moved)
    _check_conditions_order(form)
    return _done(form, "field_move", {"field": field_key, "direction": direction})


def section_add(current: Any, *, key: str, title: dict[str, str]) -> Edit:
    """An empty section (a page of the form) added at the end."""
    form = _start(current)
    form["sections"].append({"key": key, "title": title, "fields": []})
    return _done(form, "section_add", {"section": key, "title": title})


def section_update(current: Any, *, section_key: str, title: dict[str, str]) -> Edit:
    """A section renamed."""
    form = _start(current)
    section = form["sections"][_section_index(form, section_key)]
    before, section["title"] = section["title"], title
    return _done(
        form,
        "section_update",
        {"section": section_key, "before": before, "title": title},
    )


def section_remove(current: Any, *, section_key: str) -> Edit:
    """An empty section removed; one with fields is refused, so no field is
    lost by one click."""
    form = _start(current)
    index = _section_index(form, section_key)
    if form["sections"][index]["fields"]:
        raise InvalidInput(
            _("Move or remove the fields of this section first."),
            code="section-not-empty",
        )
    removed = form["sections"].pop(index)
    return _done(
        form, "section_remove", {"section": section_key, "title": removed["title"]}
    )


def section_move(current: Any, *, section_key: str, direction: str) -> Edit:
    """A section moved one place up or down."""
    form = _start(current)
    sections = form["sections"]
    index = _section_index(form, section_key)
    target = index - 1 if direction == UP else index + 1
    if 0 <= target < len(sections):
        sections[index], sections[target] = sections[target], sections[index]
    _check_conditions_order(form)
    return _done(form, "section_move", {"section": section_key, "direction": direction})
