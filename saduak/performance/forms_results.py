"""Forms of the result pages (docs/performance.md, "Results"): a KPI's
figures and report texts, a milestone KPI's checklist and level claimed, an
evidence file, the breakdown table typed in, and HQ's unlock reason. They
only parse what was typed; the services decide (denominator 0, a locked
round, a breakdown that does not add up, a level without its lower levels)."""

from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saduak.core.thai import arabic_digits
from saduak.performance.choices import MeasureUnit, TargetLevel
from saduak.performance.models import Kpi, MilestoneItem
from saduak.performance.services.evidence import ACCEPTED_FILES

TEXT_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000
DESCRIPTION_MAX_LENGTH = 300
LABEL_MAX_LENGTH = 200
# Blank rows under the breakdown table, for units not in it yet; up to
# UNIT_ROWS_LIMIT units of the map get a row of their own, already picked.
BLANK_BREAKDOWN_ROWS = 5
UNIT_ROWS_LIMIT = 100


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def has_denominator(kpi: Kpi) -> bool:
    """A percentage (or a KPI that names its denominator) is a rate of two
    figures; a count, days or points is the value alone."""
    return kpi.measure_unit == MeasureUnit.PERCENT or bool(
        kpi.denominator_label_th or kpi.denominator_label_en
    )


class FigureField(forms.DecimalField):
    """A figure as people type it: Thai or Arabic digits, thousands commas
    and spaces allowed ("๑,๒๕๐" is 1250)."""

    default_error_messages = {
        "invalid": _("Type a number, such as 1250 or 87.5."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 12})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = arabic_digits(value).replace(",", "").replace(" ", "").strip()
        if value in self.empty_values:
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class ResultTextsMixin(forms.Form):
    measures = forms.CharField(
        label=pgettext_lazy("kpi result", "Measures taken"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=_textarea(4),
    )
    factors = forms.CharField(
        label=pgettext_lazy("kpi result", "Supporting factors"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=_textarea(),
    )
    obstacles = forms.CharField(
        label=pgettext_lazy("kpi result", "Obstacles"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=_textarea(),
    )
    note = forms.CharField(
        label=pgettext_lazy("kpi result", "Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=_textarea(2),
    )


class NumericResultForm(ResultTextsMixin):
    """A numeric KPI's figures with the KPI's own labels, or the value alone
    for a count, days or points."""

    numerator = FigureField(label=pgettext_lazy("kpi result", "Result"))
    denominator = FigureField(label=pgettext_lazy("kpi result", "Denominator"))

    field_order = ["numerator", "denominator", "measures", "factors", "obstacles"]

    def __init__(
        self, *args: Any, kpi: Kpi, computed: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # A computed KPI's figures come from its source: shown, not typed.
        self.fields["numerator"].required = not computed
        self.fields["numerator"].disabled = computed
        self.fields["denominator"].disabled = computed
        if has_denominator(kpi):
            self.fields["numerator"].label = kpi.numerator_label or pgettext_lazy(
                "kpi result", "Numerator"
            )
            self.fields["denominator"].label = kpi.denominator_label or pgettext_lazy(
                "kpi result", "Denominator"
            )
            self.fields["denominator"].required = not computed
        else:
            self.fields["numerator"].label = _("Result (%(unit)s)") % {
                "unit": kpi.get_measure_unit_display()
            }
            if kpi.numerator_label:
                self.fields["numerator"].help_text = kpi.numerator_label
            del self.fields["denominator"]


class MilestoneResultForm(ResultTextsMixin):
    """A milestone KPI's checklist: each criterion met or not with its
    evidence note, and the level claimed."""

    level_claimed = forms.TypedChoiceField(
        label=pgettext_lazy("kpi result", "Level claimed"),
        coerce=int,
        choices=[
            (0, pgettext_lazy("kpi result", "None yet")),
            *(
                (value, format_lazy("{} · {}", value, label))
                for value, label in TargetLevel.choices
            ),
        ],
        initial=0,
    )

    field_order = ["level_claimed", "measures", "factors", "obstacles", "note"]

    def __init__(self, *args: Any, items: list[MilestoneItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"met_{item.pk}"] = forms.BooleanField(
                label=pgettext_lazy("kpi result", "Met"), required=False
            )
            self.fields[f"evidence_{item.pk}"] = forms.CharField(
                label=_("Evidence (what shows it is met)"),
                required=False,
                max_length=NOTE_MAX_LENGTH,
                widget=_textarea(2),
            )

    def item_rows(self) -> list[dict[str, Any]]:
        """The checklist by level, each criterion with its two fields."""
        levels: dict[int, list[dict[str, Any]]] = {}
        for item in self.items:
            levels.setdefault(item.level, []).append(
                {
                    "item": item,
                    "met": self[f"met_{item.pk}"],
                    "evidence": self[f"evidence_{item.pk}"],
                }
            )
        labels = dict(TargetLevel.choices)
        return [
            {"level": level, "label": labels.get(level, level), "rows": rows}
            for level, rows in sorted(levels.items())
        ]

    def checks(self) -> list[tuple[MilestoneItem, bool, str]]:
        data = self.cleaned_data
        return [
            (
                item,
                bool(data.get(f"met_{item.pk}")),
                data.get(f"evidence_{item.pk}") or "",
            )
            for item in self.items
        ]


class EvidenceForm(forms.Form):
    upload = forms.FileField(
        label=pgettext_lazy("kpi result", "File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )
    description = forms.CharField(
        label=pgettext_lazy("kpi result", "What it shows"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
    )
    item = forms.ChoiceField(label=_("For the criterion"), required=False)

    def __init__(self, *args: Any, items: list[MilestoneItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = {str(item.pk): item for item in items}
        if items:
            self.fields["item"].choices = [  # type: ignore[attr-defined]
                ("", _("The whole result")),
                *(
                    (str(item.pk), f"{item.level}.{number} {item.text}")
                    for number, item in _numbered(items)
                ),
            ]
        else:
            del self.fields["item"]

    def chosen_item(self) -> MilestoneItem | None:
        return self.items.get(self.cleaned_data.get("item") or "")


def _numbered(items: list[MilestoneItem]) -> list[tuple[int, MilestoneItem]]:
    """Each criterion with its number within its level (1.1, 1.2, 2.1)."""
    counts: dict[int, int] = {}
    numbered = []
    for item in items:
        counts[item.level] = counts.get(item.level, 0) + 1
        numbered.append((counts[item.level], item))
    return numbered


class BreakdownRowForm(forms.Form):
    """One row of the breakdown table: the unit (picked from the map, or a
    facility's name) and its figures. A row without figures is dropped."""

    unit = forms.ChoiceField(label=_("Unit"), required=False)
    label = forms.CharField(
        label=pgettext_lazy("kpi result", "Facility"),
        required=False,
        max_length=LABEL_MAX_LENGTH,
    )
    numerator = FigureField(label=pgettext_lazy("kpi result", "Numerator"))
    denominator = FigureField(label=pgettext_lazy("kpi result", "Denominator"))

    def __init__(
        self,
        *args: Any,
        units: list[tuple[str, str]] | None,
        with_denominator: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            del self.fields["label"]
            self.fields["unit"].choices = [("", "—"), *units]  # type: ignore[attr-defined]
        if not with_denominator:
            del self.fields["denominator"]

    @property
    def is_blank(self) -> bool:
        """No figures typed: the row is left out (a unit picked alone too)."""
        data = getattr(self, "cleaned_data", {})
        return data.get("numerator") is None and data.get("denominator") is None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank:
            return data
        where = "unit" if "unit" in self.fields else "label"
        if not data.get(where):
            self.add_error(
                where,
                _("Pick the unit of this row.")
                if where == "unit"
                else _("Name the facility of this row."),
            )
        if data.get("numerator") is None:
            self.add_error("numerator", _("Type this row's figure."))
        if "denominator" in self.fields and data.get("denominator") is None:
            self.add_error("denominator", _("Type this row's denominator."))
        return data


class BaseBreakdownFormSet(forms.BaseFormSet):
    def __init__(
        self,
        *args: Any,
        units: list[tuple[str, str]] | None,
        with_denominator: bool,
        **kwargs: Any,
    ) -> None:
        self.units = units
        self.with_denominator = with_denominator
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"units": self.units, "with_denominator": self.with_denominator}

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            if form.is_blank:
                continue
            key = form.cleaned_data.get("unit") or form.cleaned_data.get("label")
            if key in seen:
                form.add_error(
                    "unit" if "unit" in form.fields else "label",
                    _("This unit is already in the table."),
                )
            seen.add(key)

    def filled_forms(self) -> list[BreakdownRowForm]:
        """The rows typed, in order (the service's row numbers count these)."""
        return [form for form in self.forms if not form.is_blank]

    def show_refusal(self, message: str, index: Any) -> bool:
        """Puts a refusal of typed row `index` on that row; False when the
        index names no typed row (a kept row, or none)."""
        filled = self.filled_forms()
        if isinstance(index, int) and 0 <= index < len(filled):
            filled[index].add_error(None, message)
            return True
        return False


BreakdownFormSet = cast(
    type[BaseBreakdownFormSet],
    forms.formset_factory(
        BreakdownRowForm,
        formset=BaseBreakdownFormSet,
        extra=0,
        max_num=2000,
        absolute_max=2000,
    ),
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the round is unlocked"),
        help_text=_("At least 10 characters; it is shown on the round and audited."),
        max_length=REASON_MAX_LENGTH,
        widget=_textarea(3),
    )


class EmptyForm(forms.Form):
    """A button alone (lock, recompute, remove)."""
