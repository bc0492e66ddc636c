"""HQ's and a province's directives: writing, the report form, sending, the
letter, following up (dashboard, XLSX, consolidated PDF) and HQ's decisions.
Namespace `performance-directives` (docs/performance-collection.md)."""

from django.urls import path  # noqa: F401

app_name = "performance-directives"

urlpatterns: list = []
