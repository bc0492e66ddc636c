"""Forms of the payment and report pages."""

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saduak.areas.models import Office
from saduak.core.forms import DATE_INPUT
from saduak.core.thai import FiscalYear, current_fiscal_year, fiscal_year_of
from saduak.eservices.bank_files import MAX_RESULT_BYTES
from saduak.eservices.models import Service


class BatchCreateForm(forms.Form):
    """A batch of every application waiting (scope "all") or of the ticked
    ones (scope "selected"; the checkboxes are the table's rows)."""

    SCOPES = (("all", _("All waiting")), ("selected", _("Only those ticked")))

    pay_on = forms.DateField(label=_("Transfer date"), widget=DATE_INPUT)
    scope = forms.ChoiceField(choices=SCOPES, widget=forms.HiddenInput)
    applications = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, waiting: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedMultipleChoiceField, self.fields["applications"])
        field.choices = [(pk, str(pk)) for pk in waiting]
        self.fields["pay_on"].initial = timezone.localdate() + timedelta(days=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == "selected" and not data.get("applications"):
            raise forms.ValidationError(_("Tick at least one application to pay."))
        return data


class ResultUploadForm(forms.Form):
    result_file = forms.FileField(
        label=_("The bank's result file"),
        help_text=_(
            "The result file from corporate online banking (fixed width) or a "
            "CSV: reference, status, reason, bank reference."
        ),
    )

    def clean_result_file(self) -> bytes:
        upload = self.cleaned_data["result_file"]
        if upload.size > MAX_RESULT_BYTES:
            raise forms.ValidationError(_("The file is too big to be a bank's result."))
        return bytes(upload.read())


def fiscal_year_choices() -> list[tuple[str, Any]]:
    current = current_fiscal_year().be_year
    return [("", _("Dates below"))] + [
        (str(year), _("Fiscal year %(year)s") % {"year": year})
        for year in range(current, current - 6, -1)
    ]


class ReportForm(forms.Form):
    DIMENSIONS = (
        ("service", _("Service")),
        ("office", _("Office")),
        ("stage", _("Stage")),
        ("month", _("Month submitted")),
    )

    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("All services"),
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Office.objects.none(),
        required=False,
        empty_label=_("All offices"),
    )
    fiscal_year = forms.ChoiceField(label=_("Fiscal year"), required=False)
    start = forms.DateField(label=_("From"), widget=DATE_INPUT, required=False)
    end = forms.DateField(label=_("To"), widget=DATE_INPUT, required=False)
    group_by = forms.MultipleChoiceField(
        label=_("Group by"),
        choices=DIMENSIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, offices: Any, provinces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        province = cast(forms.ChoiceField, self.fields["province"])
        province.choices = [("", _("All provinces"))] + [
            (item.code, item.name) for item in provinces
        ]
        cast(
            forms.ChoiceField, self.fields["fiscal_year"]
        ).choices = fiscal_year_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if data.get("fiscal_year"):
            year = FiscalYear(int(data["fiscal_year"]))
            data["start"], data["end"] = year.start, year.end
        elif start is None or end is None:
            year = fiscal_year_of(timezone.localdate())
            data["start"] = start or year.start
            data["end"] = end or min(year.end, timezone.localdate())
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("The period must start before it ends."))
        if (data["end"] - data["start"]).days > 3 * 366:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        data["group_by"] = tuple(data.get("group_by") or ("service", "office"))
        return data
