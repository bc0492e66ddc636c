"""The documents of report collection: a directive's official letter (PDF), the
consolidated report (PDF) and every answer as one XLSX. Namespace `performance-
collection-files` (docs/performance-collection.md)."""

from django.urls import path  # noqa: F401

app_name = "performance-collection-files"

urlpatterns: list = []
