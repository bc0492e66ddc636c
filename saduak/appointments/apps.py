from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "saduak.appointments"
    label = "appointments"
    verbose_name = _("Appointments and queues")

    def ready(self) -> None:
        from saduak.appointments import notices  # noqa: F401  (registers templates)
