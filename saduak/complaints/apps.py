from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "saduak.complaints"
    verbose_name = _("Damrongdham complaints")

    def ready(self) -> None:
        from saduak.complaints import notices  # noqa: F401  (registers templates)
