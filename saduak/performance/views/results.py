"""A round's results (docs/performance.md, "Results"): every KPI of the
framework with who reports it, its status, value, score and weighted score;
the totals per component and overall with the weight still unreported; the
viewer's own KPIs to report; and HQ's lock and unlock of the round (the
unlock's reason is shown on the page and audited).

Plain GET pages and POST forms; a refusal is shown on the form with the
service's reason (400 for input, 403 for the role, 409 for the round's
state); a framework the viewer cannot read is 404."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from saduak.accounts.matrix import Action
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import DomainError
from saduak.core.forms import add_domain_error
from saduak.performance.choices import ResultOrigin, RoundStatus
from saduak.performance.forms_results import EmptyForm, ReasonForm
from saduak.performance.models import (
    Component,
    ComponentScore,
    Framework,
    Kpi,
    KpiResult,
    Round,
)
from saduak.performance.selectors.frameworks import framework_get, round_get
from saduak.performance.services.rounds import round_lock, round_unlock
from saduak.performance.views.access import is_named_on, may_over_unit

NAMESPACE = "performance-results"
ZERO = Decimal(0)

# A KPI's reporting status on the round page.
NOT_REPORTED, REPORTED, COMPUTED = "not_reported", "reported", "computed"


def results_url(name: str, *args: Any) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


@dataclass
class KpiRow:
    """One KPI of the round page (a parent KPI's row sums its sub-KPIs)."""

    kpi: Kpi
    depth: int
    url: str
    result: KpiResult | None = None
    flagged: int = 0
    mine: bool = False
    children: list["KpiRow"] = field(default_factory=list)

    @property
    def status(self) -> str:
        result = self.result
        if result is None or (result.entered_at is None and result.computed_at is None):
            return NOT_REPORTED
        if result.origin == ResultOrigin.COMPUTED and result.computed_at is not None:
            return COMPUTED
        return REPORTED

    @property
    def status_label(self) -> str:
        return {
            NOT_REPORTED: pgettext("kpi result", "Not reported"),
            REPORTED: pgettext("kpi result", "Reported"),
            COMPUTED: pgettext("kpi result", "Computed"),
        }[self.status]

    @property
    def score(self) -> Decimal | None:
        if self.children:
            scored = [row for row in self.children if row.score is not None]
            if not scored or not self.kpi.weight:
                return None
            total = sum((row.score * row.kpi.weight for row in scored), ZERO)  # type: ignore[operator]
            return (total / self.kpi.weight).quantize(Decimal("0.01"))
        return self.result.score if self.result is not None else None

    @property
    def weighted(self) -> Decimal | None:
        if self.children:
            values = [row.weighted for row in self.children if row.weighted is not None]
            return sum(values, ZERO) if values else None
        return self.result.weighted if self.result is not None else None

    @property
    def unreported_weight(self) -> Decimal:
        if self.children:
            return sum((row.unreported_weight for row in self.children), ZERO)
        return self.kpi.weight if self.score is None else ZERO


@dataclass
class ComponentBlock:
    component: Component
    rows: list[KpiRow]
    scored: ComponentScore | None

    @property
    def unreported_weight(self) -> Decimal:
        return sum((row.unreported_weight for row in self.rows), ZERO)

    def flat(self) -> list[KpiRow]:
        out: list[KpiRow] = []
        for row in self.rows:
            out.append(row)
            out.extend(row.children)
        return out


def round_board(
    framework: Framework, round_: Round, viewer: User
) -> list[ComponentBlock]:
    """The framework's components, each with its KPIs in order (sub-KPIs under
    their parent), this round's result of each and the flagged breakdown rows
    it has. A fixed number of queries, whatever the number of KPIs."""
    components = list(framework.components.order_by("position", "code"))
    kpis = list(
        Kpi.objects.filter(component__framework=framework)
        .select_related("owner", "collector")
        .order_by("position", "code")
    )
    results = {
        result.kpi_id: result
        for result in KpiResult.objects.filter(round=round_).annotate(
            flagged_rows=Count("breakdown", filter=Q(breakdown__flagged=True))
        )
    }
    scored = {
        item.component_id: item for item in ComponentScore.objects.filter(round=round_)
    }
    rows: dict[int, KpiRow] = {}
    for kpi in kpis:
        result = results.get(kpi.pk)
        rows[kpi.pk] = KpiRow(
            kpi=kpi,
            depth=1 if kpi.parent_id else 0,
            url=results_url("result", kpi.public_id, round_.months),
            result=result,
            flagged=getattr(result, "flagged_rows", 0) if result else 0,
            mine=is_named_on(viewer, kpi),
        )
    tops: dict[int, list[KpiRow]] = {item.pk: [] for item in components}
    for kpi in kpis:
        row = rows[kpi.pk]
        if kpi.parent_id is not None and kpi.parent_id in rows:
            rows[kpi.parent_id].children.append(row)
        else:
            tops.setdefault(kpi.component_id, []).append(row)
    return [
        ComponentBlock(item, tops.get(item.pk, []), scored.get(item.pk))
        for item in components
    ]


def _round_page(
    request: HttpRequest,
    framework: Framework,
    round_: Round,
    *,
    unlock_form: ReasonForm | None = None,
    lock_form: EmptyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = acting_user(request)
    blocks = round_board(framework, round_, user)
    every_row = [row for block in blocks for row in block.flat()]
    mine = [row for row in every_row if row.mine and not row.children]
    unreported = sum((block.unreported_weight for block in blocks), ZERO)
    may_lock = may_over_unit(user, Action.ROUND_LOCK, framework)
    rounds = list(framework.rounds.order_by("months"))
    return render(
        request,
        "performance/results/round.html",
        {
            "framework": framework,
            "round": round_,
            "rounds": [
                {
                    "round": item,
                    "url": results_url("round", framework.public_id, item.months),
                    "current": item.pk == round_.pk,
                }
                for item in rounds
            ],
            "blocks": blocks,
            "mine": mine,
            "unreported_weight": unreported,
            "reported_count": sum(
                1
                for row in every_row
                if not row.children and row.status != NOT_REPORTED
            ),
            "kpi_count": sum(1 for row in every_row if not row.children),
            "locked": round_.status == RoundStatus.LOCKED,
            "may_lock": may_lock,
            "lock_form": lock_form or EmptyForm(prefix="lock"),
            "unlock_form": unlock_form or ReasonForm(prefix="unlock"),
        },
        status=status,
    )


def _framework_and_round(
    request: HttpRequest, public_id: UUID, months: int
) -> tuple[Framework, Round]:
    framework = framework_get(viewer=acting_user(request), public_id=public_id)
    return framework, round_get(framework=framework, months=months)


@staff_required
@never_cache
@require_GET
def round_results(request: HttpRequest, public_id: UUID, months: int) -> HttpResponse:
    framework, round_ = _framework_and_round(request, public_id, months)
    return _round_page(request, framework, round_)


@staff_required
@require_POST
def round_lock_view(request: HttpRequest, public_id: UUID, months: int) -> HttpResponse:
    """HQ locks the round: computed KPIs and scores are recomputed first."""
    framework, round_ = _framework_and_round(request, public_id, months)
    form = EmptyForm(request.POST, prefix="lock")
    try:
        round_lock(actor=acting_user(request), round=round_)
    except DomainError as error:
        add_domain_error(form, error)
        return _round_page(
            request, framework, round_, lock_form=form, status=error.status
        )
    messages.success(request, _("The round is locked. Changes now need an unlock."))
    return redirect(results_url("round", framework.public_id, round_.months))


@staff_required
@require_POST
def round_unlock_view(
    request: HttpRequest, public_id: UUID, months: int
) -> HttpResponse:
    """HQ unlocks the round with a reason (shown on the round, audited)."""
    framework, round_ = _framework_and_round(request, public_id, months)
    form = ReasonForm(request.POST, prefix="unlock")
    if not form.is_valid():
        return _round_page(request, framework, round_, unlock_form=form, status=400)
    try:
        round_unlock(
            actor=acting_user(request), round=round_, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _round_page(
            request, framework, round_, unlock_form=form, status=error.status
        )
    messages.success(request, _("The round is unlocked; results can be changed again."))
    return redirect(results_url("round", framework.public_id, round_.months))
