"""The form builder's editor (saduak/forms_engine) for a report request's form and
a GECC round's readiness form. Namespace `performance-forms` (docs/performance-
collection.md)."""

from django.urls import path  # noqa: F401

app_name = "performance-forms"

urlpatterns: list = []
