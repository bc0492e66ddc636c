from typing import Any

from django.core.management.base import BaseCommand

from saduak.appointments.services.catalogue import services_load_national


class Command(BaseCommand):
    help = (
        "Adds the registration services Saduak ships to the national catalogue; "
        "services HQ already has (by code) are left as they are."
    )

    def handle(self, *args: object, **options: Any) -> None:
        added = services_load_national(actor="command:load_services")
        self.stdout.write(f"Added {added} services to the national catalogue.")
