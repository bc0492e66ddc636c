from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "saduak.accounts"
    label = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from django.contrib import admin

        from saduak.accounts.lockout import admin_password_change

        # The admin's change-password form checks the current password through
        # the lockout's count, like every other page that checks a password.
        admin.site.password_change = admin_password_change  # type: ignore[method-assign,assignment]
