import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from saduak.core.waiting_room import BOOKING_ROOM, WaitingRoom


class Command(BaseCommand):
    help = (
        "The booking waiting room: `status` prints head, tail, waiting, rate and "
        "admitted p95 as JSON; `open --at TIME` announces an opening (those who "
        "arrive before it get places drawn at random at the opening); "
        "`cancel-opening` takes it back; `reset` forgets the room (its tickets "
        "count no more). The rate's ceiling is `manage.py admission_rate`."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "action", choices=["status", "open", "cancel-opening", "reset"]
        )
        parser.add_argument(
            "--at",
            help="the opening, ISO 8601 (2027-01-05T09:00; local time if no offset)",
        )
        parser.add_argument("--room", default=BOOKING_ROOM)

    def handle(self, *args: object, **options: Any) -> None:
        room = WaitingRoom(options["room"])
        action = options["action"]
        if action == "open":
            if not options["at"]:
                raise CommandError("Say when with --at, e.g. --at 2027-01-05T09:00.")
            try:
                opening = datetime.fromisoformat(options["at"])
            except ValueError as error:
                raise CommandError(f"--at is not an ISO 8601 time: {error}") from error
            if timezone.is_naive(opening):
                opening = timezone.make_aware(opening)
            if opening <= timezone.now():
                raise CommandError("The opening must be in the future.")
            room.open_at(int(opening.timestamp() * 1000))
        elif action == "cancel-opening":
            room.open_at(0)
        elif action == "reset":
            room.reset()
        self.stdout.write(json.dumps(room.status(), sort_keys=True))
