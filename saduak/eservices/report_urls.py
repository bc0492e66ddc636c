"""E-service reports, included at `staff/eservices/reports/`."""

from django.urls import path

from saduak.eservices.views import reports

app_name = "eservices-reports"

urlpatterns = [
    path("", reports.report, name="report"),
    path("export/<str:file_format>/", reports.report, name="report-export"),
]
