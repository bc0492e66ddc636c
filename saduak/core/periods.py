"""Periods the index pages and reports cover: a fiscal year, a quarter or a month
of it, or any range up to five years. Shared by the happiness pages and the
e-service reports, so it sits in core rather than in either service app."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput
from saduak.core.thai import (
    MONTHS_EN_SHORT,
    MONTHS_TH_FULL,
    FiscalYear,
    current_fiscal_year,
    format_date_be,
    month_start,
)

# The longest range any index page or download covers.
MAX_PERIOD_DAYS = 5 * 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def label(self) -> str:
        language = (get_language() or "th")[:2]
        return (
            f"{format_date_be(self.start, language=language)} – "
            f"{format_date_be(self.end, language=language)}"
        )


def period_or_default(start: date | None, end: date | None) -> tuple[date, date]:
    """[start, end] as asked, by default this fiscal year to today. Raises
    InvalidInput for a reversed or over-long range."""
    today = timezone.localdate()
    start = start or current_fiscal_year().start
    end = end or today
    if end < start:
        raise InvalidInput(_("The end of the period is before its start."), field="end")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInput(_("Choose a period of at most five years."), field="start")
    return start, end


class PeriodForm(forms.Form):
    """A fiscal year, a quarter of it, a month of it, or any range: GET fields
    `fy`, `quarter` (1-4), `month` (1-12) or `start` and `end`."""

    fy = forms.TypedChoiceField(
        label=gettext_lazy("Fiscal year"), coerce=int, required=False
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"),
        coerce=int,
        required=False,
        choices=[
            ("", gettext_lazy("Whole year")),
            *[(n, f"Q{n}") for n in range(1, 5)],
        ],
    )
    month = forms.TypedChoiceField(
        label=gettext_lazy("Month"),
        coerce=int,
        required=False,
        choices=[("", gettext_lazy("Any month"))] + [(n, n) for n in range(1, 13)],
    )
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        this_year = current_fiscal_year().be_year
        self.fields["fy"].choices = [  # type: ignore[attr-defined]
            (year, str(year)) for year in range(this_year, this_year - 6, -1)
        ]
        self.fields["month"].choices = [("", _("Any month"))] + [  # type: ignore[attr-defined]
            (month, _month_name(month)) for month in range(1, 13)
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data

    def period(self) -> Period:
        """The period asked for, or this fiscal year to today when the form is
        empty or invalid (its errors are shown)."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") or data.get("end"):
            try:
                return Period(*period_or_default(data.get("start"), data.get("end")))
            except InvalidInput as error:
                self.add_error(None, str(error.message))
                data = {}
        year = FiscalYear(data.get("fy") or current_fiscal_year().be_year)
        start, end = year.start, year.end
        if data.get("month"):
            month = data["month"]
            ce_year = year.start.year if month >= 10 else year.end.year
            start = date(ce_year, month, 1)
            end = month_start(start, 1) - timedelta(days=1)
        elif data.get("quarter"):
            start = month_start(year.start, 3 * (data["quarter"] - 1))
            end = month_start(start, 3) - timedelta(days=1)
        return Period(start, min(end, today) if start <= today else end)


def _month_name(month: int) -> str:
    return (
        MONTHS_TH_FULL[month - 1]
        if (get_language() or "th").startswith("th")
        else MONTHS_EN_SHORT[month - 1]
    )
