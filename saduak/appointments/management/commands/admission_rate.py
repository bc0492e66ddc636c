from typing import Any

from django.core.management.base import BaseCommand, CommandError

from saduak.core.admission import admission_rate, admission_rate_set


class Command(BaseCommand):
    help = (
        "Shows or sets how many people a second the booking waiting room admits at "
        "most (on every app server, through the shared cache; the room admits fewer "
        "while admitted requests are slow). "
        "Use it to open a release of slots slowly."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "rate", nargs="?", type=int, help="people a second; 0: no waiting room"
        )
        parser.add_argument("--hours", type=int, default=24, help="how long it holds")
        parser.add_argument("--reset", action="store_true", help="back to the setting")

    def handle(self, *args: object, **options: Any) -> None:
        if options["reset"]:
            admission_rate_set(None)
        elif options["rate"] is not None:
            if options["rate"] < 0:
                raise CommandError("The rate is 0 or more.")
            admission_rate_set(options["rate"], hours=options["hours"])
        self.stdout.write(f"admission_rate={admission_rate()}")
