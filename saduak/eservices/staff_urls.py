"""Officers' pages of e-service applications, mounted at `staff/eservices/`
(the builder and payments have their own prefixes under it)."""

from django.urls import path, re_path

from saduak.eservices.views import committee, overview, staff, staff_work

app_name = "eservices-staff"
urlpatterns = [
    path("", staff.queue_home, name="queue-home"),
    path("offices/<slug:code>/", staff.queue, name="queue"),
    path("record/", staff_work.record, name="record"),
    path("a/<str:reference>/", staff.application_detail, name="application"),
    path("a/<str:reference>/claim/", staff.application_claim_view, name="claim"),
    path(
        "a/<str:reference>/release/",
        staff.application_release_view,
        name="release",
    ),
    path("a/<str:reference>/note/", staff.application_note_view, name="note"),
    path(
        "a/<str:reference>/act/<slug:action>/",
        staff.application_act_view,
        name="act",
    ),
    path("a/<str:reference>/fact-check/", staff_work.fact_check, name="fact-check"),
    path(
        "a/<str:reference>/registry-check/",
        staff_work.registry_check,
        name="registry-check",
    ),
    path("offices/<slug:code>/committee/", committee.meetings, name="meetings"),
    path("offices/<slug:code>/committee/add/", committee.cases_add, name="cases-add"),
    path("committee/<uuid:public_id>/", committee.meeting_detail, name="meeting"),
    path("committee/<uuid:public_id>/decide/", committee.meeting_decide, name="decide"),
    path(
        "committee/<uuid:public_id>/remove/<str:reference>/",
        committee.case_remove,
        name="case-remove",
    ),
    path("committee/<uuid:public_id>/minutes.pdf", committee.minutes, name="minutes"),
    path("overview/", overview.overview_page, name="overview"),
    re_path(
        r"^overview\.(?P<file_format>csv|xlsx)$",
        overview.overview_page,
        name="overview-export",
    ),
]
