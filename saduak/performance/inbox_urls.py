"""An office's and a province's inbox of requests: reading, acknowledging, filling
and submitting a report; the province's forwarding, review, certification and
consolidation. Namespace `performance-inbox` (docs/performance-collection.md)."""

from django.urls import path  # noqa: F401

app_name = "performance-inbox"

urlpatterns: list = []
