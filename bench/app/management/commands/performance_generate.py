"""The bench's bulk load of a KPI framework (bench/app/performance_generator.py):
the department's framework of a fiscal year with 100 KPIs and 10,000 district
breakdown rows, results in rounds 6, 9 and 12, scored by the app's service.

    DJANGO_SETTINGS_MODULE=bench.app.settings manage.py performance_generate \\
        --kpis 100 --rows 10000 --replace
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.app.performance_generator import (
    AlreadyLoaded,
    NothingToLoad,
    performance_generate,
)


class Command(BaseCommand):
    help = (
        "Loads the department's KPI framework of a fiscal year with many KPIs "
        "and district breakdown rows (for load tests), then scores its rounds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kpis", type=int, default=100, help="how many (100)")
        parser.add_argument(
            "--rows",
            type=int,
            default=10_000,
            help="district breakdown rows in round 12 (10,000)",
        )
        parser.add_argument("--fiscal-year", type=int, default=2569, help="B.E. (2569)")
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed, the same load (1)"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the year's department framework first",
        )

    def handle(self, *args: object, **options: Any) -> None:
        try:
            made = performance_generate(
                kpis=options["kpis"],
                rows=options["rows"],
                fiscal_year=options["fiscal_year"],
                seed=options["seed"],
                replace=options["replace"],
            )
        except (AlreadyLoaded, NothingToLoad, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"framework {made.public_id} of {made.fiscal_year}: {made.kpis} KPIs "
            f"({made.milestone_kpis} milestone, {made.lower_kpis} lower-is-better, "
            f"{made.breakdown_kpis} with a district breakdown), {made.results} "
            f"results, {made.breakdown_rows} breakdown rows over "
            f"{made.districts} districts; score {made.score}; in "
            f"{made.seconds:.1f}s (rows {made.load_seconds:.1f}s, scores "
            f"{made.score_seconds:.1f}s)"
        )
