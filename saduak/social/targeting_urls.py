"""A subdistrict's households ranked by need, community forums, decisions,
services, and the statistics per area.
Namespace `social-targeting` (docs/social.md)."""

from django.urls import URLPattern, path

from saduak.social.views import statistics, targeting

app_name = "social-targeting"

urlpatterns: list[URLPattern] = [
    path("", targeting.targeting_home, name="home"),
    path("statistics/", statistics.statistics_page, name="statistics"),
    path(
        "statistics/export/<str:file_format>/",
        statistics.statistics_export,
        name="statistics-export",
    ),
    path("<int:year>/districts/<str:code>/", targeting.district_page, name="district"),
    path(
        "<int:year>/subdistricts/<str:code>/",
        targeting.subdistrict_page,
        name="subdistrict",
    ),
    path(
        "<int:year>/subdistricts/<str:code>/forums/new/",
        targeting.forum_new,
        name="forum-new",
    ),
    path("households/<uuid:public_id>/", targeting.household_page, name="household"),
    path(
        "households/<uuid:public_id>/decision/",
        targeting.household_decide,
        name="decide",
    ),
    path(
        "households/<uuid:public_id>/select/",
        targeting.household_select,
        name="select",
    ),
    path(
        "households/<uuid:public_id>/services/",
        targeting.household_service,
        name="service",
    ),
]
