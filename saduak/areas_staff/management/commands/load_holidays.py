from django.core.management.base import BaseCommand
from django.utils import timezone

from saduak.areas_staff.services import holidays_load_national


class Command(BaseCommand):
    help = (
        "Adds Thailand's public holidays (this year and next by default). "
        "HQ edits them afterwards."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "years", nargs="*", type=int, help="Common-era years, e.g. 2026"
        )

    def handle(self, *args: object, **options: object) -> None:
        this_year = timezone.localdate().year
        years = list(options["years"] or [this_year, this_year + 1])  # type: ignore[call-overload]
        added = holidays_load_national(years=years, actor="command:load_holidays")
        self.stdout.write(
            f"Added {added} national holidays for {', '.join(map(str, years))}."
        )
