"""Forms of the breakdown import: the file, and each likely match's choice."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from saduak.core.exports import XLSX
from saduak.performance.tables import MAX_BYTES, MAX_ROWS

ACCEPT = f".xlsx,.csv,text/csv,{XLSX}"
REJECT = "none"  # the value of "none of these" (no unit has this code)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The table (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "One row per unit, under a header row: the unit's name or code and"
            " the numerator (and the denominator when the KPI has one). At most"
            " %(mb)s MB and %(rows)s rows."
        ) % {"mb": MAX_BYTES // (1024 * 1024), "rows": f"{MAX_ROWS:,}"}


class ImportConfirmForm(forms.Form):
    """One required choice for each likely row ("line_<n>"): one of its
    candidates, or none of them (which the service refuses, naming it)."""

    def __init__(self, *args: Any, likely: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in likely:
            self.fields[f"line_{row['line']}"] = forms.ChoiceField(
                label=pgettext("breakdown import", "Line %(line)s: %(name)s")
                % {"line": row["line"], "name": row["shown_name"]},
                choices=[
                    *((c["code"], c["label"]) for c in row["candidates"]),
                    (REJECT, pgettext("breakdown import", "None of these")),
                ],
                widget=forms.RadioSelect,
                required=False,
            )
        self.likely_lines = [row["line"] for row in likely]

    def field_for(self, line: int) -> forms.BoundField:
        return self[f"line_{line}"]

    def choices(self) -> dict[int, str]:
        """The lines answered, "none of these" as "" (a line left unanswered
        is left out, so that the service names it)."""
        data = self.cleaned_data
        return {
            line: "" if data[f"line_{line}"] == REJECT else data[f"line_{line}"]
            for line in self.likely_lines
            if data.get(f"line_{line}")
        }
