"""The source upload form (docs/social.md, "Sources and imports")."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saduak.areas.models import Province
from saduak.core.exports import XLSX
from saduak.core.thai import current_fiscal_year
from saduak.social.choices import SourceKind

ACCEPT = f".xlsx,.csv,.txt,.dat,text/csv,text/plain,{XLSX}"


class SourceUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    year = forms.IntegerField(label=_("Year (B.E.)"), min_value=2500, max_value=2700)
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.none(),
        required=False,
        empty_label=_("The whole country"),
        to_field_name="code",
    )
    file = forms.FileField(
        label=_("The file (CSV, XLSX or fixed-width text)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_(
            "One row per person under a header row (CSV or XLSX), or the source's"
            " fixed-width lines. Nothing is imported unless every row is right."
        ),
    )

    def __init__(
        self, *args: Any, provinces: Any, national: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        field.queryset = provinces  # type: ignore[attr-defined]
        field.required = not national
        if not national:
            field.empty_label = None  # type: ignore[attr-defined]
        self.fields["year"].initial = current_fiscal_year().be_year
