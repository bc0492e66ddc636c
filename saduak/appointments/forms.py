from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from saduak.appointments.choices import MobileCategory, MobileRequestStatus
from saduak.appointments.models import OfficeService, QueueSettings
from saduak.appointments.services.catalogue import (
    OFFICE_SERVICE_FIELDS,
    QUEUE_SETTINGS_FIELDS,
)
from saduak.areas.models import Counter, Office
from saduak.core.forms import DATE_INPUT
from saduak.core.personal_id import clean_personal_id
from saduak.notifications.fields import ThaiMobileField


class OfficeSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Office name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    province = forms.CharField(required=False, max_length=2, widget=forms.HiddenInput)
    district = forms.CharField(required=False, max_length=4, widget=forms.HiddenInput)
    lat = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    lon = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-180, max_value=180
    )


class CallerForm(forms.Form):
    """An officer books for a person on the telephone."""

    personal_id = forms.CharField(label=_("Caller's personal ID"), max_length=17)
    name = forms.CharField(label=_("Caller's name"), max_length=200)
    phone = ThaiMobileField(
        label=_("Caller's mobile phone"),
        error_messages={
            "invalid": _(
                "Enter a Thai mobile number: 10 digits starting with 06, 08 or 09."
            )
        },
    )

    def clean_personal_id(self) -> str:
        try:
            return clean_personal_id(self.cleaned_data["personal_id"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages[0]) from None


class OfficeServiceForm(forms.ModelForm):
    class Meta:
        model = OfficeService
        fields = ["counters", *OFFICE_SERVICE_FIELDS]
        widgets = {"counters": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counters"].queryset = Counter.objects.filter(  # type: ignore[attr-defined]
            office=office, is_active=True
        ).order_by("number")
        self.fields["counters"].required = False


class QueueSettingsForm(forms.ModelForm):
    class Meta:
        model = QueueSettings
        fields = list(QUEUE_SETTINGS_FIELDS)


class ReleaseForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), widget=DATE_INPUT)


class KioskTicketForm(forms.Form):
    service = forms.IntegerField(widget=forms.HiddenInput)
    priority = forms.BooleanField(required=False)
    phone = ThaiMobileField(
        label=_("Mobile phone for a message when your turn is near (optional)"),
        required=False,
        error_messages={
            "invalid": _(
                "Enter a Thai mobile number: 10 digits starting with 06, 08 or 09, "
                "or leave it empty."
            )
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )


class CheckInForm(forms.Form):
    reference = forms.CharField(
        label=_("Booking code"),
        max_length=20,
        help_text=_("Scan the QR code of your booking, or type its code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class MobileRequestForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Who needs the visit"),
        choices=MobileCategory.choices,
        widget=forms.RadioSelect,
    )
    person_name = forms.CharField(
        label=_("Name of the person to serve"), max_length=200
    )
    person_personal_id = forms.CharField(
        label=_("Their personal ID (if known)"), max_length=17, required=False
    )
    requester_name = forms.CharField(label=_("Your name"), max_length=200)
    requester_relation = forms.CharField(
        label=_("You are their (child, village head, nurse ...)"),
        max_length=100,
        required=False,
    )
    contact_phone = forms.CharField(
        label=_("Telephone we can call"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    province = forms.CharField(label=_("Province"), max_length=2)
    district = forms.CharField(label=_("District"), max_length=4)
    subdistrict = forms.CharField(label=_("Subdistrict"), max_length=6)
    address = forms.CharField(label=_("House number, village, road"), max_length=300)
    reason = forms.CharField(
        label=_("Why they cannot come to the office"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_person_personal_id(self) -> str:
        value = self.cleaned_data["person_personal_id"].strip()
        if not value:
            return ""
        try:
            return clean_personal_id(value)
        except ValidationError as error:
            raise forms.ValidationError(error.messages[0]) from None


class MobileVisitForm(forms.Form):
    day = forms.DateField(label=_("Day of the visit"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note for the team"), max_length=500, required=False)


class MobileCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=[
            (MobileRequestStatus.SERVED, MobileRequestStatus.SERVED.label),
            (MobileRequestStatus.NOT_SERVED, MobileRequestStatus.NOT_SERVED.label),
            (MobileRequestStatus.CANCELLED, MobileRequestStatus.CANCELLED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What was done, or why not"), max_length=500, required=False
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), widget=DATE_INPUT)
