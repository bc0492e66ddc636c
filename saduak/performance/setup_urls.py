"""Pages under `/staff/performance/` (namespace `performance`, see
docs/performance.md): frameworks, their components, KPIs and rounds, and
PMQA. Results, imports and reports have their own prefixes under it."""

from django.urls import path

from saduak.performance.views import pmqa, setup, setup_kpis

app_name = "performance"
urlpatterns = [
    path("", setup.framework_list_page, name="frameworks"),
    path("new/", setup.framework_create, name="framework-create"),
    path("f/<uuid:public_id>/", setup.framework_detail, name="framework"),
    path("f/<uuid:public_id>/name/", setup.framework_rename, name="framework-rename"),
    path("f/<uuid:public_id>/copy/", setup.framework_copy, name="framework-copy"),
    path(
        "f/<uuid:public_id>/publish/", setup.framework_publish, name="framework-publish"
    ),
    path("f/<uuid:public_id>/reopen/", setup.framework_reopen, name="framework-reopen"),
    path("f/<uuid:public_id>/components/", setup.component_add, name="component-add"),
    path(
        "f/<uuid:public_id>/components/<slug:code>/",
        setup.component_edit,
        name="component",
    ),
    path(
        "f/<uuid:public_id>/components/<slug:code>/remove/",
        setup.component_remove,
        name="component-remove",
    ),
    path(
        "f/<uuid:public_id>/components/<slug:code>/kpis/new/",
        setup_kpis.kpi_new,
        name="kpi-new",
    ),
    path("f/<uuid:public_id>/rounds/", setup.round_add, name="round-add"),
    path("f/<uuid:public_id>/rounds/<int:months>/", setup.round_edit, name="round"),
    path("kpi/<uuid:public_id>/", setup_kpis.kpi_detail, name="kpi"),
    path("kpi/<uuid:public_id>/edit/", setup_kpis.kpi_edit, name="kpi-edit"),
    path(
        "kpi/<uuid:public_id>/criteria/",
        setup_kpis.kpi_milestones,
        name="kpi-milestones",
    ),
    path("kpi/<uuid:public_id>/remove/", setup_kpis.kpi_remove, name="kpi-remove"),
    path("pmqa/", pmqa.pmqa_year, name="pmqa"),
    path("pmqa/<int:fiscal_year>/averages/", pmqa.pmqa_averages, name="pmqa-averages"),
    path("pmqa/<int:fiscal_year>/<str:unit>/", pmqa.pmqa_unit, name="pmqa-unit"),
]
