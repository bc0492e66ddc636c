from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saduak.areas.choices import Weekday
from saduak.areas.models import Office, OpeningHours
from saduak.areas_staff.services import Period
from saduak.core.forms import DATE_INPUT


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by Thai or English name"), required=False, max_length=100
    )


class OfficeContactForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = ["phone", "email", "address_th", "address_en", "latitude", "longitude"]
        help_texts = {
            "latitude": _('Where the office is, e.g. 18.78836, for "nearest first".'),
        }


class CounterForm(forms.Form):
    number = forms.IntegerField(label=_("Counter number"), min_value=1, max_value=999)
    label_th = forms.CharField(label=_("Thai label"), max_length=100)
    label_en = forms.CharField(label=_("English label"), max_length=100, required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class HolidayForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=DATE_INPUT,
        help_text=_("Common-era date from the calendar picker."),
    )
    name_th = forms.CharField(label=_("Thai name"), max_length=300)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)


PERIODS_PER_DAY = 2


class OpeningHoursForm(forms.Form):
    """A week of opening hours, up to two periods a day (a lunch break splits a day).
    A day with no times is closed."""

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing: dict[int, list[OpeningHours]] = {}
        for period in office.opening_hours.all():
            existing.setdefault(period.weekday, []).append(period)
        for weekday, day_label in Weekday.choices:
            for number in range(PERIODS_PER_DAY):
                periods = existing.get(weekday, [])
                current = periods[number] if number < len(periods) else None
                for edge in ("opens", "closes"):
                    label = _("%(day)s, period %(number)s, %(edge)s") % {
                        "day": day_label,
                        "number": number + 1,
                        "edge": _("opens") if edge == "opens" else _("closes"),
                    }
                    self.fields[f"d{weekday}_p{number}_{edge}"] = forms.TimeField(
                        label=label,
                        required=False,
                        initial=getattr(current, edge) if current else None,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )

    def rows(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        """(day label, [(opens field, closes field) per period]) for the template."""
        return [
            (
                str(day_label),
                [
                    (self[f"d{weekday}_p{n}_opens"], self[f"d{weekday}_p{n}_closes"])
                    for n in range(PERIODS_PER_DAY)
                ],
            )
            for weekday, day_label in Weekday.choices
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for weekday, _day_label in Weekday.choices:
            for number in range(PERIODS_PER_DAY):
                opens = cleaned.get(f"d{weekday}_p{number}_opens")
                closes = cleaned.get(f"d{weekday}_p{number}_closes")
                if (opens is None) != (closes is None):
                    missing = "closes" if closes is None else "opens"
                    self.add_error(
                        f"d{weekday}_p{number}_{missing}",
                        _("Give both the opening and the closing time, or neither."),
                    )
        return cleaned

    def periods(self) -> list[Period]:
        found = []
        for weekday, _day_label in Weekday.choices:
            for number in range(PERIODS_PER_DAY):
                opens = self.cleaned_data.get(f"d{weekday}_p{number}_opens")
                closes = self.cleaned_data.get(f"d{weekday}_p{number}_closes")
                if opens is not None and closes is not None:
                    found.append(Period(weekday, opens, closes))
        return found
