from django import forms
from django.utils.translation import gettext_lazy as _

from saduak.areas.models import Office


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by Thai or English name"), required=False, max_length=100
    )


class OfficeContactForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = ["phone", "email", "address_th", "address_en"]


class CounterForm(forms.Form):
    number = forms.IntegerField(label=_("Counter number"), min_value=1, max_value=999)
    label_th = forms.CharField(label=_("Thai label"), max_length=100)
    label_en = forms.CharField(label=_("English label"), max_length=100, required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class HolidayForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Common-era date from the calendar picker."),
    )
    name_th = forms.CharField(label=_("Thai name"), max_length=300)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
