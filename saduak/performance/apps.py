from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "saduak.performance"
    verbose_name = _("Performance management")

    def ready(self) -> None:
        from saduak.performance import checks, kpi_sources  # noqa: F401  (checks)

        kpi_sources.register()
