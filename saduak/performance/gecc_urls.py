"""The GECC round: HQ's preparation and progress pages, an office's registration,
responsible person, self-assessment and readiness form. Namespace `performance-
gecc` (docs/performance-collection.md)."""

from django.urls import path  # noqa: F401

app_name = "performance-gecc"

urlpatterns: list = []
