"""Breakdown import pages under `/staff/performance/imports/` (namespace
performance-imports, docs/performance.md)."""

from django.urls import path

from saduak.performance.views import imports

app_name = "performance-imports"

urlpatterns = [
    path("<uuid:kpi>/<int:months>/", imports.import_new, name="new"),
    path("<uuid:public_id>/", imports.import_preview, name="preview"),
    path("<uuid:public_id>/discard/", imports.import_discard, name="discard"),
]
