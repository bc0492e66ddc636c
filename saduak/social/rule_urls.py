"""Screening rule sets and rules, and screening runs.
Namespace `social-rules` (docs/social.md)."""

from django.urls import URLPattern

app_name = "social-rules"

urlpatterns: list[URLPattern] = []
