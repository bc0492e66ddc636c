"""Forms of the vote page. The period pickers of the index pages are in
core/periods.py."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.feedback.choices import FACES, Score
from saduak.feedback.models import COMMENT_MAX_LENGTH


class VoteForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("How happy are you with the service today?"),
        choices=Score.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose one of the five faces."),
            "invalid_choice": gettext_lazy(
                "Choose one of the five faces, from 1 (very unhappy) to 5 (very happy)."
            ),
        },
    )
    service = forms.ChoiceField(
        label=gettext_lazy("Which service did you receive? (optional)"),
        required=False,
    )
    comment = forms.CharField(
        label=gettext_lazy("Praise, criticism or a suggestion (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=gettext_lazy(
            "Up to 1,000 characters. Do not write ID card or telephone numbers: "
            "they are hidden from the public page."
        ),
    )
    # Left empty by people; filled by robots that fill every field.
    website = forms.CharField(required=False, label=gettext_lazy("Leave empty"))
    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self, *args: object, services: list[tuple[str, str]], **kwargs: object
    ):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["service"].choices = [("", _("Not saying")), *services]  # type: ignore[attr-defined]

    @property
    def faces(self) -> list[dict[str, object]]:
        """The five answers as buttons: very unhappy first."""
        return [
            {"score": score, "emoji": FACES[score], "label": label}
            for score, label in Score.choices
        ]
