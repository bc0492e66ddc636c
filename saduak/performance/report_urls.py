"""The performance reports under `/staff/performance/reports/` (namespace
`performance-reports`): a framework's dashboard, and the organisation's and
a KPI's report as PDF and XLSX (docs/performance.md)."""

from django.urls import path

from saduak.performance.views import reports

app_name = "performance-reports"

urlpatterns = [
    path("<uuid:public_id>/", reports.dashboard, name="dashboard"),
    path("<uuid:public_id>/report.pdf", reports.framework_pdf, name="framework-pdf"),
    path("<uuid:public_id>/report.xlsx", reports.framework_xlsx, name="framework-xlsx"),
    path("kpis/<uuid:public_id>/report.pdf", reports.kpi_pdf, name="kpi-pdf"),
]
