"""Path converters shared by the apps' URLs."""

from datetime import date

from django.urls import register_converter


class IsoDateConverter:
    """`<isodate:day>`: a calendar date written 2026-12-31 (an impossible date,
    such as 2026-02-30, does not match, so the page answers 404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value: date | str) -> str:
        return value.isoformat() if isinstance(value, date) else value


register_converter(IsoDateConverter, "isodate")
