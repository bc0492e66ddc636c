"""Partner sign-in pages inside the language prefixes: the consent screen and the
logout question in English at /en/o/... (Thai is served at /o/... by urls.py), and
the citizen's list of agencies they share data with, and HQ's partner pages."""

from django.urls import path

from saduak.identity.oidc import partner_views, views

app_name = "oidc"
urlpatterns = [
    path("o/authorize/", views.PartnerAuthorizationView.as_view(), name="authorize"),
    path("o/logout/", views.PartnerLogoutView.as_view(), name="logout"),
    path("account/partners/", views.consent_list, name="consents"),
    path(
        "account/partners/<uuid:consent_id>/withdraw/",
        views.consent_revoke,
        name="consent-revoke",
    ),
    path("staff/partners/", partner_views.partner_list, name="partners"),
    path("staff/partners/new/", partner_views.partner_new, name="partner-new"),
    path(
        "staff/partners/<uuid:partner_id>/",
        partner_views.partner_detail,
        name="partner",
    ),
    path(
        "staff/partners/<uuid:partner_id>/clients/",
        partner_views.client_add,
        name="client-add",
    ),
    path(
        "staff/partners/<uuid:partner_id>/clients/<str:client_id>/",
        partner_views.client_edit,
        name="client",
    ),
    path(
        "staff/partners/<uuid:partner_id>/clients/<str:client_id>/remove/",
        partner_views.client_remove,
        name="client-remove",
    ),
    path(
        "staff/partners/<uuid:partner_id>/tokens/revoke/",
        partner_views.tokens_revoke,
        name="tokens-revoke",
    ),
]
