from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "saduak.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from saduak.audit import checks  # noqa: F401  (registers the key check)
