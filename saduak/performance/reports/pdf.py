"""The KPI report and the organisation report as PDF (core/pdf.py: Sarabun,
B.E. dates), in the page's language, with Arabic digits or, with
`digits="thai"`, every number and date in Thai digits, as official documents
write them."""

from django.utils import timezone

from saduak.core.pdf import pdf_from_template
from saduak.performance.models import Framework, Kpi, Round
from saduak.performance.reports.content import kpi_report, organisation_report

TEMPLATE = "performance/reports/report_pdf.html"
DIGITS = ("arabic", "thai")


def framework_report_pdf(*, framework: Framework, round: Round, digits: str) -> bytes:
    """The organisation's report for `round`: the scores, then every KPI."""
    report = organisation_report(framework=framework, round=round)
    return pdf_from_template(
        TEMPLATE,
        {
            "framework": framework,
            "round": round,
            "scoreboard": report.scoreboard,
            "kpis": report.kpis,
            "printed_on": report.printed_on,
            "digits": digits,
            "counter_style": "thai" if digits == "thai" else "decimal",
        },
    )


def kpi_report_pdf(*, kpi: Kpi, round: Round, digits: str) -> bytes:
    """One KPI's report for `round`."""
    return pdf_from_template(
        TEMPLATE,
        {
            "framework": round.framework,
            "round": round,
            "kpis": [kpi_report(kpi=kpi, round=round)],
            "printed_on": timezone.localdate(),
            "digits": digits,
            "counter_style": "thai" if digits == "thai" else "decimal",
        },
    )
