"""Rebuilds the complaint report's rollups (ComplaintReportCounts,
ComplaintDurations, ComplaintOpenCounts) from the complaints and says how
many rows were wrong. It is the backfill: run it once after the migration
that made the tables (`complaints.0001_initial`), and after loading
complaints in bulk outside the services. The nightly task
`saduak.complaints.tasks.recount_reports` runs the same recount. With
--start and --end, only the months of that period (the open counts are
always recounted whole)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saduak.complaints.report_rollups import report_rollups_recount


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Recount the complaint report's rollups from the complaints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", help="first day received (YYYY-MM-DD)")
        parser.add_argument("--end", help="last day received (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _day(options["start"]) if options.get("start") else None
        end = _day(options["end"]) if options.get("end") else None
        if (start is None) != (end is None):
            raise CommandError("Give both --start and --end, or neither.")
        if start is not None and end is not None and start > end:
            raise CommandError("--start must not be after --end.")
        repaired = report_rollups_recount(start=start, end=end)
        self.stdout.write(f"Recounted; {repaired} rollup row(s) were repaired.")
