"""The forms of the rules and screening pages. They only read what was typed;
the services check it (a condition's field, operator and value, the sources,
how many must agree) and the page shows their refusal on the field."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saduak.social.choices import Domain, SourceKind


def province_choices(codes: list[tuple[str, str]], *, national: bool) -> list[Any]:
    choices: list[Any] = []
    if national:
        choices.append(("", _("National rule (every province)")))
    return choices + codes


class RuleSetForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year (B.E.)"), min_value=2500, max_value=2699, initial=2569
    )
    name_th = forms.CharField(label=_("Thai name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    start_from = forms.ChoiceField(
        label=_("Start with"),
        widget=forms.RadioSelect,
        initial="default",
        choices=[
            ("default", _("The default national rules")),
            ("previous", _("A copy of the year before")),
            ("empty", _("No rules")),
        ],
    )


class RuleForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=40,
        help_text=_("Letters, digits and dashes, e.g. income-under-3000."),
    )
    province = forms.ChoiceField(label=_("Applies to"), required=False, choices=[])
    label_th = forms.CharField(label=_("Thai label"), max_length=200)
    label_en = forms.CharField(label=_("English label"), max_length=200, required=False)
    conditions = forms.CharField(
        label=_("Conditions"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            "JSON: a list of groups, each a list of conditions. A row meets the "
            "rule when all the conditions of any group hold. See the table of "
            "fields below."
        ),
    )
    sources = forms.MultipleChoiceField(
        label=_("Trusted sources"),
        choices=SourceKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    min_agree = forms.IntegerField(
        label=_("Sources that must agree"), min_value=1, max_value=5, initial=1
    )
    weight = forms.IntegerField(
        label=_("Weight in the need score"), min_value=1, max_value=100, initial=1
    )
    domain = forms.ChoiceField(
        label=_("Domain"),
        required=False,
        choices=[("", _("(none)")), *Domain.choices],
    )

    def __init__(
        self,
        *args: Any,
        provinces: list[tuple[str, str]] | None = None,
        national: bool = False,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["key"]
            del self.fields["province"]
        else:
            field = self.fields["province"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = province_choices(provinces or [], national=national)

    def clean_conditions(self) -> Any:
        text = self.cleaned_data["conditions"]
        try:
            return json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(
                _(
                    "This is not valid JSON (line %(line)d): check the brackets and quotes."
                )
                % {"line": getattr(error, "lineno", 1)}
            ) from error


class RunForm(forms.Form):
    province = forms.ChoiceField(label=_("Area"), required=False, choices=[])

    def __init__(
        self,
        *args: Any,
        provinces: list[tuple[str, str]],
        country: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        assert isinstance(field, forms.ChoiceField)
        choices: list[Any] = [("", _("The whole country"))] if country else []
        field.choices = choices + provinces
