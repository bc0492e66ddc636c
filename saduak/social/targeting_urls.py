"""A subdistrict's households ranked by need, community forums, decisions,
services, and the statistics per area.
Namespace `social-targeting` (docs/social.md)."""

from django.urls import URLPattern

app_name = "social-targeting"

urlpatterns: list[URLPattern] = []
