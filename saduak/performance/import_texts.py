"""What a breakdown import row's status, match reason and problems say, in
the page's language (the rows keep codes, so a row read in Thai reads in
English on the English page)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

STATUSES = {
    "exact": pgettext_lazy("import row", "Matched"),
    "likely": pgettext_lazy("import row", "Likely: confirm"),
    "ambiguous": pgettext_lazy("import row", "Ambiguous"),
    "unknown": pgettext_lazy("import row", "Not on the map"),
    "bad": pgettext_lazy("import row", "Problem"),
    "total": pgettext_lazy("import row", "Total row (not imported)"),
}

REASONS = {
    "name": _("Found by its name."),
    "code": _("Found by its code."),
    "unit": _("The framework's own unit."),
    "spelling": _("No unit has exactly this name; these are spelt closely."),
    "code-and-name": _("The code and the name are of different units."),
    "other-province": _(
        "No unit of this name is in the row's province; it is in another."
    ),
    "province-unsure": _("The row's province is not written as on the map: confirm."),
    "several": _("Several units have this name: add the province or the code."),
    "unknown-code": _("No unit has this code."),
    "no-name": _("The row names no unit."),
    "no-district": _("The row does not say which district the facility is in."),
    "not-found": _("No unit has this name or one spelt closely."),
}

PROBLEMS = {
    "text": _("A cell holds a character that cannot be stored."),
    "numerator-missing": _("The numerator is empty."),
    "numerator-not-a-number": _("The numerator is not a number."),
    "numerator-negative": _("The numerator is below 0."),
    "numerator-decimals": _("The numerator has more than 4 decimals."),
    "numerator-too-large": _("The numerator is too large."),
    "denominator-missing": _("The denominator is empty."),
    "denominator-not-a-number": _("The denominator is not a number."),
    "denominator-negative": _("The denominator is below 0."),
    "denominator-decimals": _("The denominator has more than 4 decimals."),
    "denominator-too-large": _("The denominator is too large."),
    "denominator-zero": _("The denominator is 0 but the numerator is not."),
    "outside": _("This unit is outside the framework's unit."),
    "duplicate": _("The same unit as line %(line)s."),
    "total-numerator": _("The rows' numerators add up to %(sum)s, not to this total."),
    "total-denominator": _(
        "The rows' denominators add up to %(sum)s, not to this total."
    ),
}


def status_text(status: str) -> str:
    return str(STATUSES.get(status, status))


def reason_text(reason: str) -> str:
    return str(REASONS.get(reason, reason))


def problem_text(problem: dict[str, Any]) -> str:
    text = str(PROBLEMS.get(problem["code"], problem["code"]))
    if "%(" in text:
        return text % {"line": problem.get("line", ""), "sum": problem.get("sum", "")}
    return text
