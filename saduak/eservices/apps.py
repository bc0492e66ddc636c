from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EservicesConfig(AppConfig):
    name = "saduak.eservices"
    verbose_name = _("E-services")

    def ready(self) -> None:
        from saduak.eservices import notices  # noqa: F401  (registers templates)
