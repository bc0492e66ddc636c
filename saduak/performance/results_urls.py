"""A round's results and each KPI's result entry, under
`/staff/performance/results/` (docs/performance.md, "Results")."""

from django.urls import path

from saduak.performance.views import entry, evidence, results

app_name = "performance-results"

urlpatterns = [
    path("<uuid:public_id>/<int:months>/", results.round_results, name="round"),
    path("<uuid:public_id>/<int:months>/lock/", results.round_lock_view, name="lock"),
    path(
        "<uuid:public_id>/<int:months>/unlock/",
        results.round_unlock_view,
        name="unlock",
    ),
    path("kpi/<uuid:public_id>/<int:months>/", entry.result_entry, name="result"),
    path(
        "kpi/<uuid:public_id>/<int:months>/compute/",
        entry.result_compute_view,
        name="compute",
    ),
    path(
        "kpi/<uuid:public_id>/<int:months>/breakdown/",
        evidence.breakdown_save_view,
        name="breakdown",
    ),
    path(
        "kpi/<uuid:public_id>/<int:months>/evidence/",
        evidence.evidence_add_view,
        name="evidence-add",
    ),
    path("evidence/<uuid:public_id>/", evidence.evidence_download, name="evidence"),
    path(
        "evidence/<uuid:public_id>/remove/",
        evidence.evidence_remove_view,
        name="evidence-remove",
    ),
]
