"""The form editor's pages, for any app that keeps a form definition: the
sections (pages) and their fields, each field with only the options its type
has. Every change is one POST; nothing needs a script.

The app hosting the editor gives an `EditorHost`: how to read its definition,
how to save a change through its own service (its permission check, row lock
and audit event), its URL namespace and arguments, the field types it offers,
whether a field may be filled in from the digital ID, and what its pages show
around the editor (title, back link, tabs). `editor_urls` makes the editor's
URL patterns for a host loader."""

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saduak.accounts.permissions import acting_user
from saduak.core.errors import DomainError, NotFound, PermissionDeniedError
from saduak.forms_engine import editing
from saduak.forms_engine.definition import FIELD_TYPES
from saduak.forms_engine.editing import Operation
from saduak.forms_engine.editor_forms import (
    FIELD_TYPE_LABELS,
    FieldForm,
    FieldTypeForm,
    SectionForm,
    field_summary,
)


class EditorHost:
    """What the editor needs from the app that keeps the definition. An app
    subclasses it; `definition`, `edit` and `url_args` are required."""

    # The URL namespace the host mounted `editor_urls` under, and the name of
    # the editor's main page in it.
    namespace = ""
    page_name = "form"
    # The page the editor's templates extend: it must have the blocks
    # `editor_title` and `editor` (forms_engine/editor/page.html has).
    base_template = "forms_engine/editor/page.html"
    field_types: Sequence[str] = FIELD_TYPES
    prefill = False
    read_only = False

    def url_args(self) -> list[Any]:
        raise NotImplementedError

    def definition(self) -> dict[str, Any]:
        raise NotImplementedError

    def edit(self, *, actor: Any, operation: Operation) -> None:
        """Applies one operation (forms_engine.editing) through the host's own
        service; DomainError when refused."""
        raise NotImplementedError

    def problems(self) -> list[str]:
        """What stops the form from being used yet (shown above the editor)."""
        return editing.form_problems(self.definition())

    def context(self) -> dict[str, Any]:
        """What the host's pages show around the editor."""
        return {}

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"{self.namespace}:{name}", args=[*self.url_args(), *args])

    def page_url(self) -> str:
        return self.url(self.page_name)

    # The parts of the definition the views read.
    def sections(self) -> list[dict[str, Any]]:
        return list((self.definition() or {}).get("sections") or [])

    def all_fields(self) -> list[dict[str, Any]]:
        return [field for section in self.sections() for field in section["fields"]]


HostLoader = Callable[..., EditorHost]


def refusal(form: Any, error: DomainError) -> None:
    """A refused edit as a message at the top of the editor's form. The
    engine's `field` names a field of the definition, not of the editor's
    form, so it is not used; not found and forbidden are not a form's error."""
    if isinstance(error, NotFound | PermissionDeniedError):
        raise error
    form.add_error(None, str(error.message))


def _context(host: EditorHost, **extra: Any) -> dict[str, Any]:
    return {
        "read_only": host.read_only,
        **host.context(),
        "editor": host,
        "editor_base": host.base_template,
        "editor_page_url": host.page_url(),
        **extra,
    }


def _save(
    request: HttpRequest,
    host: EditorHost,
    form: Any,
    done: str,
    operation: Operation,
) -> HttpResponse | None:
    """An edit from an editor's form: when the form is valid, the operation
    runs and the editor is shown again with `done`; None when the form (now
    with the refusal at its top) must be shown again with what was typed."""
    if not form.is_valid():
        return None
    try:
        host.edit(actor=acting_user(request), operation=operation)
    except DomainError as error:
        refusal(form, error)
        return None
    messages.success(request, done)
    return redirect(host.page_url())


def _one_click(
    request: HttpRequest, host: EditorHost, done: str, operation: Operation
) -> HttpResponse:
    """A move or a removal: no input to keep, so a refusal is a message on
    the editor's page."""
    try:
        host.edit(actor=acting_user(request), operation=operation)
    except (NotFound, PermissionDeniedError):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(host.page_url())


def _direction(request: HttpRequest) -> str:
    return editing.UP if request.POST.get("direction") == editing.UP else editing.DOWN


def _editor(
    request: HttpRequest,
    host: EditorHost,
    *,
    new_section: SectionForm | None = None,
    renaming: tuple[str, SectionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    by_key = {str(field.get("key")): field for field in host.all_fields()}
    sections = []
    for section in host.sections():
        key = section["key"]
        bound = renaming[1] if renaming and renaming[0] == key else None
        sections.append(
            {
                "key": key,
                "title": section["title"],
                "rename": bound
                or SectionForm(
                    renaming=True,
                    prefix=f"s-{key}",
                    initial={
                        "title_th": section["title"].get("th", ""),
                        "title_en": section["title"].get("en", ""),
                    },
                ),
                "open": bound is not None,
                "urls": {
                    "move": host.url("section-move", key),
                    "remove": host.url("section-remove", key),
                    "update": host.url("section-update", key),
                },
                "fields": [
                    {
                        **field_summary(field, by_key),
                        "urls": {
                            name: host.url(f"field-{name}", field.get("key"))
                            for name in ("edit", "move", "remove")
                        },
                    }
                    for field in section["fields"]
                ],
                "type_form": FieldTypeForm(
                    auto_id=f"id_{key}_%s", types=host.field_types
                ),
            }
        )
    return render(
        request,
        "forms_engine/editor/form.html",
        _context(
            host,
            sections=sections,
            new_section=new_section or SectionForm(prefix="new"),
            problems=host.problems(),
            section_add_url=host.url("section-add"),
            field_new_url=host.url("field-new"),
        ),
        status=status,
    )


def form_editor(request: HttpRequest, host: EditorHost) -> HttpResponse:
    return _editor(request, host)


def section_add(request: HttpRequest, host: EditorHost) -> HttpResponse:
    form = SectionForm(request.POST, prefix="new")
    taken = {section["key"] for section in host.sections()}
    saved = _save(
        request,
        host,
        form,
        _("The section is added."),
        lambda current: editing.section_add(
            current, key=form.section_key(taken), title=form.title()
        ),
    )
    return saved or _editor(request, host, new_section=form, status=400)


def section_update(
    request: HttpRequest, host: EditorHost, section_key: str
) -> HttpResponse:
    form = SectionForm(request.POST, renaming=True, prefix=f"s-{section_key}")
    saved = _save(
        request,
        host,
        form,
        _("The section is renamed."),
        lambda current: editing.section_update(
            current, section_key=section_key, title=form.title()
        ),
    )
    return saved or _editor(request, host, renaming=(section_key, form), status=400)


def section_move(
    request: HttpRequest, host: EditorHost, section_key: str
) -> HttpResponse:
    direction = _direction(request)
    return _one_click(
        request,
        host,
        _("The section is moved."),
        lambda current: editing.section_move(
            current, section_key=section_key, direction=direction
        ),
    )


def section_remove(
    request: HttpRequest, host: EditorHost, section_key: str
) -> HttpResponse:
    return _one_click(
        request,
        host,
        _("The section is removed."),
        lambda current: editing.section_remove(current, section_key=section_key),
    )


def field_move(request: HttpRequest, host: EditorHost, field_key: str) -> HttpResponse:
    direction = _direction(request)
    return _one_click(
        request,
        host,
        _("The field is moved."),
        lambda current: editing.field_move(
            current, field_key=field_key, direction=direction
        ),
    )


def field_remove(
    request: HttpRequest, host: EditorHost, field_key: str
) -> HttpResponse:
    return _one_click(
        request,
        host,
        _("The field is removed."),
        lambda current: editing.field_remove(current, field_key=field_key),
    )


def _field_page(
    request: HttpRequest,
    host: EditorHost,
    form: FieldForm,
    *,
    section: dict[str, Any],
    editing_key: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "forms_engine/editor/field.html",
        _context(
            host,
            form=form,
            columns=form.columns,
            section=section,
            editing=editing_key,
            type_label=FIELD_TYPE_LABELS.get(form.field_type, form.field_type),
            field_type=form.field_type,
        ),
        status=status,
    )


def _after_field(request: HttpRequest, host: EditorHost, done: str, key: str) -> Any:
    messages.success(request, done)
    return redirect(host.page_url() + f"#field-{key}")


def field_new(request: HttpRequest, host: EditorHost) -> HttpResponse:
    """Adds a field of the type chosen at the end of a section."""
    source = request.POST if request.method == "POST" else request.GET
    section_key, field_type = source.get("section", ""), source.get("type", "")
    sections = host.sections()
    keys = [section["key"] for section in sections]
    if section_key not in keys or field_type not in host.field_types:
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
        prefill=host.prefill,
    )
    if request.method == "POST" and form.is_valid():
        field = form.field({str(field.get("key")) for field in host.all_fields()})
        try:
            host.edit(
                actor=acting_user(request),
                operation=lambda current: editing.field_add(
                    current, section_key=section_key, field=field
                ),
            )
        except DomainError as error:
            refusal(form, error)
        else:
            return _after_field(request, host, _("The field is added."), field["key"])
    return _field_page(
        request,
        host,
        form,
        section=section,
        status=400 if request.method == "POST" else 200,
    )


def field_edit(request: HttpRequest, host: EditorHost, field_key: str) -> HttpResponse:
    earlier: list[dict[str, Any]] = []
    found = None
    for section in host.sections():
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
        prefill=host.prefill,
        initial=FieldForm.initial_from(current),
    )
    if request.method == "POST" and form.is_valid():
        taken = {
            str(field.get("key"))
            for field in host.all_fields()
            if field.get("key") != field_key
        }
        field = form.field(taken)
        try:
            host.edit(
                actor=acting_user(request),
                operation=lambda definition: editing.field_update(
                    definition, field_key=field_key, field=field
                ),
            )
        except DomainError as error:
            refusal(form, error)
        else:
            return _after_field(request, host, _("The field is saved."), field["key"])
    return _field_page(
        request,
        host,
        form,
        section=section,
        editing_key=field_key,
        status=400 if request.method == "POST" else 200,
    )


def _hosted(
    view: Callable[..., HttpResponse],
    load: HostLoader,
    decorate: Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]],
    *,
    post_only: bool,
) -> Callable[..., HttpResponse]:
    """`view` with its host loaded from the URL's arguments (those that are
    not the editor's own section or field key)."""

    @wraps(view)
    def hosted(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        own = {
            name: kwargs.pop(name)
            for name in ("section_key", "field_key")
            if name in kwargs
        }
        return view(request, load(request, **kwargs), **own)

    return decorate(require_POST(hosted) if post_only else hosted)


def editor_urls(
    route: str,
    load: HostLoader,
    *,
    decorate: Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]],
    page_name: str = "form",
) -> list[URLPattern]:
    """The editor's URL patterns under `route` (which names the host, such as
    "<slug:code>/v<int:number>/form/"): `load(request, **route's arguments)`
    returns the host (NotFound, or 403, when there is none for this person);
    `decorate` wraps every view (staff only, never cached, the host's own
    page check). Names: `page_name`, section-add, section-update,
    section-move, section-remove, field-new, field-edit, field-move,
    field-remove."""

    def view(function: Callable[..., HttpResponse], *, post: bool = True) -> Any:
        return _hosted(function, load, decorate, post_only=post)

    section = f"{route}sections/<slug:section_key>/"
    field = f"{route}fields/<slug:field_key>/"
    return [
        path(route, view(form_editor, post=False), name=page_name),
        path(f"{route}sections/new/", view(section_add), name="section-add"),
        path(section, view(section_update), name="section-update"),
        path(f"{section}move/", view(section_move), name="section-move"),
        path(f"{section}remove/", view(section_remove), name="section-remove"),
        path(f"{route}fields/new/", view(field_new, post=False), name="field-new"),
        path(field, view(field_edit, post=False), name="field-edit"),
        path(f"{field}move/", view(field_move), name="field-move"),
        path(f"{field}remove/", view(field_remove), name="field-remove"),
    ]
