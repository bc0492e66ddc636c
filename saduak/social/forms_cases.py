"""The forms of the case management pages (views/cases.py). What is allowed
is the services' business; the forms only shape the input."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saduak.accounts.models import User
from saduak.core.forms import DATE_INPUT
from saduak.social.choices import (
    Capability,
    CaseOutcome,
    Domain,
    FollowUpFrequency,
    PlanStepStatus,
    ReferralStatus,
)
from saduak.social.models import Agency

ANSWER_CHOICES = [
    (value, label)
    for value, label in ReferralStatus.choices
    if value != ReferralStatus.SENT
]


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def agency_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [
        (agency.code, agency.name)
        for agency in Agency.objects.filter(is_active=True).order_by("name_th")
    ]


class CaseOpenForm(forms.Form):
    case_worker = forms.ChoiceField(label=_("Case worker"))
    follow_up_frequency = forms.ChoiceField(
        label=_("Follow up"),
        choices=FollowUpFrequency.choices,
        widget=forms.RadioSelect,
        initial=FollowUpFrequency.MONTHLY,
    )

    def __init__(self, *args: Any, workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(worker.pk): worker for worker in workers}
        _choice_field(self, "case_worker").choices = [("", "—")] + [
            (key, worker.get_full_name()) for key, worker in self.workers.items()
        ]

    def chosen_worker(self) -> User:
        return self.workers[self.cleaned_data["case_worker"]]


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE_INPUT)
    capability = forms.ChoiceField(
        label=_("Capability level"),
        choices=Capability.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for domain in Domain:
            self.fields[f"need_{domain.value}"] = forms.CharField(
                label=domain.label,
                required=False,
                max_length=2000,
                help_text=_("What the household needs here; empty if not assessed."),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def needs(self) -> dict[str, str]:
        return {
            domain.value: self.cleaned_data.get(f"need_{domain.value}") or ""
            for domain in Domain
        }


class PlanStepForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    goal = forms.CharField(label=_("Goal"), max_length=500)
    service = forms.CharField(label=_("Service"), max_length=500)
    agency = forms.ChoiceField(label=_("Responsible agency"))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    due_on = forms.DateField(label=_("Due on"), widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "agency").choices = agency_choices()


class PlanStepStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanStepStatus.choices)
    due_on = forms.DateField(label=_("Due on"), widget=DATE_INPUT, required=False)


class ApplicationForm(forms.Form):
    person = forms.ChoiceField(label=_("Household member"))
    service = forms.ChoiceField(label=_("E-service"))

    def __init__(
        self,
        *args: Any,
        people: list[tuple[str, str]],
        services: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "person").choices = [("", "—"), *people]
        _choice_field(self, "service").choices = [("", "—"), *services]


class ReferralForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency"))
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "agency").choices = agency_choices()


class ReferralAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("The agency's answer"),
        choices=ANSWER_CHOICES,
        widget=forms.RadioSelect,
    )
    answered_on = forms.DateField(label=_("Answered on"), widget=DATE_INPUT)
    answer = forms.CharField(
        label=_("What the agency said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4})
    )
    capability = forms.ChoiceField(
        label=_("Capability level (optional)"),
        choices=[("", "—"), *Capability.choices],
        required=False,
    )


class CaseCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CaseOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Closure note"), widget=forms.Textarea(attrs={"rows": 4})
    )
