"""Rebuilds the e-service report's rollups from the applications and says how
many rows were wrong. Run it once after the migration that made the tables
(`eservices.0004_report_rollups`): that is the backfill. The nightly task
`saduak.eservices.tasks.recount_reports` runs the same recount; run it by hand
after loading applications in bulk (outside the services), or with --start and
--end for one period."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saduak.eservices.report_rollups import report_rollups_recount


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Recount the e-service report's rollups from the applications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", help="first day of submission (YYYY-MM-DD)")
        parser.add_argument("--end", help="last day of submission (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _day(options["start"]) if options.get("start") else None
        end = _day(options["end"]) if options.get("end") else None
        if (start is None) != (end is None):
            raise CommandError("Give both --start and --end, or neither.")
        if start is not None and end is not None and start > end:
            raise CommandError("--start must not be after --end.")
        repaired = report_rollups_recount(start=start, end=end)
        self.stdout.write(f"Recounted; {repaired} rollup row(s) were repaired.")
