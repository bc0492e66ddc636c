"""The bench's bulk load of happiness votes (bench/feedback_scenarios.py):
millions of counted votes through saduak/feedback/generator.py, which stays in
feedback because `seed_demo` loads the demo's votes with it too."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saduak.feedback.generator import AlreadyLoaded, votes_generate


def _day(text: str) -> date:
    return date.fromisoformat(text)


class Command(BaseCommand):
    help = (
        "Loads synthetic counted happiness votes over every active district-level "
        "office and the last days (for load tests), then "
        "rebuilds the day and month rollups from all counted votes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--votes", type=int, required=True, help="how many")
        parser.add_argument(
            "--days", type=int, default=365, help="over how many days (365)"
        )
        parser.add_argument(
            "--end", type=_day, default=None, help="the last day, YYYY-MM-DD (today)"
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed, the same votes (1)"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete every vote and rollup first",
        )

    def handle(self, *args: object, **options: Any) -> None:
        if options["votes"] < 0 or options["days"] < 1:
            raise CommandError("--votes must be 0 or more and --days 1 or more")
        try:
            made = votes_generate(
                votes=options["votes"],
                days=options["days"],
                end=options["end"],
                seed=options["seed"],
                replace=options["replace"],
            )
        except (AlreadyLoaded, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{made.votes} votes for {made.offices} offices from {made.first_day} "
            f"to {made.last_day}; {made.day_rollups} day and {made.month_rollups} "
            f"month rollup rows in {made.seconds:.1f}s (votes "
            f"{made.load_seconds:.1f}s, rollups {made.rollup_seconds:.1f}s, "
            f"indexes and keys {made.index_seconds:.1f}s, vacuum and analyse "
            f"{made.tidy_seconds:.1f}s)"
        )
