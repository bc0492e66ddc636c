"""The sign-in pages under /accounts/. They keep the `accounts` URL namespace
(`accounts:login`, `accounts:second-factor`, ...) that templates and redirects name,
although the views are identity's (sign_in_views.py)."""

from django.urls import path

from saduak.identity import sign_in_views as views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("login/second-factor/", views.second_factor, name="second-factor"),
    path("step-up/", views.step_up, name="step-up"),
    path("login/passkey/options/", views.passkey_options, name="passkey-options"),
    path("login/passkey/verify/", views.passkey_verify, name="passkey-verify"),
]
