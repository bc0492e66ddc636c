from django.urls import path, re_path

from saduak.identity import passkey_views, views

app_name = "identity"
urlpatterns = [
    path("staff/enrol/", views.enrol_start, name="enrol-start"),
    path("enrol/done/", views.enrol_done, name="enrol-done"),
    path("enrol/<str:raw>/", views.enrol, name="enrol"),
    path("enrol/<str:raw>/confirm/", views.enrol_confirm, name="enrol-confirm"),
    path("account/sessions/", views.session_list, name="sessions"),
    path("account/security/", views.security, name="security"),
    path(
        "account/passkeys/options/",
        passkey_views.register_options,
        name="passkey-options",
    ),
    path("account/passkeys/", passkey_views.register_verify, name="passkey-add"),
    path(
        "account/passkeys/<uuid:passkey_id>/remove/",
        passkey_views.remove,
        name="passkey-remove",
    ),
    path("account/", views.account_home, name="account"),
    path("account/position/", views.position_save, name="position"),
    path("account/data-use/", views.data_use, name="data-use"),
    re_path(
        r"^account/my-data\.(?P<file_format>json|pdf)$",
        views.data_export,
        name="data-export",
    ),
    path("account/close/", views.close_digital_id, name="close"),
    path("staff/citizens/", views.citizen_lookup, name="citizen-lookup"),
    path(
        "staff/second-factor-reset/",
        views.staff_second_factor_reset,
        name="second-factor-reset",
    ),
    path("staff/partners/usage/", views.partner_usage, name="partner-usage"),
    path(
        "account/sessions/<uuid:session_id>/end/", views.session_end, name="session-end"
    ),
    path(
        "account/sessions/end-others/",
        views.sessions_end_others,
        name="sessions-end-others",
    ),
]
