"""Forms of the officers' pages: the queue's filters, actions on an
application, the fact check, recording an application on a citizen's behalf,
committee meetings and their decisions."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saduak.core.forms import DATE_INPUT, MultipleFileField
from saduak.core.personal_id import clean_personal_id
from saduak.core.thai import arabic_digits
from saduak.eservices.choices import (
    Channel,
    CommitteeDecisionKind,
    IdentityCheckMethod,
)

MONEY_MAX = 10_000_000


class QueueFilterForm(forms.Form):
    """GET filters of the queue; the office and stage are in the address."""

    service = forms.ChoiceField(label=_("Service"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Taken by me"), required=False)

    def __init__(self, *args: Any, services: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [  # type: ignore[attr-defined]
            ("", _("All services")),
            *[(service.code, service.name) for service in services],
        ]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        help_text=_("Only staff see it, never the applicant."),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActionForm(forms.Form):
    """What one workflow action needs; the page shows only the fields of the
    action (message for return and reject, amount for approve)."""

    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    amount = forms.DecimalField(
        label=_("Approved amount (THB)"),
        required=False,
        min_value=0,
        max_value=MONEY_MAX,
        decimal_places=2,
    )


class FactCheckForm(forms.Form):
    identity_method = forms.ChoiceField(
        label=_("How was the identity checked?"),
        choices=IdentityCheckMethod.choices,
        widget=forms.RadioSelect,
    )
    identity_confirmed = forms.BooleanField(
        label=_("The identity is confirmed"), required=False
    )
    visited_on = forms.DateField(label=_("Home visit on"), widget=DATE_INPUT)
    household_size = forms.IntegerField(
        label=_("People in the household"), min_value=1, max_value=99
    )
    monthly_income = forms.DecimalField(
        label=_("Household income a month (THB)"),
        min_value=0,
        max_value=MONEY_MAX,
        decimal_places=2,
    )
    findings = forms.CharField(
        label=_("What the visit found"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    recommendation = forms.CharField(
        label=_("Recommendation to the committee"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultipleFileField(
        label=_("Photos of the visit (optional)"),
        required=False,
        help_text=_("JPEG, PNG, HEIC or WebP, up to 10 MB each, at most 5."),
    )

    def clean_visited_on(self) -> Any:
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The home visit cannot be in the future."))
        return day


class RecordForm(forms.Form):
    """An application an officer records on a citizen's behalf."""

    personal_id = forms.CharField(
        label=_("Applicant's personal ID"),
        max_length=20,
        help_text=_("13 digits, from the ID card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Applicant's mobile phone (optional)"),
        required=False,
        max_length=12,
        help_text=_("Used only when the person has no account yet, for messages."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    service = forms.ChoiceField(label=_("Service"))
    office = forms.ChoiceField(label=_("Office"))
    channel = forms.ChoiceField(
        label=_("How did the application come in?"),
        choices=[
            (Channel.COUNTER, Channel.COUNTER.label),
            (Channel.REFERRAL, Channel.REFERRAL.label),
            (Channel.FIELD, Channel.FIELD.label),
        ],
        widget=forms.RadioSelect,
        initial=Channel.COUNTER,
    )
    referral_agency = forms.CharField(
        label=_("Referring agency"),
        required=False,
        max_length=200,
        help_text=_("For a referral: the agency that sent the applicant."),
    )

    def __init__(
        self, *args: Any, services: list[Any], offices: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [  # type: ignore[attr-defined]
            (service.code, service.name) for service in services
        ]
        self.fields["office"].choices = [  # type: ignore[attr-defined]
            (office.code, office.name) for office in offices
        ]

    def clean_personal_id(self) -> str:
        return clean_personal_id(self.cleaned_data["personal_id"])

    def clean_phone(self) -> str:
        phone = arabic_digits(self.cleaned_data["phone"]).replace("-", "").strip()
        if phone and not (
            len(phone) == 10 and phone.isdigit() and phone[:2] in {"06", "08", "09"}
        ):
            raise ValidationError(
                _("Enter a Thai mobile number: 10 digits starting with 06, 08 or 09.")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("channel") == Channel.REFERRAL
            and not (data.get("referral_agency") or "").strip()
        ):
            self.add_error(
                "referral_agency", _("Name the agency that referred the applicant.")
            )
        return data


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    meets_on = forms.DateField(label=_("Meeting date"), widget=DATE_INPUT)
    members = forms.CharField(
        label=_("Members present"),
        required=False,
        max_length=5000,
        help_text=_("One a line: name and position."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class DecisionForm(forms.Form):
    """One case's row on the meeting page (prefixed by the application id)."""

    decision = forms.ChoiceField(
        label=pgettext_lazy("committee", "Decision"),
        required=False,
        choices=[("", _("Not decided")), *CommitteeDecisionKind.choices],
    )
    amount = forms.DecimalField(
        label=_("Amount (THB)"),
        required=False,
        min_value=0,
        max_value=MONEY_MAX,
        decimal_places=2,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
