"""One KPI's result in one round (docs/performance.md, "Results"): the
figures with the KPI's own labels (or the value alone), the report's texts,
a milestone KPI's checklist and level claimed, the evidence files, the
breakdown table typed in (with the add-up check and the link to the import),
a computed KPI's source and its "recompute now" button, and the computation
steps with the score. A locked round shows why nothing can be changed.

Each part is its own POST form; a refused one re-renders the page with the
message on its field (400 input, 403 role, 409 a locked round), nothing
half-saved. A KPI the viewer cannot read is 404."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import DomainError
from saduak.core.forms import add_domain_error
from saduak.core.measures import measure_source_get
from saduak.core.uploads.store import limit_mb
from saduak.performance.choices import KpiKind, ResultOrigin, RoundStatus
from saduak.performance.forms_results import (
    EmptyForm,
    EvidenceForm,
    MilestoneResultForm,
    NumericResultForm,
    has_denominator,
)
from saduak.performance.models import Framework, Kpi, KpiResult, MilestoneItem, Round
from saduak.performance.selectors.frameworks import kpi_get, round_get
from saduak.performance.selectors.results import result_get_or_new
from saduak.performance.selectors.scores import kpi_computation
from saduak.performance.services.computed import result_compute
from saduak.performance.services.evidence import MAX_BYTES as EVIDENCE_MAX_BYTES
from saduak.performance.services.results import milestone_check_save, result_record
from saduak.performance.views.access import may_record
from saduak.performance.views.breakdown_table import breakdown_context, figure
from saduak.performance.views.results import results_url

TEXTS = ("measures", "factors", "obstacles", "note")


def kpi_and_round(
    request: HttpRequest, public_id: UUID, months: int
) -> tuple[Kpi, Framework, Round]:
    kpi = kpi_get(viewer=acting_user(request), public_id=public_id)
    framework = kpi.component.framework
    return kpi, framework, round_get(framework=framework, months=months)


def result_of(kpi: Kpi, round_: Round) -> KpiResult:
    """The KPI's result in the round, or a new one not saved yet (the first
    service that records something saves it)."""
    return result_get_or_new(kpi, round_)


def milestone_items(kpi: Kpi) -> list[MilestoneItem]:
    if kpi.kind != KpiKind.MILESTONE:
        return []
    return list(kpi.milestone_items.order_by("level", "position", "pk"))


def _initial(result: KpiResult) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(result, name) for name in TEXTS}
    initial["numerator"] = figure(result.numerator)
    initial["denominator"] = figure(result.denominator)
    initial["level_claimed"] = result.level_claimed
    if result.pk is not None:
        for check in result.checks.all():
            initial[f"met_{check.item_id}"] = check.met
            initial[f"evidence_{check.item_id}"] = check.evidence_note
    return initial


def _result_form(
    kpi: Kpi, result: KpiResult, items: list[MilestoneItem], data: Any = None
) -> forms.Form:
    if kpi.kind == KpiKind.MILESTONE:
        return MilestoneResultForm(data, items=items, initial=_initial(result))
    return NumericResultForm(
        data,
        kpi=kpi,
        computed=kpi.origin == ResultOrigin.COMPUTED,
        initial=_initial(result),
    )


def entry_page(
    request: HttpRequest,
    kpi: Kpi,
    framework: Framework,
    round_: Round,
    *,
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page, with `failed` holding the refused form under its part's name
    (result, evidence, breakdown, compute, remove)."""
    failed = failed or {}
    user = acting_user(request)
    result = result_of(kpi, round_)
    items = milestone_items(kpi)
    locked = round_.status == RoundStatus.LOCKED
    source = measure_source_get(kpi.source_key) if kpi.source_key else None
    context: dict[str, Any] = {
        "kpi": kpi,
        "framework": framework,
        "round": round_,
        "result": result,
        "locked": locked,
        "may_record": may_record(user, kpi, framework),
        "with_denominator": has_denominator(kpi),
        "is_milestone": kpi.kind == KpiKind.MILESTONE,
        "computed": kpi.origin == ResultOrigin.COMPUTED,
        "source": source,
        "round_url": results_url("round", framework.public_id, round_.months),
        "steps": kpi_computation(result=result) if result.pk is not None else [],
        "result_form": failed.get("result") or _result_form(kpi, result, items),
        "evidence_form": failed.get("evidence") or EvidenceForm(items=items),
        "evidence": evidence_rows(result) if result.pk is not None else [],
        "evidence_limit": limit_mb(EVIDENCE_MAX_BYTES),
        "compute_form": failed.get("compute") or EmptyForm(prefix="compute"),
        "remove_form": failed.get("remove"),
        "targets": [
            (_("Minimum (50 points)"), kpi.target_minimum),
            (_("Standard (75 points)"), kpi.target_standard),
            (_("Advanced (100 points)"), kpi.target_advanced),
        ],
    }
    context.update(
        breakdown_context(
            user,
            kpi,
            framework,
            result,
            failed.get("breakdown"),
            failed.get("breakdown_error", ""),
        )
    )
    return render(request, "performance/results/result.html", context, status=status)


def evidence_rows(result: KpiResult) -> list[dict[str, Any]]:
    return [
        {
            "evidence": item,
            "url": results_url("evidence", item.public_id),
            "remove_url": results_url("evidence-remove", item.public_id),
            "size_kb": max(1, round(item.size / 1024)),
        }
        for item in result.evidence.select_related("item", "uploaded_by").order_by(
            "uploaded_at", "pk"
        )
    ]


def done(kpi: Kpi, round_: Round, message: str, request: HttpRequest) -> HttpResponse:
    messages.success(request, message)
    return redirect(results_url("result", kpi.public_id, round_.months))


@staff_required
@never_cache
def result_entry(request: HttpRequest, public_id: UUID, months: int) -> HttpResponse:
    """GET the page; POST the figures and texts (numeric KPI) or the
    checklist, level claimed and texts (milestone KPI)."""
    kpi, framework, round_ = kpi_and_round(request, public_id, months)
    if request.method != "POST":
        return entry_page(request, kpi, framework, round_)
    result = result_of(kpi, round_)
    items = milestone_items(kpi)
    form = _result_form(kpi, result, items, request.POST)
    if not form.is_valid():
        return entry_page(
            request, kpi, framework, round_, failed={"result": form}, status=400
        )
    try:
        if isinstance(form, MilestoneResultForm):
            _record_milestones(acting_user(request), kpi, round_, result, form)
        else:
            _record_figures(acting_user(request), kpi, round_, result, form)
    except DomainError as error:
        add_domain_error(form, error)
        return entry_page(
            request,
            kpi,
            framework,
            round_,
            failed={"result": form},
            status=error.status,
        )
    return done(kpi, round_, _("The result is saved and scored."), request)


def _texts(form: forms.Form) -> dict[str, str]:
    return {name: form.cleaned_data.get(name) or "" for name in TEXTS}


def _record(
    actor: User,
    kpi: Kpi,
    round_: Round,
    form: forms.Form,
    *,
    numerator: Decimal | None,
    denominator: Decimal | None,
    level_claimed: int | None = None,
) -> KpiResult:
    texts = _texts(form)
    return result_record(
        actor=actor,
        kpi=kpi,
        round=round_,
        numerator=numerator,
        denominator=denominator,
        measures=texts["measures"],
        factors=texts["factors"],
        obstacles=texts["obstacles"],
        note=texts["note"],
        level_claimed=level_claimed,
    )


def _record_figures(
    actor: User, kpi: Kpi, round_: Round, result: KpiResult, form: forms.Form
) -> None:
    data = form.cleaned_data
    _record(
        actor,
        kpi,
        round_,
        form,
        numerator=data["numerator"],
        denominator=data.get("denominator"),
    )


def _record_milestones(
    actor: User,
    kpi: Kpi,
    round_: Round,
    result: KpiResult,
    form: MilestoneResultForm,
) -> None:
    """The checklist and the level claimed are one change: the checks that
    changed are saved, then the level is claimed against them; a refused claim
    takes the checks back with it."""
    with transaction.atomic():
        if result.pk is None:
            result = _record(actor, kpi, round_, form, numerator=None, denominator=None)
        before = {check.item_id: check for check in result.checks.all()}
        for item, met, note in form.checks():
            check = before.get(item.pk)
            unchanged = (
                check.met == met and check.evidence_note == note
                if check is not None
                else not met and not note
            )
            if not unchanged:
                milestone_check_save(
                    actor=actor, result=result, item=item, met=met, evidence_note=note
                )
        _record(
            actor,
            kpi,
            round_,
            form,
            numerator=None,
            denominator=None,
            level_claimed=form.cleaned_data["level_claimed"],
        )


@staff_required
@require_POST
def result_compute_view(
    request: HttpRequest, public_id: UUID, months: int
) -> HttpResponse:
    """Recomputes a computed KPI's result from its source now."""
    kpi, framework, round_ = kpi_and_round(request, public_id, months)
    form = EmptyForm(request.POST, prefix="compute")
    try:
        result = result_compute(actor=acting_user(request), kpi=kpi, round=round_)
    except DomainError as error:
        add_domain_error(form, error)
        return entry_page(
            request,
            kpi,
            framework,
            round_,
            failed={"compute": form},
            status=error.status,
        )
    value = result.value if result.value is not None else Decimal(0)
    return done(
        kpi,
        round_,
        _("Recomputed from the source: the result is %(value)s.")
        % {"value": f"{value.normalize():f}"},
        request,
    )
