"""`{% load performance_directives %}`: the directive dashboard's rates."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """A share from 0 to 1 as a percentage with at most one decimal (85.7%);
    "–" when there is nothing to divide by."""
    if value is None:
        return "–"
    shown = f"{float(value) * 100:.1f}".removesuffix(".0")
    return f"{shown}%"
