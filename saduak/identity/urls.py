from django.urls import path

from saduak.identity import views

app_name = "identity"
urlpatterns = [
    path("staff/enrol/", views.enrol_start, name="enrol-start"),
    path("enrol/done/", views.enrol_done, name="enrol-done"),
    path("enrol/<str:raw>/", views.enrol, name="enrol"),
    path("enrol/<str:raw>/confirm/", views.enrol_confirm, name="enrol-confirm"),
    path("account/sessions/", views.session_list, name="sessions"),
    path("account/security/", views.security, name="security"),
    path(
        "account/sessions/<int:session_id>/end/", views.session_end, name="session-end"
    ),
    path(
        "account/sessions/end-others/",
        views.sessions_end_others,
        name="sessions-end-others",
    ),
]
