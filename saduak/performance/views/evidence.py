"""A result's evidence files and its typed-in breakdown table: adding a file
(stored encrypted through core/uploads/ by `evidence_add`), downloading it
(decrypted as it is sent, for whoever reads the KPI; 404 for anyone else),
removing it, and saving the breakdown table whole."""

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import DomainError, NotFound
from saduak.core.forms import add_domain_error
from saduak.core.uploads.responses import encrypted_file_response
from saduak.core.uploads.store import encrypted_file_open
from saduak.performance.forms_results import EmptyForm, EvidenceForm
from saduak.performance.models import ResultEvidence
from saduak.performance.selectors.frameworks import kpi_get
from saduak.performance.services.breakdown import breakdown_save
from saduak.performance.services.evidence import evidence_add, evidence_remove
from saduak.performance.views.breakdown_table import breakdown_formset, breakdown_inputs
from saduak.performance.views.entry import (
    done,
    entry_page,
    kpi_and_round,
    milestone_items,
    result_of,
)


def _evidence(user: User, public_id: UUID) -> ResultEvidence:
    """An evidence file of a KPI the user reads; NotFound otherwise."""
    evidence = (
        ResultEvidence.objects.select_related("result__round", "result__kpi")
        .filter(public_id=public_id)
        .first()
    )
    if evidence is None:
        raise NotFound(_("There is no such evidence file."))
    kpi_get(viewer=user, public_id=evidence.result.kpi.public_id)
    return evidence


@staff_required
@require_POST
def evidence_add_view(
    request: HttpRequest, public_id: UUID, months: int
) -> HttpResponse:
    kpi, framework, round_ = kpi_and_round(request, public_id, months)
    form = EvidenceForm(request.POST, request.FILES, items=milestone_items(kpi))
    failed = {"evidence": form}
    if not form.is_valid():
        return entry_page(request, kpi, framework, round_, failed=failed, status=400)
    try:
        evidence_add(
            actor=acting_user(request),
            result=result_of(kpi, round_),
            upload=form.cleaned_data["upload"],
            description=form.cleaned_data.get("description") or "",
            item=form.chosen_item(),
        )
    except DomainError as error:
        add_domain_error(form, error)
        return entry_page(
            request, kpi, framework, round_, failed=failed, status=error.status
        )
    return done(kpi, round_, _("The evidence file is added."), request)


@login_required
@never_cache
@require_GET
def evidence_download(request: HttpRequest, public_id: UUID) -> StreamingHttpResponse:
    """Whoever reads the KPI's framework; 404 for anyone else (a citizen
    included: a sign-in or 403 page would tell that the file exists)."""
    evidence = _evidence(acting_user(request), public_id)
    return encrypted_file_response(evidence, encrypted_file_open(evidence))


@staff_required
@require_POST
def evidence_remove_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    evidence = _evidence(acting_user(request), public_id)
    kpi, framework, round_ = kpi_and_round(
        request, evidence.result.kpi.public_id, evidence.result.round.months
    )
    form = EmptyForm(request.POST, prefix="remove")
    try:
        evidence_remove(actor=acting_user(request), evidence=evidence)
    except DomainError as error:
        add_domain_error(form, error)
        return entry_page(
            request,
            kpi,
            framework,
            round_,
            failed={"remove": form},
            status=error.status,
        )
    return done(kpi, round_, _("The evidence file is removed."), request)


@staff_required
@require_POST
def breakdown_save_view(
    request: HttpRequest, public_id: UUID, months: int
) -> HttpResponse:
    """Saves the typed-in table whole: the viewer's rows as typed, every other
    row as it was. A table that does not add up is refused with both totals."""
    user = acting_user(request)
    kpi, framework, round_ = kpi_and_round(request, public_id, months)
    result = result_of(kpi, round_)
    formset = breakdown_formset(user, kpi, framework, result, request.POST)
    failed: dict[str, Any] = {"breakdown": formset}
    if not formset.is_valid():
        return entry_page(request, kpi, framework, round_, failed=failed, status=400)
    try:
        breakdown_save(
            actor=user,
            result=result,
            rows=breakdown_inputs(user, kpi, framework, result, formset),
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        if not formset.show_refusal(str(error.message), error.extra.get("index")):
            failed["breakdown_error"] = str(error.message)
        return entry_page(
            request, kpi, framework, round_, failed=failed, status=error.status
        )
    return done(kpi, round_, _("The breakdown table is saved."), request)
