from django.urls import path

from saduak.areas_staff import views
from saduak.core import converters  # noqa: F401  (registers <isodate:>)

# The staff pages kept the `areas` namespace when they moved out of areas.
app_name = "areas"
urlpatterns = [
    path("", views.staff_home, name="staff-home"),
    path("areas/", views.province_list, name="provinces"),
    path("areas/provinces/<str:code>/", views.province_detail, name="province"),
    path("areas/districts/<str:code>/", views.district_detail, name="district"),
    path("offices/<slug:code>/", views.office_detail, name="office"),
    path("offices/<slug:code>/counters/", views.counter_save, name="counter-save"),
    path("offices/<slug:code>/hours/", views.opening_hours_save, name="hours-save"),
    path("offices/<slug:code>/closures/", views.office_closure_add, name="closure-add"),
    path("holidays/", views.holiday_list, name="holidays"),
    path("holidays/<isodate:day>/remove/", views.holiday_remove, name="holiday-remove"),
    path(
        "offices/<slug:code>/closures/<isodate:day>/remove/",
        views.holiday_remove,
        name="closure-remove",
    ),
]
