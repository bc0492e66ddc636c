"""The builder's form editor: sections (pages) and their fields, each field
with only the options its type has. Every change is one POST; nothing needs a
script."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saduak.accounts.permissions import acting_user
from saduak.core.errors import DomainError, NotFound
from saduak.eservices.forms_builder import (
    FIELD_TYPE_LABELS,
    FieldForm,
    FieldTypeForm,
    SectionForm,
)
from saduak.eservices.models import ServiceVersion
from saduak.eservices.services import builder
from saduak.eservices.views.builder import (
    builder_required,
    editor_save,
    one_click,
    posted_direction,
    refusal,
    version_context,
    version_get,
)
from saduak.eservices.views.builder_preview import field_summary


def _sections(version: ServiceVersion) -> list[dict[str, Any]]:
    return list((version.form or {}).get("sections") or [])


def _all_fields(version: ServiceVersion) -> list[dict[str, Any]]:
    return [field for section in _sections(version) for field in section["fields"]]


def _editor(
    request: HttpRequest,
    version: ServiceVersion,
    *,
    new_section: SectionForm | None = None,
    renaming: tuple[str, SectionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    fields = _all_fields(version)
    by_key = {str(field.get("key")): field for field in fields}
    sections = []
    for section in _sections(version):
        bound = renaming[1] if renaming and renaming[0] == section["key"] else None
        sections.append(
            {
                "key": section["key"],
                "title": section["title"],
                "rename": bound
                or SectionForm(
                    renaming=True,
                    prefix=f"s-{section['key']}",
                    initial={
                        "title_th": section["title"].get("th", ""),
                        "title_en": section["title"].get("en", ""),
                    },
                ),
                "open": bound is not None,
                "fields": [field_summary(field, by_key) for field in section["fields"]],
                "type_form": FieldTypeForm(auto_id=f"id_{section['key']}_%s"),
            }
        )
    return render(
        request,
        "eservices/builder/version_form.html",
        {
            **version_context(version, "form"),
            "sections": sections,
            "new_section": new_section or SectionForm(prefix="new"),
            "problems": _form_problems(version),
        },
        status=status,
    )


def _form_problems(version: ServiceVersion) -> list[str]:
    try:
        builder.form_check(version.form, complete=True)
    except DomainError as error:
        return [str(error.message)]
    return []


@builder_required
def form_editor(request: HttpRequest, code: str, number: int) -> HttpResponse:
    return _editor(request, version_get(code, number))


@builder_required
@require_POST
def section_add(request: HttpRequest, code: str, number: int) -> HttpResponse:
    version = version_get(code, number)
    form = SectionForm(request.POST, prefix="new")
    taken = {section["key"] for section in _sections(version)}
    saved = editor_save(
        request,
        version,
        "form",
        form,
        _("The section is added."),
        lambda: builder.form_section_add(
            version=version,
            key=form.section_key(taken),
            title=form.title(),
            actor=acting_user(request),
        ),
    )
    return saved or _editor(request, version, new_section=form, status=400)


@builder_required
@require_POST
def section_update(
    request: HttpRequest, code: str, number: int, section_key: str
) -> HttpResponse:
    version = version_get(code, number)
    form = SectionForm(request.POST, renaming=True, prefix=f"s-{section_key}")
    saved = editor_save(
        request,
        version,
        "form",
        form,
        _("The section is renamed."),
        lambda: builder.form_section_update(
            version=version,
            section_key=section_key,
            title=form.title(),
            actor=acting_user(request),
        ),
    )
    return saved or _editor(request, version, renaming=(section_key, form), status=400)


@builder_required
@require_POST
def section_move(
    request: HttpRequest, code: str, number: int, section_key: str
) -> HttpResponse:
    direction = posted_direction(request)
    return one_click(
        request,
        version_get(code, number),
        "form",
        _("The section is moved."),
        lambda **kwargs: builder.form_section_move(
            section_key=section_key, direction=direction, **kwargs
        ),
    )


@builder_required
@require_POST
def section_remove(
    request: HttpRequest, code: str, number: int, section_key: str
) -> HttpResponse:
    return one_click(
        request,
        version_get(code, number),
        "form",
        _("The section is removed."),
        lambda **kwargs: builder.form_section_remove(section_key=section_key, **kwargs),
    )


@builder_required
@require_POST
def field_move(
    request: HttpRequest, code: str, number: int, field_key: str
) -> HttpResponse:
    direction = posted_direction(request)
    return one_click(
        request,
        version_get(code, number),
        "form",
        _("The field is moved."),
        lambda **kwargs: builder.form_field_move(
            field_key=field_key, direction=direction, **kwargs
        ),
    )


@builder_required
@require_POST
def field_remove(
    request: HttpRequest, code: str, number: int, field_key: str
) -> HttpResponse:
    return one_click(
        request,
        version_get(code, number),
        "form",
        _("The field is removed."),
        lambda **kwargs: builder.form_field_remove(field_key=field_key, **kwargs),
    )


def _field_page(
    request: HttpRequest,
    version: ServiceVersion,
    form: FieldForm,
    *,
    section: dict[str, Any],
    editing: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "eservices/builder/field_edit.html",
        {
            **version_context(version, "form"),
            "form": form,
            "columns": form.columns,
            "section": section,
            "editing": editing,
            "type_label": FIELD_TYPE_LABELS.get(form.field_type, form.field_type),
            "field_type": form.field_type,
        },
        status=status,
    )


@builder_required
def field_new(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Adds a field of the type chosen at the end of a section."""
    version = version_get(code, number)
    source = request.POST if request.method == "POST" else request.GET
    section_key, field_type = source.get("section", ""), source.get("type", "")
    sections = _sections(version)
    keys = [section["key"] for section in sections]
    if section_key not in keys or field_type not in FIELD_TYPE_LABELS:
        raise NotFound(_("Choose a section and a type of field from the form editor."))
    section = sections[keys.index(section_key)]
    earlier = [
        field
        for item in sections[: keys.index(section_key) + 1]
        for field in item["fields"]
    ]
    form = FieldForm(
        request.POST if request.method == "POST" else None,
        field_type=field_type,
        earlier=earlier,
    )
    if request.method == "POST" and form.is_valid():
        taken = {str(field.get("key")) for field in _all_fields(version)}
        field = form.field(taken)
        try:
            builder.form_field_add(
                version=version,
                section_key=section_key,
                field=field,
                actor=acting_user(request),
            )
        except DomainError as error:
            refusal(form, error)
        else:
            messages.success(request, _("The field is added."))
            return redirect(
                reverse("eservices-builder:form", args=[code, number])
                + f"#field-{field['key']}"
            )
    return _field_page(
        request,
        version,
        form,
        section=section,
        status=400 if request.method == "POST" else 200,
    )


@builder_required
def field_edit(
    request: HttpRequest, code: str, number: int, field_key: str
) -> HttpResponse:
    version = version_get(code, number)
    earlier: list[dict[str, Any]] = []
    found = None
    for section in _sections(version):
        for field in section["fields"]:
            if field.get("key") == field_key:
                found = (section, field)
                break
            earlier.append(field)
        if found:
            break
    if found is None:
        raise NotFound(_("The form has no such field."))
    section, current = found
    form = FieldForm(
        request.POST if request.method == "POST" else None,
        field_type=str(current.get("type")),
        earlier=earlier,
        initial=FieldForm.initial_from(current),
    )
    if request.method == "POST" and form.is_valid():
        taken = {
            str(field.get("key"))
            for field in _all_fields(version)
            if field.get("key") != field_key
        }
        field = form.field(taken)
        try:
            builder.form_field_update(
                version=version,
                field_key=field_key,
                field=field,
                actor=acting_user(request),
            )
        except DomainError as error:
            refusal(form, error)
        else:
            messages.success(request, _("The field is saved."))
            return redirect(
                reverse("eservices-builder:form", args=[code, number])
                + f"#field-{field['key']}"
            )
    return _field_page(
        request,
        version,
        form,
        section=section,
        editing=field_key,
        status=400 if request.method == "POST" else 200,
    )
