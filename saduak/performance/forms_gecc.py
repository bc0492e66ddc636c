"""The GECC round's forms (views/gecc.py). The responsible person is picked
from the district's staff: no form here has a password field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.core.forms import DATE_INPUT
from saduak.performance.choices import GeccItemStatus, RequestKind
from saduak.performance.forms_setup import FiscalYearField
from saduak.performance.services.gecc import (
    ACCEPTED_FILES,
    DESCRIPTION_LIMIT,
    NOTE_LIMIT,
    TITLE_LIMIT,
)

ASSESSMENT_CHOICES = [
    (GeccItemStatus.MET, GeccItemStatus.MET.label),
    (GeccItemStatus.PARTLY, GeccItemStatus.PARTLY.label),
    (GeccItemStatus.NOT_YET, GeccItemStatus.NOT_YET.label),
]


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class OfficesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class RoundYearForm(forms.Form):
    """The list's "prepare a round for the year" picker (GET)."""

    year = FiscalYearField(label=_("Fiscal year (B.E.)"))


class RoundForm(forms.Form):
    title_th = forms.CharField(label=_("Title in Thai"), max_length=TITLE_LIMIT)
    title_en = forms.CharField(
        label=_("Title in English"), max_length=TITLE_LIMIT, required=False
    )
    registration_due_on = forms.DateField(
        label=_("Registration deadline"), widget=DATE_INPUT
    )
    progress_due_on = forms.DateField(
        label=_("Self-assessment progress deadline"), widget=DATE_INPUT
    )


class TargetsForm(forms.Form):
    """Targets by picking offices, or by pasting their codes."""

    offices = OfficesChoiceField(
        label=_("Registry offices"),
        queryset=Office.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (or Cmd) to pick several."),
    )
    codes = forms.CharField(
        label=_("Or paste office codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Separated by spaces, commas or new lines, e.g. reg-5001 reg-1001. "
            "The pasted list replaces the offices picked."
        ),
    )

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["offices"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = offices


class VolunteerForm(forms.Form):
    office = OfficeChoiceField(
        label=_("Registry office"), queryset=Office.objects.none()
    )

    def __init__(self, *args: Any, offices: list[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Office.objects.filter(pk__in=[office.pk for office in offices])


class ResponsibleForm(forms.Form):
    """An account picked from the district's staff; nothing typed."""

    responsible = forms.ChoiceField(
        label=_("Responsible person"),
        help_text=_(
            "Someone on the staff of the office's district, with their own "
            "Saduak account. Saduak never asks for anyone's password."
        ),
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(person.pk): person for person in people}
        field = self.fields["responsible"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "—"),
            *(
                (
                    str(person.pk),
                    f"{person.full_name}"
                    + (f" ({person.position})" if person.position else ""),
                )
                for person in people
            ),
        ]

    def person(self) -> User:
        return self.people[self.cleaned_data["responsible"]]


class AssessForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Assessment"),
        choices=ASSESSMENT_CHOICES,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=pgettext_lazy("gecc", "Note"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GeccEvidenceForm(forms.Form):
    upload = forms.FileField(
        label=_("Photo or document"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
        help_text=_("PDF, JPEG, PNG or WebP, up to 20 MB."),
    )
    description = forms.CharField(
        label=pgettext_lazy("gecc evidence", "What it shows"),
        required=False,
        max_length=DESCRIPTION_LIMIT,
    )


class ReportKindForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (RequestKind.GECC_REGISTRATION, RequestKind.GECC_REGISTRATION.label),
            (RequestKind.GECC_PROGRESS, RequestKind.GECC_PROGRESS.label),
        ]
    )


class EmptyForm(forms.Form):
    """A button's form: only the CSRF token."""
