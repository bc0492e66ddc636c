"""The bench's load of a directive in progress over the whole map
(bench/app/collection_generator.py): HQ's directive sent through every
province to every district office by the app's services, then its answers
moved on in bulk (read, acknowledged, submitted, some late, sent back,
certified), with one staff member per provincial and district office.

    DJANGO_SETTINGS_MODULE=bench.app.settings manage.py collection_generate \\
        --replace
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.app.collection_generator import (
    NothingToLoad,
    collection_generate,
    report_line,
)


class Command(BaseCommand):
    help = (
        "Sends a directive through every province to every district office "
        "and leaves its answers in progress (for load tests)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed, the same load (1)"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the directives an earlier load made first",
        )

    def handle(self, *args: object, **options: Any) -> None:
        try:
            made = collection_generate(seed=options["seed"], replace=options["replace"])
        except NothingToLoad as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report_line(made))
