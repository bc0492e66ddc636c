"""Rebuilds MobileServedCounts (the people the Mobile Unit served, per
district and day) from the requests and says how many rows were wrong. It is
the backfill: run it once after the migration that made the table
(`appointments.0003_kpi_measures`), and after loading requests in bulk
outside the services. The nightly task
`saduak.appointments.tasks.recount_mobile_served` runs the same recount. With
--start and --end, only the months of that period."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saduak.appointments.mobile_rollups import mobile_rollups_recount


def day_argument(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Recount the Mobile Unit's people served per district and day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", help="first day served (YYYY-MM-DD)")
        parser.add_argument("--end", help="last day served (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        start = day_argument(options["start"]) if options.get("start") else None
        end = day_argument(options["end"]) if options.get("end") else None
        if (start is None) != (end is None):
            raise CommandError("Give both --start and --end, or neither.")
        if start is not None and end is not None and start > end:
            raise CommandError("--start must not be after --end.")
        repaired = mobile_rollups_recount(start=start, end=end)
        self.stdout.write(f"Recounted; {repaired} rollup row(s) were repaired.")
