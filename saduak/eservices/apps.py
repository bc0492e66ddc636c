from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EservicesConfig(AppConfig):
    name = "saduak.eservices"
    verbose_name = _("E-services")

    def ready(self) -> None:
        from saduak.eservices import notices  # noqa: F401  (registers templates)
        from saduak.eservices.signals import builtin_services_on_migrate

        post_migrate.connect(builtin_services_on_migrate, sender=self)

        from saduak.eservices import kpi_sources

        kpi_sources.register()

        from saduak.eservices import referral_target

        referral_target.register()
