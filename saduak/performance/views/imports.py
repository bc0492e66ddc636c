"""The breakdown import pages: upload a table for a KPI's round, see each
row's match and problems, confirm or reject each likely match and apply the
table, or discard it (services/imports.py does the work)."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import DomainError, NotFound, PermissionDeniedError
from saduak.core.forms import add_domain_error
from saduak.core.models import in_current_language
from saduak.performance.choices import ImportStatus
from saduak.performance.forms_imports import ImportConfirmForm, ImportUploadForm
from saduak.performance.import_rows import level_header_example
from saduak.performance.import_texts import problem_text, reason_text, status_text
from saduak.performance.models import BreakdownImport, Kpi, KpiResult, Round
from saduak.performance.selectors.frameworks import kpi_get, round_get
from saduak.performance.selectors.results import result_get_or_new
from saduak.performance.services.common import kpi_ensure_may_record
from saduak.performance.services.imports import (
    breakdown_import_confirm,
    breakdown_import_discard,
    breakdown_import_read,
    status_counts,
)

NAMESPACE = "performance-imports"


def _may_record(user: User, kpi: Kpi) -> bool:
    try:
        kpi_ensure_may_record(user, kpi, kpi.component.framework)
    except PermissionDeniedError:
        return False
    return True


def _result_for(user: User, kpi_id: UUID, months: int) -> tuple[Kpi, Round, KpiResult]:
    kpi = kpi_get(viewer=user, public_id=kpi_id)
    round = round_get(framework=kpi.component.framework, months=months)
    return kpi, round, result_get_or_new(kpi, round)


def _import_for(user: User, public_id: UUID) -> BreakdownImport:
    """The import, if the viewer reads its KPI's framework (NotFound else)."""
    imported = (
        BreakdownImport.objects.select_related(
            "result__kpi__component__framework", "result__round", "uploaded_by"
        )
        .filter(public_id=public_id)
        .first()
    )
    if imported is None:
        raise NotFound(_("There is no such import."))
    kpi_get(viewer=user, public_id=imported.result.kpi.public_id)
    return imported


@staff_required
def import_new(request: HttpRequest, kpi: UUID, months: int) -> HttpResponse:
    user = acting_user(request)
    found, round, result = _result_for(user, kpi, months)
    form = ImportUploadForm()
    status = 200
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                imported = breakdown_import_read(
                    actor=user, result=result, upload=form.cleaned_data["file"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return redirect(f"{NAMESPACE}:preview", imported.public_id)
        status = 400
    pending = (
        BreakdownImport.objects.filter(result=result, status=ImportStatus.PENDING)
        if result.pk
        else BreakdownImport.objects.none()
    )
    return render(
        request,
        "performance/imports/new.html",
        {
            "kpi": found,
            "round": round,
            "result": result,
            "form": form,
            "may_record": _may_record(user, found),
            "pending": pending,
            "unit_header": level_header_example(found.breakdown_level)
            if found.breakdown_level
            else "",
        },
        status=status,
    )


def _candidate_label(candidate: dict[str, Any], level: str) -> str:
    name = in_current_language(candidate["name_th"], candidate["name_en"])
    other = (
        candidate["name_en"] if name == candidate["name_th"] else candidate["name_th"]
    )
    label = f"{name} ({other})" if other and other != name else name
    province = in_current_language(
        candidate["province_name_th"], candidate["province_name_en"]
    )
    if level != "province" and province:
        label = pgettext("breakdown import", "%(name)s, %(province)s") % {
            "name": label,
            "province": province,
        }
    if candidate.get("ratio", 1) < 1:
        label += " · " + pgettext("breakdown import", "%(percent)s%% alike") % {
            "percent": round(candidate["ratio"] * 100)
        }
    return f"{label} [{candidate['code']}]" if candidate["code"] else label


def _shown_rows(imported: BreakdownImport, level: str) -> list[dict[str, Any]]:
    """Each stored row with what the page shows: its status in words, why,
    the unit found and the candidates."""
    shown = []
    for row in imported.rows:
        match = row.get("match") or {}
        candidates = [
            {**candidate, "label": _candidate_label(candidate, level)}
            for candidate in match.get("candidates", [])
        ]
        shown_name = row["name"] or row.get("district") or row.get("code") or "—"
        chosen = row.get("chosen") or (
            match.get("code") if match.get("status") == "exact" else ""
        )
        found = next((c for c in candidates if c["code"] == chosen), None)
        notes = [problem_text(problem) for problem in row["problems"]]
        if row["status"] != "total" and match.get("reason"):
            notes.insert(0, reason_text(match["reason"]))
        shown.append(
            {
                **row,
                "shown_name": shown_name,
                "status_text": status_text(row["status"]),
                "notes": notes,
                "candidates": candidates,
                "found": found["label"] if found else "",
            }
        )
    return shown


def _preview_page(
    request: HttpRequest,
    imported: BreakdownImport,
    form: ImportConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = acting_user(request)
    kpi = imported.result.kpi
    rows = _shown_rows(imported, kpi.breakdown_level)
    likely = [row for row in rows if row["status"] == "likely"]
    if form is None:
        form = ImportConfirmForm(likely=likely)
    for row in rows:
        row["field"] = (
            form.field_for(row["line"]) if row["status"] == "likely" else None
        )
    counts = status_counts(imported.rows)
    blocking = sum(counts.get(key, 0) for key in ("unknown", "ambiguous", "bad"))
    return render(
        request,
        "performance/imports/preview.html",
        {
            "imported": imported,
            "kpi": kpi,
            "round": imported.result.round,
            "result": imported.result,
            "rows": rows,
            "counts": [(status_text(key), value) for key, value in counts.items()],
            "blocking": blocking,
            "form": form,
            "pending": imported.status == ImportStatus.PENDING,
            "may_record": _may_record(user, kpi),
        },
        status=status,
    )


@staff_required
def import_preview(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    imported = _import_for(user, public_id)
    if request.method != "POST":
        return _preview_page(request, imported)
    kpi = imported.result.kpi
    likely = [
        row
        for row in _shown_rows(imported, kpi.breakdown_level)
        if row["status"] == "likely"
    ]
    form = ImportConfirmForm(request.POST, likely=likely)
    if form.is_valid():
        try:
            saved = breakdown_import_confirm(
                actor=user, imported=imported, choices=form.choices()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The breakdown table was imported: %(count)s rows.")
                % {"count": len(saved)},
            )
            return redirect(f"{NAMESPACE}:preview", imported.public_id)
    imported.refresh_from_db()
    return _preview_page(request, imported, form, status=400)


@staff_required
@require_POST
def import_discard(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    imported = _import_for(user, public_id)
    try:
        breakdown_import_discard(actor=user, imported=imported)
    except DomainError as error:
        if isinstance(error, PermissionDeniedError | NotFound):
            raise
        messages.error(request, str(error.message))
        return redirect(f"{NAMESPACE}:preview", imported.public_id)
    messages.success(request, _("The import was discarded; nothing was changed."))
    return redirect(
        f"{NAMESPACE}:new", imported.result.kpi.public_id, imported.result.round.months
    )
