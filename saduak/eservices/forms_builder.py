"""Forms of the e-service builder. Each turns what an administrator typed into
the JSON shapes a version stores (the manual, a stage); the builder services
check the result. The form editor's own forms (a section, a field, a table's
columns) are the shared editor's: saduak/forms_engine/editor_forms.py."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saduak.areas.models import Office
from saduak.eservices.choices import Action, StageKind
from saduak.eservices.workflow import STAGE_ROLES
from saduak.forms_engine.editor_forms import (
    LINES,
    TEXTAREA,
    bilingual_from,
    text_lines,
)

# --- services -----------------------------------------------------------------


class ServiceDetailsForm(forms.Form):
    name_th = forms.CharField(label=_("Name (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    summary_th = forms.CharField(
        label=_("Summary (Thai)"), max_length=400, required=False, widget=TEXTAREA
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"), max_length=400, required=False, widget=TEXTAREA
    )
    bureau_th = forms.CharField(label=_("Owning bureau (Thai)"), max_length=200)
    bureau_en = forms.CharField(
        label=_("Owning bureau (English)"), max_length=200, required=False
    )
    is_active = forms.BooleanField(
        label=_("Open for applications"), required=False, initial=True
    )


class ServiceCreateForm(ServiceDetailsForm):
    code = forms.CharField(
        label=_("Service code"),
        max_length=40,
        help_text=_(
            "Part of the web address, such as low-income-certificate: small letters, "
            "digits and hyphens. It cannot change later."
        ),
    )
    field_order = ["code"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]


class OfficesForm(forms.Form):
    """The responsible offices: those chosen and those the search found, as
    checkboxes (no script needed)."""

    offices = forms.ModelMultipleChoiceField(
        label=_("Offices that take applications"),
        queryset=Office.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every district office takes applications."),
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["offices"]
        field.queryset = choices  # type: ignore[attr-defined]
        field.label_from_instance = lambda office: f"{office.name} ({office.code})"  # type: ignore[attr-defined]


# --- the manual ---------------------------------------------------------------


class ManualForm(forms.Form):
    eligibility_th = forms.CharField(
        label=_("Who may apply (Thai)"), required=False, widget=TEXTAREA
    )
    eligibility_en = forms.CharField(
        label=_("Who may apply (English)"), required=False, widget=TEXTAREA
    )
    steps_th = forms.CharField(
        label=_("Steps (Thai, one a line)"), required=False, widget=LINES
    )
    steps_en = forms.CharField(
        label=_("Steps (English, one a line, in the same order)"),
        required=False,
        widget=LINES,
    )
    processing_days = forms.IntegerField(
        label=_("Processing time (working days)"),
        required=False,
        min_value=1,
        max_value=365,
    )
    documents_th = forms.CharField(
        label=_("Documents required (Thai, one a line)"),
        required=False,
        widget=LINES,
        help_text=_("Zero Copy: the ID card is shown, never photocopied."),
    )
    documents_en = forms.CharField(
        label=_("Documents required (English, one a line, in the same order)"),
        required=False,
        widget=LINES,
    )
    fees_th = forms.CharField(label=_("Fees (Thai)"), required=False)
    fees_en = forms.CharField(label=_("Fees (English)"), required=False)
    amount_th = forms.CharField(label=_("Amount of the benefit (Thai)"), required=False)
    amount_en = forms.CharField(
        label=_("Amount of the benefit (English)"), required=False
    )
    legal_basis_th = forms.CharField(
        label=_("Legal basis (Thai)"), required=False, widget=TEXTAREA
    )
    legal_basis_en = forms.CharField(
        label=_("Legal basis (English)"), required=False, widget=TEXTAREA
    )
    complaints_th = forms.CharField(
        label=_("Where to complain (Thai)"), required=False, widget=TEXTAREA
    )
    complaints_en = forms.CharField(
        label=_("Where to complain (English)"), required=False, widget=TEXTAREA
    )

    @staticmethod
    def initial_from(manual: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {"processing_days": manual.get("processing_days")}
        for name in ("eligibility", "fees", "amount", "legal_basis", "complaints"):
            value = manual.get(name) or {}
            initial[f"{name}_th"] = value.get("th", "")
            initial[f"{name}_en"] = value.get("en", "")
        for name in ("steps", "documents"):
            items = manual.get(name) or []
            for language in ("th", "en"):
                initial[f"{name}_{language}"] = "\n".join(
                    item.get(language, "") for item in items
                )
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("steps", "documents"):
            thai, english = (
                text_lines(data.get(f"{name}_th", "")),
                text_lines(data.get(f"{name}_en", "")),
            )
            if len(english) > len(thai):
                self.add_error(
                    f"{name}_en",
                    _(
                        "There are more English lines than Thai ones: each English "
                        "line translates the Thai line in the same place."
                    ),
                )
        return data

    def manual(self) -> dict[str, Any]:
        data = self.cleaned_data
        manual: dict[str, Any] = {
            name: bilingual_from(data, name)
            for name in ("eligibility", "fees", "amount", "legal_basis", "complaints")
        }
        for name in ("steps", "documents"):
            thai, english = (
                text_lines(data.get(f"{name}_th", "")),
                text_lines(data.get(f"{name}_en", "")),
            )
            manual[name] = [
                {"th": line, "en": english[index] if index < len(english) else ""}
                for index, line in enumerate(thai)
            ]
        manual["processing_days"] = data.get("processing_days")
        return manual


# --- the workflow -------------------------------------------------------------


class StageForm(forms.Form):
    code = forms.CharField(
        label=_("Stage code"),
        max_length=40,
        help_text=_("Small letters, digits and _, such as review."),
    )
    kind = forms.ChoiceField(label=_("Kind of stage"), choices=StageKind.choices)
    name_th = forms.CharField(label=_("Name (Thai)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles that act in it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Not needed for a closing stage."),
    )
    target_days = forms.IntegerField(
        label=_("Target (working days)"), min_value=0, max_value=365, initial=3
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from saduak.accounts.choices import Role

        self.fields["roles"].choices = [  # type: ignore[attr-defined]
            (role.value, role.label) for role in Role if role in STAGE_ROLES
        ]

    @staticmethod
    def initial_from(stage: dict[str, Any]) -> dict[str, Any]:
        name = stage.get("name") or {}
        return {
            "code": stage.get("code", ""),
            "kind": stage.get("kind", ""),
            "name_th": name.get("th", ""),
            "name_en": name.get("en", ""),
            "roles": stage.get("roles") or [],
            "target_days": stage.get("target_days", 0),
        }

    def stage(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data["code"],
            "kind": data["kind"],
            "name": bilingual_from(data, "name"),
            "roles": list(data.get("roles") or []),
            "target_days": data["target_days"],
        }


class TransitionForm(forms.Form):
    source = forms.ChoiceField(label=_("From the stage"))
    action = forms.ChoiceField(label=_("Action"), choices=Action.choices)
    target = forms.ChoiceField(label=_("Leads to the stage"))

    def __init__(
        self, *args: Any, stages: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = stages  # type: ignore[attr-defined]
        self.fields["target"].choices = stages  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that a published version can never change; changes later "
            "are made in a new version."
        )
    )
