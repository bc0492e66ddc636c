"""The citizen's e-service pages, under the language prefixes. The namespace
is "eservices" (links.py and the API link to "eservices:application")."""

from django.urls import path

from saduak.eservices.views import citizen, citizen_check, citizen_form

app_name = "eservices"

urlpatterns = [
    path("eservices/", citizen.catalogue, name="catalogue"),
    path("eservices/applications/", citizen.my_applications, name="applications"),
    path(
        "eservices/applications/<str:reference>/",
        citizen.tracking,
        name="application",
    ),
    path(
        "eservices/applications/<str:reference>/check/",
        citizen_check.check_answers,
        name="check",
    ),
    path(
        "eservices/applications/<str:reference>/submitted/",
        citizen_check.submitted,
        name="submitted",
    ),
    path(
        "eservices/applications/<str:reference>/resubmit/",
        citizen.resubmit,
        name="resubmit",
    ),
    # Section keys never take the names above (forms_engine.definition refuses
    # them).
    path(
        "eservices/applications/<str:reference>/<slug:key>/",
        citizen_form.section_page,
        name="section",
    ),
    path("eservices/<slug:code>/", citizen.service_page, name="service"),
    path("eservices/<slug:code>/apply/", citizen.start, name="start"),
]
