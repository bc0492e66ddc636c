"""Source imports: upload, list, detail, roll back (HQ and provinces).
Namespace `social-sources` (docs/social.md)."""

from django.urls import URLPattern

app_name = "social-sources"

urlpatterns: list[URLPattern] = []
