from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "saduak.identity"
    label = "identity"
    verbose_name = _("Digital ID")

    def ready(self) -> None:
        from django.contrib import admin

        from saduak.identity.admin_sign_in import admin_has_permission, admin_login

        # The admin signs in through the site's own sign-in (password, then the
        # second factor), never through its own password-only form; and opens
        # only to a session that passed the second factor when staff need one.
        # Wraps what core set (superusers only); core is installed first.
        admin.site.has_permission = admin_has_permission(  # type: ignore[method-assign,assignment]
            admin.site.has_permission
        )
        admin.site.login = admin_login  # type: ignore[method-assign]
