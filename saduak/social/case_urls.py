"""Case management: cases, assessments, plan steps, referrals, follow-ups, closure.
Namespace `social-cases` (docs/social.md)."""

from django.urls import URLPattern

app_name = "social-cases"

urlpatterns: list[URLPattern] = []
