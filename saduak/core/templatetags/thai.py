"""Template filters for Thai dates and digits, built in to every template."""

from datetime import date, datetime

from django import template
from django.utils.translation import get_language

from saduak.core import thai

register = template.Library()


def _language() -> str:
    return "th" if (get_language() or "th").startswith("th") else "en"


@register.filter
def be_date(value: date | datetime | None, style: str = "short") -> str:
    """`{{ day|be_date }}` -> 27 ม.ค. 2564; `{{ day|be_date:"official" }}` -> ๒๗ มกราคม ๒๕๖๔."""
    if value is None or value == "":
        return ""
    return thai.format_date_be(value, style=style, language=_language())


@register.filter
def be_datetime(value: datetime | None) -> str:
    if value is None or value == "":
        return ""
    return thai.format_datetime_be(value, language=_language())


@register.filter
def thai_digits(value: object) -> str:
    return thai.thai_digits(value)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """`{{ counts|get_item:name }}`: a value from a dict by a variable key."""
    return mapping.get(key) if isinstance(mapping, dict) else None
