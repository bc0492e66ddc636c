from typing import Any

from django.core.management.base import BaseCommand

from saduak.social.agencies import agencies_load
from saduak.social.models import Agency


class Command(BaseCommand):
    help = (
        "Adds the agencies of saduak/social/data/agencies.json that are missing "
        "(those already there take the file's names); safe to run again."
    )

    def handle(self, *args: object, **options: Any) -> None:
        added = agencies_load(Agency)
        self.stdout.write(f"Added {added} agencies.")
