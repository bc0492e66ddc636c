from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "saduak.core"
    label = "core"

    def ready(self) -> None:
        from django.contrib import admin

        from saduak.core.admin_helpers import superusers_only

        # The admin bypasses the services' reach checks, so only HQ's superusers
        # use it; everyone else works through the staff pages and the API.
        admin.site.has_permission = superusers_only  # type: ignore[method-assign]
