"""The citizen's complaint pages, mounted at complaints/ under the language
prefixes (namespace "complaints"). A complaint is addressed by its reference
(signed in) or its tracking token (the link given on filing), never by id."""

from django.urls import path, re_path

from saduak.complaints.views import citizen, liff

app_name = "complaints"

REFERENCE = r"[A-Z0-9]{8}"
ACTIONS = "rate|reopen|confirm|withdraw"

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
    re_path(
        rf"^t/(?P<token>[^/]+)/(?P<action>{ACTIONS})/$",
        citizen.track_act,
        name="track-act",
    ),
    # A reference is 8 capital letters and digits (core/references.py): never
    # one of the words above, nor the other apps' paths under complaints/
    # (documents/, figures/), which then answer their own 404.
    re_path(rf"^(?P<reference>{REFERENCE})/$", citizen.detail, name="detail"),
    re_path(
        rf"^(?P<reference>{REFERENCE})/(?P<action>{ACTIONS})/$",
        citizen.act,
        name="act",
    ),
]
