from django.core.management.base import BaseCommand

from saduak.areas.sync import areas_sync


class Command(BaseCommand):
    help = (
        "Loads all provinces, districts and subdistricts from geothai with their offices. "
        "Safe to run again: it changes only what changed."
    )

    def handle(self, *args: object, **options: object) -> None:
        report = areas_sync(actor="command:load_areas")
        self.stdout.write(f"geothai data {report.data_version}")
        for level, counts in report.levels.items():
            self.stdout.write(
                f"  {level:<12} created {counts.created:>5}  updated {counts.updated:>5}  "
                f"deactivated {counts.deactivated:>5}  unchanged {counts.unchanged:>5}"
            )
