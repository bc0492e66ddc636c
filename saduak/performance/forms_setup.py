"""Forms of the framework set-up and PMQA pages. They parse what was typed;
the services (performance/services/) decide what is allowed: weights that
add up, ordered targets, the unit's reach."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saduak.core.forms import DATE_INPUT
from saduak.performance.choices import (
    PMQA_MAX_SCORE,
    BreakdownLevel,
    Direction,
    KpiKind,
    MeasureUnit,
    PmqaCategory,
    ResultOrigin,
    TargetLevel,
)

NAME_MAX_LENGTH = 200
KPI_NAME_MAX_LENGTH = 300
LABEL_MAX_LENGTH = 300
TEXT_MAX_LENGTH = 4000
CRITERION_MAX_LENGTH = 500
# Fiscal years (B.E.) a framework may be set up for.
FIRST_YEAR, LAST_YEAR = 2560, 2700
ROUND_MONTHS = (3, 6, 9, 12)
TARGET_FIELDS = ("target_minimum", "target_standard", "target_advanced")


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _weight(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        help_text=_("Points out of 100, up to two decimals."),
    )


def _figure(label: Any, required: bool = False, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=18, decimal_places=4, required=required, **kwargs
    )


class FiscalYearField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Fiscal year (B.E.)"))
        super().__init__(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


class YearFilterForm(forms.Form):
    """The list's fiscal year (GET); a bad value is dropped."""

    year = FiscalYearField(required=False)


class FrameworkCreateForm(forms.Form):
    fiscal_year = FiscalYearField()
    unit = forms.ChoiceField(
        label=_("Evaluated unit"),
        help_text=_("The department, or a province or district you manage."),
    )
    name_th = forms.CharField(label=_("Name in Thai"), max_length=NAME_MAX_LENGTH)
    name_en = forms.CharField(
        label=_("Name in English"), max_length=NAME_MAX_LENGTH, required=False
    )

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]


class FrameworkNameForm(forms.Form):
    name_th = forms.CharField(label=_("Name in Thai"), max_length=NAME_MAX_LENGTH)
    name_en = forms.CharField(
        label=_("Name in English"), max_length=NAME_MAX_LENGTH, required=False
    )


class ComponentForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=20,
        help_text=_("Letters, digits and dashes, e.g. 1 or performance."),
    )
    name_th = forms.CharField(label=_("Name in Thai"), max_length=NAME_MAX_LENGTH)
    name_en = forms.CharField(
        label=_("Name in English"), max_length=NAME_MAX_LENGTH, required=False
    )
    weight = _weight(_("Weight"))
    position = forms.IntegerField(
        label=_("Order on the page"), min_value=0, max_value=999, initial=0
    )


class KpiForm(forms.Form):
    """Every field of a KPI. `parents`, `people` and `sources` come from the
    page: the component's other KPIs, the staff holding roles in the
    framework's unit, and core/measures.py's registered sources."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_(
            "As in the evaluator's document, e.g. 1.2; kept from year to year."
        ),
    )
    position = forms.IntegerField(
        label=_("Order on the page"), min_value=0, max_value=999, initial=0
    )
    name_th = forms.CharField(label=_("Name in Thai"), max_length=KPI_NAME_MAX_LENGTH)
    name_en = forms.CharField(
        label=_("Name in English"), max_length=KPI_NAME_MAX_LENGTH, required=False
    )
    description_th = forms.CharField(
        label=_("Description in Thai"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=_textarea(4),
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=_textarea(4),
    )
    weight = _weight(_("Weight"))
    parent = forms.ChoiceField(
        label=_("Sub-KPI of"),
        required=False,
        help_text=_(
            "A sub-KPI's weight is part of its parent's; leave empty for a KPI "
            "of the component."
        ),
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    collector = forms.ChoiceField(label=_("Data collector"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=KpiKind.choices, widget=forms.RadioSelect
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect
    )
    measure_unit = forms.ChoiceField(
        label=pgettext_lazy("measure unit", "Unit"), choices=MeasureUnit.choices
    )
    numerator_label_th = forms.CharField(
        label=_("Numerator in Thai"), max_length=LABEL_MAX_LENGTH, required=False
    )
    numerator_label_en = forms.CharField(
        label=_("Numerator in English"), max_length=LABEL_MAX_LENGTH, required=False
    )
    denominator_label_th = forms.CharField(
        label=_("Denominator in Thai"),
        max_length=LABEL_MAX_LENGTH,
        required=False,
        help_text=_(
            "Leave empty for a count, days or points: the value is the numerator."
        ),
    )
    denominator_label_en = forms.CharField(
        label=_("Denominator in English"), max_length=LABEL_MAX_LENGTH, required=False
    )
    factor = _figure(
        _("Factor"),
        min_value=Decimal("0.0001"),
        help_text=_(
            "value = numerator ÷ denominator × factor. Empty: 100 for a "
            "percentage, 1 otherwise."
        ),
    )
    target_minimum = _figure(
        _("Minimum target (50 points)"),
        help_text=_("Below it the KPI scores 0; at it, 50."),
    )
    target_standard = _figure(
        _("Standard target (75 points)"),
        help_text=_("At it the KPI scores 75; between two targets, in proportion."),
    )
    target_advanced = _figure(
        _("Advanced target (100 points)"),
        help_text=_("At it or beyond, the KPI scores 100."),
    )
    origin = forms.ChoiceField(
        label=_("Result from"), choices=ResultOrigin.choices, widget=forms.RadioSelect
    )
    source_key = forms.ChoiceField(
        label=_("Source of a computed result"),
        required=False,
        widget=forms.RadioSelect,
    )
    breakdown_level = forms.ChoiceField(
        label=_("Breakdown"), choices=BreakdownLevel.choices, required=False
    )

    def __init__(
        self,
        *args: Any,
        parents: list[tuple[str, str]],
        people: list[tuple[str, str]],
        sources: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        nobody = [("", pgettext_lazy("kpi person", "Not named yet"))]
        self.fields["parent"].choices = [  # type: ignore[attr-defined]
            ("", _("None: a KPI of the component")),
            *parents,
        ]
        self.fields["owner"].choices = nobody + people  # type: ignore[attr-defined]
        self.fields["collector"].choices = nobody + people  # type: ignore[attr-defined]
        self.fields["source_key"].choices = [  # type: ignore[attr-defined]
            ("", _("None (typed in or imported)")),
            *sources,
        ]


class MilestoneItemsForm(forms.Form):
    """A milestone KPI's criteria, one per line for each level; the English
    lines follow the Thai ones in order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level, label in TargetLevel.choices:
            self.fields[f"level_{level}_th"] = forms.CharField(
                label=_("Level %(level)s (%(name)s) criteria in Thai")
                % {"level": level, "name": label},
                required=False,
                max_length=TEXT_MAX_LENGTH,
                widget=_textarea(4),
                help_text=_("One criterion per line."),
            )
            self.fields[f"level_{level}_en"] = forms.CharField(
                label=_("Level %(level)s (%(name)s) criteria in English")
                % {"level": level, "name": label},
                required=False,
                max_length=TEXT_MAX_LENGTH,
                widget=_textarea(4),
                help_text=_("Optional; line by line in the order of the Thai."),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        items: list[dict[str, Any]] = []
        for level, _label in TargetLevel.choices:
            thai = _lines(data.get(f"level_{level}_th", ""))
            english = _lines(data.get(f"level_{level}_en", ""))
            if len(english) > len(thai):
                self.add_error(
                    f"level_{level}_en",
                    _("There are more English lines than Thai ones."),
                )
            for position, text in enumerate(thai, start=1):
                if len(text) > CRITERION_MAX_LENGTH:
                    self.add_error(
                        f"level_{level}_th",
                        _("Criterion %(n)s is longer than %(max)s characters.")
                        % {"n": position, "max": CRITERION_MAX_LENGTH},
                    )
                items.append(
                    {
                        "level": level,
                        "position": position,
                        "text_th": text,
                        "text_en": english[position - 1]
                        if position <= len(english)
                        else "",
                    }
                )
        data["items"] = items
        return data


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class RoundForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Months of the fiscal year"),
        coerce=int,
        choices=[
            (months, _("%(n)s months") % {"n": months}) for months in ROUND_MONTHS
        ],
        help_text=_("The round reports the first months of the fiscal year."),
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE_INPUT)


def _pmqa_score(label: Any, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(PMQA_MAX_SCORE)],
    )


class PmqaForm(forms.Form):
    """Self-assessment and assessor's score of each of the seven categories,
    0-500 with one decimal; either may be left for later. The fields are
    named as the service names them in a refusal."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category, name in PmqaCategory.choices:
            self.fields[f"category_{category}_self"] = _pmqa_score(
                _("Category %(n)s %(name)s: self-assessment")
                % {"n": category, "name": name}
            )
            self.fields[f"category_{category}_assessor"] = _pmqa_score(
                _("Category %(n)s %(name)s: assessor's score")
                % {"n": category, "name": name}
            )

    def scores(self) -> dict[int, tuple[Decimal | None, Decimal | None]]:
        data = self.cleaned_data
        return {
            category: (
                data.get(f"category_{category}_self"),
                data.get(f"category_{category}_assessor"),
            )
            for category in PmqaCategory.values
        }


class PmqaUnitForm(forms.Form):
    """Which unit's PMQA scores to open (a GET form)."""

    unit = forms.ChoiceField(label=_("Assessed unit"))

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]


class PmqaAveragesForm(forms.Form):
    """The all-agency average of each category, as the evaluator publishes it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category, name in PmqaCategory.choices:
            self.fields[f"category_{category}_average"] = _pmqa_score(
                _("Category %(n)s %(name)s") % {"n": category, "name": name},
                required=True,
            )

    def averages(self) -> dict[int, Decimal]:
        return {
            category: self.cleaned_data[f"category_{category}_average"]
            for category in PmqaCategory.values
        }
