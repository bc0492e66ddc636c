"""The citizen's complaint pages, mounted at complaints/ under the language
prefixes (namespace "complaints"). A complaint is addressed by its reference
(signed in) or its tracking token (the link given on filing), never by id."""

from django.urls import path

from saduak.complaints.views import citizen, liff

app_name = "complaints"

urlpatterns = [
    path("", citizen.landing, name="landing"),
    path("new/", citizen.file_complaint, name="file"),
    path("new/questions/", citizen.questions, name="questions"),
    path("areas/", citizen.area_options, name="areas"),
    path("liff/", liff.liff_complaint, name="liff"),
    path("find/", citizen.find, name="find"),
    path("mine/", citizen.mine, name="mine"),
    path("t/<str:token>/", citizen.track, name="track"),
    path("t/<str:token>/filed/", citizen.filed, name="filed"),
    path("t/<str:token>/<slug:action>/", citizen.track_act, name="track-act"),
    # References never take the names above (they are 8 letters and digits).
    path("<str:reference>/", citizen.detail, name="detail"),
    path("<str:reference>/<slug:action>/", citizen.act, name="act"),
]
