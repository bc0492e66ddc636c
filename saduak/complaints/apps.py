from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "saduak.complaints"
    verbose_name = _("Damrongdham complaints")

    def ready(self) -> None:
        from saduak.complaints import (
            kpi_sources,
            notices,  # noqa: F401  (registers templates)
        )

        kpi_sources.register()
