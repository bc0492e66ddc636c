"""The project's template engine: Django's, except that a page never fails to
encode. A value stored before input was checked (saduak.core.text) may hold a
lone surrogate, which UTF-8 cannot encode; the rendered text has it replaced
by U+FFFD here, once per template, instead of answering 500 when the response
is turned into bytes. Pages, partials, e-mails and PDFs all render through it."""

from typing import Any

from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates, Template, reraise
from django.utils.safestring import mark_safe

from saduak.core.text import SURROGATE, text_encodable


class EncodableTemplate(Template):
    def render(
        self, context: dict[str, Any] | None = None, request: HttpRequest | None = None
    ) -> str:
        rendered = super().render(context, request)
        if SURROGATE.search(rendered) is None:
            return rendered
        # Replacing a character by U+FFFD adds no markup: still safe.
        return mark_safe(text_encodable(rendered))  # noqa: S308


class EncodableDjangoTemplates(DjangoTemplates):
    def from_string(self, template_code: str) -> EncodableTemplate:
        return EncodableTemplate(self.engine.from_string(template_code), self)

    def get_template(self, template_name: str) -> EncodableTemplate:
        try:
            return EncodableTemplate(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            reraise(exc, self)
