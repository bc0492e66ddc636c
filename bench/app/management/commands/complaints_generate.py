"""The bench's bulk load of Damrongdham complaints (bench/complaint_scenarios.py):
complaints over every district, category, channel and state of the last twelve
months, with their timelines, and the report rollups recounted by the app
(bench/app/complaints_generator.py).

    DJANGO_SETTINGS_MODULE=bench.app.settings manage.py complaints_generate \\
        --count 1000000 --replace
"""

from datetime import date
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.app.complaints_generator import (
    AlreadyLoaded,
    NothingToLoad,
    complaints_generate,
)
from saduak.complaints.models import ComplaintCategory


def _day(text: str) -> date:
    return date.fromisoformat(text)


class Command(BaseCommand):
    help = (
        "Loads synthetic complaints with their timelines over every district "
        "and the last days (for load tests), then recounts the report rollups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many")
        parser.add_argument(
            "--days", type=int, default=365, help="received over how many days (365)"
        )
        parser.add_argument(
            "--end", type=_day, default=None, help="the last day, YYYY-MM-DD (today)"
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed, the same load (1)"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete every complaint and rollup row first",
        )
        parser.add_argument(
            "--recount",
            action="store_true",
            help="run the app's rollup recount afterwards and report what it "
            "repaired (0: the load's rollups are exact)",
        )

    def handle(self, *args: object, **options: Any) -> None:
        if options["count"] < 0 or options["days"] < 1:
            raise CommandError("--count must be 0 or more and --days 1 or more")
        if not ComplaintCategory.objects.exists():
            # The national starter tree, as an operator installs it.
            call_command("load_complaint_categories", stdout=self.stderr)
        try:
            made = complaints_generate(
                count=options["count"],
                days=options["days"],
                end=options["end"],
                seed=options["seed"],
                replace=options["replace"],
                recount=options["recount"],
            )
        except (AlreadyLoaded, NothingToLoad, ValueError) as error:
            raise CommandError(str(error)) from error
        statuses = ", ".join(f"{name} {n}" for name, n in made.by_status.items())
        rollups = ", ".join(f"{name} {n}" for name, n in made.rollup_rows.items())
        self.stdout.write(
            f"{made.complaints} complaints ({statuses}) and {made.events} events "
            f"over {made.districts} districts and {made.categories} categories "
            f"from {made.first_day} to {made.last_day}; rollup rows: {rollups}; "
            f"in {made.seconds:.1f}s (rows {made.load_seconds:.1f}s, indexes and "
            f"keys {made.index_seconds:.1f}s, rollups {made.rollup_seconds:.1f}s, "
            f"vacuum and analyse {made.tidy_seconds:.1f}s)"
            + (
                f"; recount repaired {made.repaired} rows in "
                f"{made.recount_seconds:.1f}s"
                if made.repaired is not None
                else ""
            )
        )
