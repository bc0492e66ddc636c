from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "saduak.identity"
    label = "identity"
    verbose_name = _("Digital ID")

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_out

        from saduak.identity.admin_sign_in import admin_has_permission, admin_login
        from saduak.identity.sign_in import session_signed_out

        # Every sign-out ends the signed-in session and tells the partners used in
        # it (OIDC back-channel logout).
        user_logged_out.connect(session_signed_out, dispatch_uid="saduak-session-end")

        # The admin signs in through the site's own sign-in (password, then the
        # second factor), never through its own password-only form; and opens
        # only to a session that passed the second factor when staff need one.
        # Wraps what core set (superusers only); core is installed first.
        admin.site.has_permission = admin_has_permission(  # type: ignore[method-assign,assignment]
            admin.site.has_permission
        )
        admin.site.login = admin_login  # type: ignore[method-assign]
