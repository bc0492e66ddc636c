"""The builder's form editing: sections (pages) and fields of a draft's form,
through the shared form editor (saduak/forms_engine/editing.py). Each change
is checked on the whole resulting form: a draft may have empty sections or no
declaration yet, never a malformed field."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput
from saduak.eservices.models import ServiceVersion
from saduak.eservices.services.builder_common import (
    copy_pieces,
    ensure_can_build,
    locked_draft,
)
from saduak.forms_engine import editing
from saduak.forms_engine.editing import Operation


def _declaration_required(fields: list[dict[str, Any]]) -> None:
    if not any(field.get("type") == "declaration" for field in fields):
        raise InvalidInput(
            _("The form needs a declaration the applicant confirms before sending."),
            code="form-incomplete",
        )


def form_check(form: Any, *, complete: bool) -> dict[str, Any]:
    """The form definition checked (sections here, fields by the forms engine)
    and returned trimmed. A draft may have empty sections, or no declaration
    yet; `complete` (publishing) requires fields in every section and a
    declaration."""
    return editing.form_check(
        form, complete=complete, complete_also=_declaration_required
    )


def form_problems(form: Any) -> list[str]:
    """What stops the form from being published, as messages."""
    return editing.form_problems(form, complete_also=_declaration_required)


def form_edit(
    *, version: ServiceVersion, operation: Operation, actor: Any
) -> ServiceVersion:
    """Applies one editor operation (forms_engine.editing) to the draft's
    form, as locked, and saves the checked result. Audited as
    `eservices.form.<operation>` with what the operation records.
    Preconditions: `eservice.build`; the version is a draft."""
    ensure_can_build(actor)
    with transaction.atomic():
        locked = locked_draft(version)
        edit = operation(locked.form)
        locked.form = edit.form
        locked.save(update_fields=["form", "updated_at"])
        audit_record(
            actor=actor,
            action=f"eservices.form.{edit.action}",
            target=locked,
            after=edit.details,
        )
    copy_pieces(locked, version)
    return locked


def form_field_add(
    *, version: ServiceVersion, section_key: str, field: dict[str, Any], actor: Any
) -> ServiceVersion:
    """Adds `field` at the end of a section of a draft. Audited as
    `eservices.form.field_add`."""
    return form_edit(
        version=version,
        actor=actor,
        operation=lambda form: editing.field_add(
            form, section_key=section_key, field=field
        ),
    )


def form_field_update(
    *, version: ServiceVersion, field_key: str, field: dict[str, Any], actor: Any
) -> ServiceVersion:
    """Replaces a field of a draft. A new key is carried into the conditions
    of the fields shown depending on it. Audited as
    `eservices.form.field_update`."""
    return form_edit(
        version=version,
        actor=actor,
        operation=lambda form: editing.field_update(
            form, field_key=field_key, field=field
        ),
    )


def form_field_remove(
    *, version: ServiceVersion, field_key: str, actor: Any
) -> ServiceVersion:
    """Removes a field from a draft, unless another field is shown depending
    on it. Audited as `eservices.form.field_remove`."""
    return form_edit(
        version=version,
        actor=actor,
        operation=lambda form: editing.field_remove(form, field_key=field_key),
    )


def form_field_move(
    *, version: ServiceVersion, field_key: str, direction: str, actor: Any
) -> ServiceVersion:
    """Moves a field one place up or down; from the top or bottom of a section
    into the one before or after. A field shown depending on another must stay
    after it. Audited as `eservices.form.field_move`."""
    return form_edit(
        version=version,
        actor=actor,
        operation=lambda form: editing.field_move(
            form, field_key=field_key, direction=direction
        ),
    )


def form_section_add(
    *, version: ServiceVersion, key: str, title: dict[str, str], actor: Any
) -> ServiceVersion:
    """Adds an empty section (a page of the form) at the end of a draft's form.
    Audited as `eservices.form.section_add`."""
    return form_edit(
        version=version,
        actor=actor,
        operation=lambda form: editing.section_add(form, key=key, title=title),
    )


def form_section_update(
    *, version: ServiceVersion, section_key: str, title: dict[str, str], actor: Any
) -> ServiceVersion:
    """Renames a section of a draft. Audited as `eservices.form.section_update`."""
    return form_edit(
        version=version,
        actor=actor,
        operation=lambda form: editing.section_update(
            form, section_key=section_key, title=title
        ),
    )


def form_section_remove(
    *, version: ServiceVersion, section_key: str, actor: Any
) -> ServiceVersion:
    """Removes an empty section of a draft; one with fields is refused, so no
    field is lost by one click. Audited as `eservices.form.section_remove`."""
    return form_edit(
        version=version,
        actor=actor,
        operation=lambda form: editing.section_remove(form, section_key=section_key),
    )


def form_section_move(
    *, version: ServiceVersion, section_key: str, direction: str, actor: Any
) -> ServiceVersion:
    """Moves a section one place up or down. Audited as
    `eservices.form.section_move`."""
    return form_edit(
        version=version,
        actor=actor,
        operation=lambda form: editing.section_move(
            form, section_key=section_key, direction=direction
        ),
    )
