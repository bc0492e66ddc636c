"""Complaint dashboards for staff, included at `staff/complaints/reports/`."""

from django.urls import path

from saduak.complaints.views import reports

app_name = "complaints-reports"

urlpatterns = [
    path("", reports.dashboard, name="dashboard"),
    path("export.<str:file_format>", reports.dashboard, name="export"),
]
