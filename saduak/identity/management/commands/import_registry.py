from django.core.management.base import BaseCommand, CommandError

from saduak.core.errors import InvalidInput
from saduak.identity.registry_import import COLUMNS, registry_import


class Command(BaseCommand):
    help = (
        "Loads the local copy of the civil registry from a UTF-8 CSV file with the "
        f"columns {', '.join(COLUMNS)} (dates as YYYY-MM-DD). All or nothing."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("csv_path")

    def handle(self, *args: object, **options: str) -> None:
        try:
            with open(options["csv_path"], encoding="utf-8-sig", newline="") as lines:
                report = registry_import(lines=lines, actor="command:import_registry")
        except OSError as error:
            raise CommandError(str(error)) from None
        except InvalidInput as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(
            f"Created {report.created}, updated {report.updated} registry records."
        )
