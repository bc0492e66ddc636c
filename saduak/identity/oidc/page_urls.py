"""Partner sign-in pages inside the language prefixes: the consent screen and the
logout question in English at /en/o/... (Thai is served at /o/... by urls.py), and
the citizen's list of agencies they share data with."""

from django.urls import path

from saduak.identity.oidc import views

app_name = "oidc"
urlpatterns = [
    path("o/authorize/", views.PartnerAuthorizationView.as_view(), name="authorize"),
    path("o/logout/", views.PartnerLogoutView.as_view(), name="logout"),
    path("account/partners/", views.consent_list, name="consents"),
    path(
        "account/partners/<int:consent_id>/withdraw/",
        views.consent_revoke,
        name="consent-revoke",
    ),
]
