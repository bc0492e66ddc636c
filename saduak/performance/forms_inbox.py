"""The forms of the inbox pages (views/inbox.py): the inbox filter, an
answer's evidence file, the province's forwarding (an earlier deadline, a
cover note, districts left out each with a reason) and its review (send
back with a comment, excuse with a reason). The report itself is a form of
the form engine (saduak/forms_engine), not a Django form."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saduak.areas.models import Office
from saduak.core.forms import DATE_INPUT
from saduak.performance.choices import AnswerStatus

# The inbox's tabs, in the order shown; "" is everything.
INBOX_STATES = (
    ("", _("All")),
    ("overdue", _("Overdue")),
    ("due_soon", _("Due soon")),
    (AnswerStatus.NEW.value, AnswerStatus.NEW.label),
    (AnswerStatus.READ.value, AnswerStatus.READ.label),
    (AnswerStatus.ACKNOWLEDGED.value, AnswerStatus.ACKNOWLEDGED.label),
    (AnswerStatus.SUBMITTED.value, AnswerStatus.SUBMITTED.label),
    (AnswerStatus.RETURNED.value, AnswerStatus.RETURNED.label),
    (AnswerStatus.CERTIFIED.value, AnswerStatus.CERTIFIED.label),
    (AnswerStatus.EXCUSED.value, AnswerStatus.EXCUSED.label),
)


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), choices=INBOX_STATES, required=False)


class EmptyForm(forms.Form):
    """A button's form (acknowledge, certify, submit): the refusal of the
    service is shown on it."""


class EvidenceForm(forms.Form):
    upload = forms.FileField(
        label=_("Evidence file"),
        help_text=_(
            "A PDF, a photo (JPEG, PNG or WebP), or an Excel or Word file, up to 20 MB."
        ),
    )
    description = forms.CharField(
        label=_("What it shows"), max_length=300, required=False
    )


class CommentForm(forms.Form):
    """Sending a report back: the district reads the comment."""

    comment = forms.CharField(
        label=_("What the district must correct"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class ExcuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this district is excused"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


def exclude_name(office: Office) -> str:
    return f"exclude_{office.district_id}"


def reason_name(office: Office) -> str:
    return f"reason_{office.district_id}"


class ForwardForm(forms.Form):
    """The province forwards HQ's request to its district offices: an
    earlier deadline if it wants one, a cover note, and districts left out
    (each with a reason). The service checks the deadline against HQ's and
    today, and that each district is the province's."""

    due_on = forms.DateField(
        label=_("Deadline for the districts"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Leave it as HQ's deadline, or set an earlier day."),
    )
    cover_note = forms.CharField(
        label=_("Cover note to the districts"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )

    def __init__(
        self, *args: Any, districts: list[Office], hq_due_on: date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.districts = districts
        self.fields["due_on"].initial = hq_due_on
        for office in districts:
            self.fields[exclude_name(office)] = forms.BooleanField(
                label=office.name, required=False
            )
            self.fields[reason_name(office)] = forms.CharField(
                label=_("Why %(office)s is left out") % {"office": office.name},
                max_length=1000,
                required=False,
            )

    def district_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[exclude_name(office)], self[reason_name(office)])
            for office in self.districts
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for office in self.districts:
            if (
                cleaned.get(exclude_name(office))
                and not str(cleaned.get(reason_name(office)) or "").strip()
            ):
                self.add_error(
                    reason_name(office),
                    _("Give the reason %(office)s is left out.")
                    % {"office": office.name},
                )
        return cleaned

    def excluded(self) -> dict[str, str]:
        """District code -> reason, for `leg_forward`."""
        return {
            str(office.district_id): str(
                self.cleaned_data.get(reason_name(office)) or ""
            ).strip()
            for office in self.districts
            if self.cleaned_data.get(exclude_name(office))
        }
