from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "saduak.performance"
    verbose_name = _("Performance management")

    def ready(self) -> None:
        from saduak.performance import (
            kpi_sources,
            notices,  # noqa: F401  (registers templates)
        )

        kpi_sources.register()
