"""The builder's form editor: the shared form editor
(saduak/forms_engine/editor_views.py) hosted by a service version. Changes go
through the builder's `form_edit` (eservice.build, a draft only, audited as
`eservices.form.*`); the pages keep the version's tabs."""

from typing import Any

from django.http import HttpRequest

from saduak.eservices.models import ServiceVersion
from saduak.eservices.services import builder
from saduak.eservices.views.builder import (
    builder_required,
    version_context,
    version_get,
)
from saduak.forms_engine.editing import Operation
from saduak.forms_engine.editor_views import EditorHost, editor_urls


class VersionFormHost(EditorHost):
    """A service version's form: every field type, filled in from the digital
    ID where the type allows; a declaration is needed before publishing."""

    namespace = "eservices-builder"
    page_name = "form"
    base_template = "eservices/builder/editor_base.html"
    prefill = True

    def __init__(self, version: ServiceVersion) -> None:
        self.version = version
        self.read_only = version.is_published

    def url_args(self) -> list[Any]:
        return [self.version.service.code, self.version.number]

    def definition(self) -> dict[str, Any]:
        return self.version.form or {}

    def edit(self, *, actor: Any, operation: Operation) -> None:
        builder.form_edit(version=self.version, operation=operation, actor=actor)

    def problems(self) -> list[str]:
        return builder.form_problems(self.version.form)

    def context(self) -> dict[str, Any]:
        return version_context(self.version, "form")


def version_form_host(request: HttpRequest, code: str, number: int) -> EditorHost:
    return VersionFormHost(version_get(code, number))


def form_editor_urls(route: str) -> list[Any]:
    """The editor's pages under a version's `route` (builder_urls.py)."""
    return editor_urls(
        f"{route}form/", version_form_host, decorate=builder_required, page_name="form"
    )
