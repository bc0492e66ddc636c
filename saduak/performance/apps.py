from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "saduak.performance"
    verbose_name = _("Performance management")

    def ready(self) -> None:
        from saduak.performance import kpi_sources

        kpi_sources.register()
