"""Pages under `/staff/performance/` (see docs/performance.md)."""

from django.urls import path  # noqa: F401

app_name = "performance"

urlpatterns: list = []
