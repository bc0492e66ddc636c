"""The targeting pages' forms: a community forum, a decision on a household,
a service given. They parse; the services check (dates, reasons, reach)."""

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from saduak.core.forms import DATE_INPUT
from saduak.core.thai import format_date_be
from saduak.social.choices import Domain
from saduak.social.models import Agency, CommunityForum
from saduak.social.services.targeting import DESCRIPTION_MAX, REASON_MAX

CONFIRM, REMOVE = "confirm", "remove"


class ForumForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the forum"), widget=DATE_INPUT)
    attendees = forms.IntegerField(
        label=_("Number of people who attended"),
        min_value=0,
        max_value=100_000,
        required=False,
    )
    minutes = forms.CharField(
        label=_("Minutes of the forum"),
        help_text=_("What the forum said about the households found."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("The forum's decision"),
        choices=[
            (CONFIRM, _("Confirm: the household is in the target group")),
            (REMOVE, _("Remove: the household is not in the target group")),
        ],
        widget=forms.RadioSelect,
    )
    forum = forms.ChoiceField(label=_("Community forum"))
    reason = forms.CharField(
        label=_("Reason for removal"),
        help_text=_("Needed when the household is removed."),
        max_length=REASON_MAX,
        required=False,
    )

    def __init__(self, *args: Any, forums: list[CommunityForum], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.forums = {str(forum.public_id): forum for forum in forums}
        language = "th" if get_language() == "th" else "en"
        forum_field = self.fields["forum"]
        assert isinstance(forum_field, forms.ChoiceField)
        forum_field.choices = [
            (
                key,
                _("Forum of %(day)s")
                % {"day": format_date_be(forum.held_on, language=language)},
            )
            for key, forum in self.forums.items()
        ]

    def chosen_forum(self) -> CommunityForum:
        return self.forums[self.cleaned_data["forum"]]


class ServiceForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    description = forms.CharField(label=_("What was given"), max_length=DESCRIPTION_MAX)
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.filter(is_active=True).order_by("code"),
        required=False,
        to_field_name="code",
    )
    provided_on = forms.DateField(label=_("Date given"), widget=DATE_INPUT)
