"""Source import pages (docs/social.md, "Sources and imports"): the list an
officer may see, the upload form (with the refusal report by line), an
import's detail and its rollback (with a confirmation)."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from saduak.accounts import matrix
from saduak.accounts.matrix import Action
from saduak.accounts.permissions import acting_user, staff_required
from saduak.areas.models import Province
from saduak.core.errors import DomainError, PermissionDeniedError
from saduak.core.forms import add_domain_error
from saduak.core.pagination import paginate
from saduak.social.choices import ImportStatus, SourceKind
from saduak.social.forms_sources import SourceUploadForm
from saduak.social.layouts import LAYOUTS, example_value, fixed_columns
from saduak.social.selectors.sources import (
    may_roll_back,
    source_import_get,
    source_import_list,
    superseded_by_import,
)
from saduak.social.services.sources import (
    SourceFileRefused,
    source_import_file,
    source_import_rollback,
)

NAMESPACE = "social-sources"


def _ensure_importer(user: object) -> None:
    if not matrix.may(user, Action.SOCIAL_SOURCE_IMPORT):  # type: ignore[arg-type]
        raise PermissionDeniedError(matrix.MATRIX[Action.SOCIAL_SOURCE_IMPORT].refusal)


@staff_required
def source_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _ensure_importer(user)
    kind = request.GET.get("kind", "")
    if kind not in SourceKind.values:
        kind = ""
    page = paginate(request, source_import_list(viewer=user, kind=kind))
    return render(
        request,
        "social/sources_list.html",
        {"page": page, "kinds": SourceKind.choices, "kind": kind},
    )


def _layouts() -> list[dict[str, object]]:
    return [
        {
            "kind": SourceKind(kind).label,
            "columns": [
                {"column": column, "example": example_value(column)}
                for column in layout.columns
            ],
            "fixed": [
                (column, start + 1, column.width)
                for column, (start, _end) in zip(
                    fixed_columns(layout),
                    [
                        span
                        for column, span in zip(
                            layout.columns, layout.fixed_slices(), strict=True
                        )
                        if column.width
                    ],
                    strict=True,
                )
            ],
            "width": layout.fixed_width,
        }
        for kind, layout in LAYOUTS.items()
    ]


@staff_required
def source_upload(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _ensure_importer(user)
    reach = matrix.action_reach(user, Action.SOCIAL_SOURCE_IMPORT)
    provinces = Province.objects.filter(is_active=True).order_by("name_th")
    if not reach.everything:
        provinces = provinces.filter(code__in=reach.provinces)
    national = reach.everything
    form = SourceUploadForm(provinces=provinces, national=national)
    refused: SourceFileRefused | None = None
    status = 200
    if request.method == "POST":
        form = SourceUploadForm(
            request.POST, request.FILES, provinces=provinces, national=national
        )
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imported = source_import_file(
                    kind=form.cleaned_data["kind"],
                    year=form.cleaned_data["year"],
                    province=form.cleaned_data["province"],
                    file_name=upload.name or "",
                    file=upload.file,
                    actor=user,
                )
            except SourceFileRefused as error:
                refused = error
                add_domain_error(form, error)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(count)s rows imported.")
                    % {"count": f"{imported.rows_imported:,}"},
                )
                return redirect(f"{NAMESPACE}:detail", imported.public_id)
        status = 400
    return render(
        request,
        "social/sources_upload.html",
        {"form": form, "refused": refused, "layouts": _layouts()},
        status=status,
    )


@staff_required
def source_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = acting_user(request)
    found = source_import_get(viewer=user, public_id=public_id)
    return render(
        request,
        "social/sources_detail.html",
        {
            "item": found,
            "superseded": superseded_by_import(found),
            "may_roll_back": found.status == ImportStatus.APPLIED
            and may_roll_back(user, found),
        },
    )


@staff_required
def source_rollback(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """GET asks for confirmation; POST rolls back."""
    user = acting_user(request)
    found = source_import_get(viewer=user, public_id=public_id)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            source_import_rollback(source_import=found, actor=user)
        except DomainError as refusal:
            if isinstance(refusal, PermissionDeniedError):
                raise
            error = str(refusal.message)
            status = 409
        else:
            messages.success(request, _("The import was rolled back."))
            return redirect(f"{NAMESPACE}:detail", found.public_id)
    return render(
        request,
        "social/sources_rollback.html",
        {"item": found, "error": error},
        status=status,
    )
