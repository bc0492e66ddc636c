"""The documents of report collection (docs/performance-collection.md): a
directive's official letter (PDF), a request's consolidated report (PDF,
`?province=<code>` for one province) and every answer as one XLSX. Each is
for those who read the request (selectors/collection.py `request_get`:
NotFound outside the reach); the report and the workbook hold only the
answers of the offices inside the viewer's reach (a province its own; 403
for `?province=` outside it)."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import InvalidInput, NotFound
from saduak.core.exports import XLSX
from saduak.performance.letters.pdf import directive_letter_pdf
from saduak.performance.models import Directive
from saduak.performance.reports.collection_content import request_unit
from saduak.performance.reports.collection_pdf import consolidated_report_pdf
from saduak.performance.reports.collection_xlsx import answers_xlsx_export
from saduak.performance.selectors.collection import request_get

PDF = "application/pdf"


def _file(
    content: bytes, content_type: str, filename: str, *, inline: bool
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _name(report_request: object, province: str) -> str:
    public_id = str(getattr(report_request, "public_id", ""))[:8]
    return f"request-{public_id}" + (f"-{province}" if province else "")


@staff_required
@never_cache
def letter(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The directive's letter (a draft's with its watermark); 400 with the
    reason while the issuing office has no letterhead."""
    report_request = request_get(user=acting_user(request), public_id=public_id)
    directive = Directive.objects.filter(request=report_request).first()
    if directive is None:
        raise NotFound(_("This report request has no letter."))
    try:
        content = directive_letter_pdf(directive=directive)
    except InvalidInput as error:
        return render(request, "errors/400.html", {"reason": error.message}, status=400)
    number = directive.number or "draft"
    return _file(
        content, PDF, f"letter-{report_request.fiscal_year}-{number}.pdf", inline=True
    )


@staff_required
@never_cache
def consolidated(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The consolidated report over the viewer's part of the map, or over
    `?province=`."""
    viewer = acting_user(request)
    report_request = request_get(user=viewer, public_id=public_id)
    province = request.GET.get("province", "").strip()
    unit = request_unit(viewer=viewer, province_code=province)
    content = consolidated_report_pdf(request=report_request, unit=unit)
    return _file(
        content, PDF, f"{_name(report_request, province)}-consolidated.pdf", inline=True
    )


@staff_required
@never_cache
def answers_xlsx(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Every answer inside the viewer's part of the map (or `?province=`),
    one row per office; audited (report_request.export)."""
    viewer = acting_user(request)
    report_request = request_get(user=viewer, public_id=public_id)
    province = request.GET.get("province", "").strip()
    unit = request_unit(viewer=viewer, province_code=province)
    content = answers_xlsx_export(actor=viewer, request=report_request, unit=unit)
    return _file(
        content, XLSX, f"{_name(report_request, province)}-answers.xlsx", inline=False
    )
