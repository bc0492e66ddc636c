"""Forms of the staff pages of the happiness vote: the comment filters (on top
of the period picker), the reply and "acted on" forms, and moderation."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.areas.models import Office
from saduak.core.periods import PeriodForm
from saduak.feedback.choices import CommentState, Score
from saduak.feedback.selectors.staff import CommentFilters
from saduak.feedback.services.comments import NOTE_MAX_LENGTH

YES_NO = [
    ("", gettext_lazy("Either")),
    ("yes", gettext_lazy("Yes")),
    ("no", gettext_lazy("No")),
]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class CommentFilterForm(PeriodForm):
    """GET filters of the comment list; the period fields come from
    PeriodForm."""

    office = forms.ChoiceField(label=gettext_lazy("Office"), required=False)
    score = forms.TypedChoiceField(
        label=gettext_lazy("Happiness"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", gettext_lazy("Any")), *Score.choices],
    )
    replied = forms.ChoiceField(
        label=gettext_lazy("Replied"), required=False, choices=YES_NO
    )
    acted = forms.ChoiceField(
        label=gettext_lazy("Acted on"), required=False, choices=YES_NO
    )
    state = forms.ChoiceField(
        label=gettext_lazy("Shown to the public"),
        required=False,
        choices=[
            ("", gettext_lazy("Public or waiting for a moderator")),
            (CommentState.PUBLIC, gettext_lazy("Public")),
            (CommentState.REVIEW, gettext_lazy("Waiting for a moderator")),
            (CommentState.HIDDEN, gettext_lazy("Hidden")),
        ],
    )
    word = forms.CharField(
        label=gettext_lazy("Containing the word"), required=False, max_length=50
    )

    def __init__(self, *args: Any, offices: list[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._offices = {office.code: office for office in offices}
        self.fields["office"].choices = [  # type: ignore[attr-defined]
            ("", _("All offices")),
            *((office.code, office.name) for office in offices),
        ]
        if len(offices) <= 1:
            self.fields["office"].widget = forms.HiddenInput()

    def filters(self) -> CommentFilters:
        """The filters asked for; invalid fields are left out (and shown)."""
        period = self.period()
        data = self.cleaned_data if self.is_valid() else {}
        return CommentFilters(
            start=period.start,
            end=period.end,
            office=self._offices.get(data.get("office") or ""),
            score=data.get("score"),
            replied=_yes_no(data.get("replied") or ""),
            acted_on=_yes_no(data.get("acted") or ""),
            state=data.get("state") or "",
            word=(data.get("word") or "").strip(),
        )


class VersionedForm(forms.Form):
    """Carries the vote's `times_cast` as the moderator saw it, so a decision
    about a vote cast again meanwhile is refused, and where to go back to."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class ReplyForm(VersionedForm):
    text = forms.CharField(
        label=gettext_lazy("Public reply"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        help_text=gettext_lazy(
            "Shown next to the comment on the district's public page, in the "
            "district's name. Up to 1,000 characters."
        ),
        error_messages={
            "required": gettext_lazy("Write the reply that citizens will read.")
        },
    )


class ActedOnForm(VersionedForm):
    text = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        help_text=gettext_lazy(
            "For the district's own records: what was changed because of this "
            "comment. Up to 1,000 characters."
        ),
        error_messages={
            "required": gettext_lazy("Write what was done about the comment.")
        },
    )


class HeldBatchForm(forms.Form):
    """All the votes held for one office on one day (and hour)."""

    office = forms.CharField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.HiddenInput)
    hour = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=23
    )
    hold_reason = forms.CharField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        choices=[("release", "release"), ("reject", "reject")],
        widget=forms.HiddenInput,
    )
