"""The consolidated report of one request as PDF (core/pdf.py), in the
page's language: HQ's over the country (a row per province) or one
province's (a row per district); collection_content.py says what it holds."""

from saduak.accounts.units import Unit
from saduak.core.pdf import pdf_from_template
from saduak.performance.models import ReportRequest
from saduak.performance.reports.collection_content import consolidated_report

TEMPLATE = "performance/collection/consolidated_pdf.html"


def consolidated_report_pdf(*, request: ReportRequest, unit: Unit) -> bytes:
    """The consolidated report of `request` over `unit` (a unit the viewer
    reads: collection_content.request_unit)."""
    return pdf_from_template(
        TEMPLATE, {"report": consolidated_report(request=request, unit=unit)}
    )
