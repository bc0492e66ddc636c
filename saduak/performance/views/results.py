"""A round's results (docs/performance.md, "Results"): every KPI of the
framework with who reports it, its status, value, score and weighted score;
the totals per component and overall with the weight still unreported; the
viewer's own KPIs to report; and HQ's lock and unlock of the round (the
unlock's reason is shown on the page and audited).

Plain GET pages and POST forms; a refusal is shown on the form with the
service's reason (400 for input, 403 for the role, 409 for the round's
state); a framework the viewer cannot read is 404."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Count
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
from saduak.performance.models import Framework, Kpi, KpiResult, Round
from saduak.performance.selectors.frameworks import framework_get, round_get
from saduak.performance.selectors.scores import (
    ComponentLine,
    KpiLine,
    Scoreboard,
    framework_scoreboard,
)
from saduak.performance.services.rounds import round_lock, round_unlock
from saduak.performance.views.access import is_named_on, may_over_unit

NAMESPACE = "performance-results"
ZERO = Decimal(0)

# A KPI's reporting status on the round page.
NOT_REPORTED, REPORTED, COMPUTED = "not_reported", "reported", "computed"


def results_url(name: str, *args: Any) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


@dataclass(frozen=True)
class KpiRow:
    """One KPI of the round page: the scoreboard's line, its status, the
    flagged rows of its breakdown, and whether the viewer reports it."""

    line: KpiLine
    url: str
    flagged: int
    mine: bool

    @property
    def kpi(self) -> Kpi:
        return self.line.kpi

    @property
    def result(self) -> KpiResult | None:
        return self.line.result

    @property
    def is_parent(self) -> bool:
        return self.line.is_parent

    @property
    def status(self) -> str:
        result = self.line.result
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


@dataclass(frozen=True)
class ComponentBlock:
    line: ComponentLine
    rows: list[KpiRow]

    @property
    def unreported_weight(self) -> Decimal:
        """The weight of the component's KPIs without a score yet."""
        return sum(
            (
                row.kpi.weight
                for row in self.rows
                if not row.is_parent and row.line.score is None
            ),
            ZERO,
        )


def round_board(board: Scoreboard, viewer: User) -> list[ComponentBlock]:
    """The scoreboard's components and KPI lines, each with its status, its
    flagged breakdown rows (one query for the round) and whether the viewer
    is named on it."""
    months = board.round.months
    flagged = dict(
        KpiResult.objects.filter(round=board.round, breakdown__flagged=True)
        .values_list("kpi_id")
        .annotate(rows=Count("breakdown"))
    )
    return [
        ComponentBlock(
            component,
            [
                KpiRow(
                    line=line,
                    url=results_url("result", line.kpi.public_id, months),
                    flagged=flagged.get(line.kpi.pk, 0),
                    mine=is_named_on(viewer, line.kpi),
                )
                for line in component.lines
            ],
        )
        for component in board.components
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
    board = framework_scoreboard(framework=framework, round=round_)
    blocks = round_board(board, user)
    every_row = [row for block in blocks for row in block.rows if not row.is_parent]
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
            "overall": board.overall,
            "mine": [row for row in every_row if row.mine],
            "unreported_weight": board.unreported_weight,
            "reported_count": sum(1 for row in every_row if row.status != NOT_REPORTED),
            "kpi_count": len(every_row),
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
