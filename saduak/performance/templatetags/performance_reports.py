"""`{% load performance_reports %}`: the reports' digits. `{% filter
digits:"thai" %}...{% endfilter %}` writes the numbers of the text inside in
Thai digits (the `?digits=thai` option of the PDF reports) and leaves the
markup (tags and their attributes) as it is."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

from saduak.core.thai import thai_digits

register = template.Library()

MARKUP = re.compile(r"(<[^>]*>|&#?\w+;)")


@register.filter(is_safe=True)
def digits(html: str, style: str) -> str:
    """`html` with Arabic digits outside tags and character references
    written in Thai digits when `style` is "thai"; unchanged otherwise."""
    if style != "thai":
        return html
    parts = MARKUP.split(str(html))
    written = "".join(
        part if MARKUP.fullmatch(part) else thai_digits(part) for part in parts
    )
    return mark_safe(written) if isinstance(html, SafeString) else written  # noqa: S308


@register.filter
def percent(rate: float | None) -> str:
    """A rate between 0 and 1 as a percentage with one decimal (`87.5%`),
    or a dash when there is none (nothing due yet)."""
    if rate is None:
        return "-"
    return f"{rate * 100:.1f}%"
