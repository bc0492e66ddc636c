"""Recounts the office day statistics (OfficeDayStats) of every office with
tickets or bookings on each day from --start to --end. The schedule recounts
today and yesterday; this command is for older days, e.g. after migration
`appointments.0003_kpi_measures` added the bookings called on time."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saduak.appointments.management.commands.appointments_mobile_recount import (
    day_argument,
)
from saduak.appointments.services.stats import offices_day_recount


class Command(BaseCommand):
    help = "Recount the office day statistics of a range of days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, help="first day (YYYY-MM-DD)")
        parser.add_argument("--end", required=True, help="last day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = day_argument(options["start"]), day_argument(options["end"])
        if start > end:
            raise CommandError("--start must not be after --end.")
        day, offices = start, 0
        while day <= end:
            offices += offices_day_recount(day)
            day += timedelta(days=1)
        self.stdout.write(f"Recounted {offices} office day(s).")
