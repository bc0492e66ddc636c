from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "saduak.appointments"
    label = "appointments"
    verbose_name = _("Appointments and queues")

    def ready(self) -> None:
        from saduak.appointments import notices  # noqa: F401  (registers templates)
        from saduak.appointments.receivers import closure_cancels_bookings
        from saduak.areas.signals import closure_added

        closure_added.connect(closure_cancels_bookings, dispatch_uid="appointments")

        from saduak.appointments import kpi_sources

        kpi_sources.register()
