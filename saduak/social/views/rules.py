"""The rules and screening pages (docs/social.md, "Rules and screening"): the
rule sets per year, a set's national rules and the viewer's province's local
ones with add, edit and deactivate, the screening run and its history. Thin:
the services check and do the work."""

import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saduak.accounts.matrix import Action, action_reach
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.areas.models import Province
from saduak.core.errors import DomainError, NotFound
from saduak.core.forms import add_domain_error
from saduak.social.choices import SourceKind
from saduak.social.facts import FACTS, OPERATORS
from saduak.social.forms_rules import RuleForm, RuleSetForm, RunForm
from saduak.social.models import Rule, RuleSet
from saduak.social.rules import conditions_text
from saduak.social.selectors.screening import (
    rule_sets,
    rules_of,
    runs_of,
    viewer_province,
)
from saduak.social.services import rules as rules_services
from saduak.social.services.screening import screening_run

NAMESPACE = "social-rules"

# What each operator means, for the help table next to the conditions.
OPERATOR_HELP = {
    "lt": "<",
    "le": "≤",
    "eq": "=",
    "ge": "≥",
    "gt": ">",
    "in": "∈ [...]",
    "is_true": "✓",
    "is_false": "✗",
    "missing": "∅",
}


def _provinces(user: User, action: Action) -> tuple[bool, list[tuple[str, str]]]:
    """Whether `user` acts over everything for `action`, and the provinces it
    may act over as (code, name) choices."""
    reach = action_reach(user, action)
    provinces = Province.objects.order_by("code")
    if not reach.everything:
        provinces = provinces.filter(code__in=reach.provinces)
    return reach.everything, [(p.code, f"{p.name} ({p.code})") for p in provinces]


def _rule_set(year: int) -> RuleSet:
    found = RuleSet.objects.filter(year=year).first()
    if found is None:
        raise NotFound(_("There is no rule set for this year."))
    return found


def _facts_help() -> list[dict[str, Any]]:
    return [
        {
            "name": fact.name,
            "label": fact.label,
            "operators": [f"{op} ({OPERATOR_HELP[op]})" for op in OPERATORS[fact.kind]],
            "choices": fact.choices,
        }
        for fact in FACTS.values()
    ]


@staff_required
def rule_set_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    may_create = action_reach(user, Action.SOCIAL_RULES_EDIT).everything
    form = RuleSetForm()
    status = 200
    if request.method == "POST" and may_create:
        form = RuleSetForm(request.POST)
        if form.is_valid():
            try:
                created = rules_services.rule_set_create(
                    actor=user, **form.cleaned_data
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The rule set was created."))
                return redirect(f"{NAMESPACE}:detail", created.year)
        status = 400
    return render(
        request,
        "social/rules_sets.html",
        {"rule_sets": rule_sets(), "form": form, "may_create": may_create},
        status=status,
    )


@staff_required
def rule_set_detail(request: HttpRequest, year: int) -> HttpResponse:
    user = acting_user(request)
    rule_set = _rule_set(year)
    province = viewer_province(user)
    edit_all, edit_provinces = _provinces(user, Action.SOCIAL_RULES_EDIT)
    screen_all, screen_provinces = _provinces(user, Action.SOCIAL_SCREEN)
    editable = {code for code, _name in edit_provinces}
    rules = [
        {
            "rule": rule,
            "may_edit": edit_all or (rule.province_id in editable),
            "sources": [SourceKind(kind).label for kind in rule.sources],
            "conditions": conditions_text(rule.conditions),
        }
        for rule in rules_of(rule_set, province_code=province)
    ]
    return render(
        request,
        "social/rules_detail.html",
        {
            "rule_set": rule_set,
            "rules": rules,
            "may_add": edit_all or bool(edit_provinces),
            "may_load_default": edit_all,
            "run_form": RunForm(provinces=screen_provinces, country=screen_all)
            if screen_all or screen_provinces
            else None,
            "runs": runs_of(rule_set, province_code=province),
        },
    )


def _rule_page(
    request: HttpRequest,
    form: RuleForm,
    *,
    rule_set: RuleSet,
    rule: Rule | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "social/rules_form.html",
        {
            "form": form,
            "rule_set": rule_set,
            "rule": rule,
            "facts": _facts_help(),
            "example": json.dumps(
                [
                    [{"field": "monthly_income", "op": "lt", "value": 3000}],
                    [{"field": "monthly_income", "op": "missing"}],
                ],
                ensure_ascii=False,
            ),
        },
        status=status,
    )


@staff_required
def rule_new(request: HttpRequest, year: int) -> HttpResponse:
    user = acting_user(request)
    rule_set = _rule_set(year)
    national, provinces = _provinces(user, Action.SOCIAL_RULES_EDIT)
    if not national and not provinces:
        rules_services.ensure_may_edit(user, None)  # raises the refusal
    form = RuleForm(
        provinces=provinces,
        national=national,
        initial={"conditions": "[[]]", "sources": [SourceKind.BASIC_NEEDS.value]},
    )
    if request.method == "POST":
        form = RuleForm(request.POST, provinces=provinces, national=national)
        if form.is_valid():
            data = form.cleaned_data
            code = data.pop("province") or None
            try:
                rules_services.rule_add(
                    rule_set=rule_set,
                    province=get_object_or_404(Province, code=code) if code else None,
                    actor=user,
                    **data,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The rule was added."))
                return redirect(f"{NAMESPACE}:detail", rule_set.year)
        return _rule_page(request, form, rule_set=rule_set, rule=None, status=400)
    return _rule_page(request, form, rule_set=rule_set, rule=None)


def _rule(public_id: UUID) -> Rule:
    found = (
        Rule.objects.select_related("rule_set", "province")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise NotFound(_("There is no such rule."))
    return found


@staff_required
def rule_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    rule = _rule(public_id)
    rules_services.ensure_may_edit(user, rule.province)
    form = RuleForm(
        editing=True,
        initial={
            "label_th": rule.label_th,
            "label_en": rule.label_en,
            "conditions": json.dumps(rule.conditions, ensure_ascii=False, indent=1),
            "sources": rule.sources,
            "min_agree": rule.min_agree,
            "weight": rule.weight,
            "domain": rule.domain,
        },
    )
    if request.method == "POST":
        form = RuleForm(request.POST, editing=True)
        if form.is_valid():
            try:
                rules_services.rule_update(rule=rule, actor=user, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The rule was saved."))
                return redirect(f"{NAMESPACE}:detail", rule.rule_set.year)
        return _rule_page(request, form, rule_set=rule.rule_set, rule=rule, status=400)
    return _rule_page(request, form, rule_set=rule.rule_set, rule=rule)


@staff_required
@require_POST
def rule_active(request: HttpRequest, public_id: UUID) -> HttpResponse:
    rule = _rule(public_id)
    active = request.POST.get("active") == "1"
    try:
        rules_services.rule_set_active(
            rule=rule, active=active, actor=acting_user(request)
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The rule is active again.")
            if active
            else _("The rule was deactivated."),
        )
    return redirect(f"{NAMESPACE}:detail", rule.rule_set.year)


@staff_required
@require_POST
def rules_default_load(request: HttpRequest, year: int) -> HttpResponse:
    rule_set = _rule_set(year)
    added = rules_services.rules_load_default(
        rule_set=rule_set, actor=acting_user(request)
    )
    messages.success(
        request, _("%(count)d default rules were added.") % {"count": added}
    )
    return redirect(f"{NAMESPACE}:detail", rule_set.year)


@staff_required
@require_POST
def run(request: HttpRequest, year: int) -> HttpResponse:
    user = acting_user(request)
    rule_set = _rule_set(year)
    screen_all, provinces = _provinces(user, Action.SOCIAL_SCREEN)
    form = RunForm(request.POST, provinces=provinces, country=screen_all)
    if not form.is_valid():
        raise NotFound(_("Choose an area from the list."))
    code = form.cleaned_data["province"] or None
    done = screening_run(
        rule_set=rule_set,
        province=get_object_or_404(Province, code=code) if code else None,
        actor=user,
    )
    messages.success(
        request,
        _("Screening done: %(people)d people found in %(households)d households.")
        % {"people": done.people_matched, "households": done.households_found},
    )
    return redirect(f"{NAMESPACE}:detail", rule_set.year)
