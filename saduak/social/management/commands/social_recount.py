"""Rebuilds Social Match's targeting counts (TargetingCounts) from the
households and says how many rows were wrong (docs/layout.md 8.4, point 3).
It is the backfill: run it after the migration that made the table
(`social.0001_initial`) and after loading households in bulk outside the
services. The nightly task `saduak.social.tasks.recount_targeting` runs the
same recount. With --year, only that year's rule set (B.E.)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saduak.social.services.targeting import targeting_counts_recount


class Command(BaseCommand):
    help = "Recount Social Match's targeting counts from the households."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, action="append", help="a rule set's year (B.E.)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        repaired = targeting_counts_recount(years=options.get("year"))
        self.stdout.write(f"Recounted; {repaired} count row(s) were repaired.")
