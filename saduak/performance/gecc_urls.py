"""The GECC round: HQ's preparation and progress pages, an office's registration,
responsible person, self-assessment and readiness form. Namespace `performance-
gecc` (docs/performance-collection.md)."""

from django.urls import path

from saduak.performance.views import gecc

app_name = "performance-gecc"

OFFICE = "<int:fiscal_year>/offices/<slug:office_code>/"

urlpatterns = [
    path("", gecc.round_list, name="list"),
    path("<int:fiscal_year>/", gecc.round_detail, name="round"),
    path("<int:fiscal_year>/prepare/", gecc.round_prepare, name="prepare"),
    path("<int:fiscal_year>/targets/", gecc.round_targets, name="targets"),
    path("<int:fiscal_year>/open/", gecc.round_open, name="open"),
    path("<int:fiscal_year>/close/", gecc.round_close, name="close"),
    path("<int:fiscal_year>/progress/", gecc.round_progress, name="progress"),
    path("<int:fiscal_year>/criteria/", gecc.criteria_share, name="criteria-share"),
    path("<int:fiscal_year>/volunteer/", gecc.volunteer, name="volunteer"),
    path(OFFICE, gecc.office, name="office"),
    path(f"{OFFICE}responsible/", gecc.responsible, name="responsible"),
    path(f"{OFFICE}items/<slug:criterion_code>/", gecc.assess, name="assess"),
    path(
        f"{OFFICE}items/<slug:criterion_code>/evidence/",
        gecc.evidence_add,
        name="evidence-add",
    ),
    path(f"{OFFICE}evidence/<uuid:public_id>/", gecc.evidence, name="evidence"),
    path(
        f"{OFFICE}evidence/<uuid:public_id>/remove/",
        gecc.evidence_remove,
        name="evidence-remove",
    ),
    path(f"{OFFICE}outcomes/", gecc.outcomes, name="outcomes"),
    path(f"{OFFICE}readiness/", gecc.readiness, name="readiness"),
    path(f"{OFFICE}report/", gecc.report, name="report"),
]
