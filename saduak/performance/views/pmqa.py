"""PMQA 4.0 pages (docs/performance.md, "PMQA"): a fiscal year's assessments
of the units the viewer reads; one unit's assessment (seven categories, the
self-assessment and the assessor's score, each overall as their mean, the
400-point stage threshold, and the difference from the all-agency average per
category), recorded by HQ; and HQ's entry of the all-agency averages."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from saduak.accounts.matrix import Action, may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import DomainError, NotFound
from saduak.core.forms import add_domain_error
from saduak.core.thai import current_fiscal_year
from saduak.performance.choices import PMQA_PASS_SCORE
from saduak.performance.forms_setup import (
    FIRST_YEAR,
    LAST_YEAR,
    PmqaAveragesForm,
    PmqaForm,
    PmqaUnitForm,
    YearFilterForm,
)
from saduak.performance.models import PmqaAgencyAverage, PmqaAssessment
from saduak.performance.selectors import pmqa as selectors
from saduak.performance.services.pmqa import pmqa_averages_record, pmqa_record
from saduak.performance.views.setup_units import (
    fiscal_year_label,
    unit_key,
    unit_may,
    unit_name,
    unit_of_key,
    units_to_set_up,
)


def _year(value: int) -> int:
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise NotFound(_("There is no such fiscal year."))
    return value


def _averages_initial(fiscal_year: int) -> dict[str, Any]:
    return {
        f"category_{row.category}_average": row.average
        for row in PmqaAgencyAverage.objects.filter(fiscal_year=fiscal_year)
    }


@staff_required
@never_cache
def pmqa_year(request: HttpRequest) -> HttpResponse:
    """The year's assessments the viewer reads, with their overall scores."""
    user = acting_user(request)
    filters = YearFilterForm(request.GET or None)
    year = current_fiscal_year().be_year
    if filters.is_valid() and filters.cleaned_data.get("year"):
        year = filters.cleaned_data["year"]
    rows = [
        {
            "assessment": assessment,
            "unit": unit_name(assessment.unit_level, assessment.unit_code),
            "key": unit_key(assessment.unit_level, assessment.unit_code),
            "summary": selectors.pmqa_summary(assessment=assessment),
        }
        for assessment in selectors.pmqa_list(viewer=user, fiscal_year=year)
    ]
    units = units_to_set_up(user, Action.PMQA_RECORD)
    return render(
        request,
        "performance/pmqa/list.html",
        {
            "year": year,
            "year_label": fiscal_year_label(year, get_language() or "th"),
            "previous_year": year - 1,
            "next_year": year + 1,
            "rows": rows,
            "pass_score": PMQA_PASS_SCORE,
            "unit_form": PmqaUnitForm(units=units) if units else None,
        },
    )


@staff_required
@never_cache
def pmqa_unit(request: HttpRequest, fiscal_year: int, unit: str) -> HttpResponse:
    """One unit's assessment of a year: the comparison, and HQ's form."""
    user = acting_user(request)
    year = _year(fiscal_year)
    if unit == "choose":
        # The list's unit picker (a GET form) lands here.
        unit = str(request.GET.get("unit", ""))
    level, code = unit_of_key(unit)
    assessment = (
        selectors.pmqa_list(viewer=user, fiscal_year=year)
        .filter(unit_level=level, unit_code=code)
        .first()
    )
    may_record = unit_may(user, Action.PMQA_RECORD, level, code)
    if assessment is None and not may_record:
        raise NotFound(_("This unit has no PMQA assessment for the year."))
    form = None
    if may_record:
        form = PmqaForm(request.POST or None, initial=_scores_initial(assessment))
    if request.method == "POST":
        if form is None:
            raise NotFound(_("This unit has no PMQA assessment for the year."))
        if form.is_valid():
            try:
                pmqa_record(
                    actor=user,
                    fiscal_year=year,
                    unit_level=level,
                    unit_code=code,
                    scores=form.scores(),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The PMQA scores are saved."))
                return redirect("performance:pmqa-unit", year, unit_key(level, code))
    return render(
        request,
        "performance/pmqa/unit.html",
        {
            "year": year,
            "year_label": fiscal_year_label(year, get_language() or "th"),
            "unit": unit_name(level, code),
            "unit_key": unit_key(level, code),
            "assessment": assessment,
            "summary": selectors.pmqa_summary(assessment=assessment)
            if assessment
            else None,
            "pass_score": PMQA_PASS_SCORE,
            "form": form,
            "may_averages": may(user, Action.PMQA_RECORD),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _scores_initial(assessment: PmqaAssessment | None) -> dict[str, Any]:
    if assessment is None:
        return {}
    initial: dict[str, Any] = {}
    for score in assessment.scores.all():
        initial[f"category_{score.category}_self"] = score.self_score
        initial[f"category_{score.category}_assessor"] = score.assessor_score
    return initial


@staff_required
@never_cache
def pmqa_averages(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """HQ enters the all-agency average of each category for the year."""
    user = acting_user(request)
    year = _year(fiscal_year)
    may_record = may(user, Action.PMQA_RECORD)
    form = PmqaAveragesForm(request.POST or None, initial=_averages_initial(year))
    if request.method == "POST" and form.is_valid():
        try:
            pmqa_averages_record(actor=user, fiscal_year=year, averages=form.averages())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The all-agency averages are saved."))
            return redirect(f"{reverse('performance:pmqa')}?year={year}")
    return render(
        request,
        "performance/pmqa/averages.html",
        {
            "year": year,
            "year_label": fiscal_year_label(year, get_language() or "th"),
            "form": form,
            "may_record": may_record,
            "averages": list(PmqaAgencyAverage.objects.filter(fiscal_year=year)),
        },
        status=400 if form.errors else 200,
    )
