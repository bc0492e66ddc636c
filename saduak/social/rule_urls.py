"""Screening rule sets and rules, and screening runs.
Namespace `social-rules` (docs/social.md)."""

from django.urls import URLPattern, path

from saduak.social.views import rules

app_name = "social-rules"

urlpatterns: list[URLPattern] = [
    path("", rules.rule_set_list, name="list"),
    path("<int:year>/", rules.rule_set_detail, name="detail"),
    path("<int:year>/new/", rules.rule_new, name="new"),
    path("<int:year>/default/", rules.rules_default_load, name="load-default"),
    path("<int:year>/run/", rules.run, name="run"),
    path("rule/<uuid:public_id>/", rules.rule_edit, name="edit"),
    path("rule/<uuid:public_id>/active/", rules.rule_active, name="active"),
]
