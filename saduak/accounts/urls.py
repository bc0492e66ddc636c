from django.urls import path

from saduak.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("login/second-factor/", views.second_factor, name="second-factor"),
    path("step-up/", views.step_up, name="step-up"),
    path("login/passkey/options/", views.passkey_options, name="passkey-options"),
    path("login/passkey/verify/", views.passkey_verify, name="passkey-verify"),
]
