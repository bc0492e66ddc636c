"""Imports one source file from disk (a national file of hundreds of MB is
streamed, never read into memory): `manage.py social_import_source --kind
basic_needs --year 2569 [--province 50] PATH`. Refusals print the bad lines."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saduak.areas.models import Province
from saduak.core.errors import DomainError
from saduak.social.choices import SourceKind
from saduak.social.services.sources import SourceFileRefused, source_import_file


class Command(BaseCommand):
    help = "Imports one Social Match source file (docs/social.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--kind", required=True, choices=SourceKind.values)
        parser.add_argument("--year", required=True, type=int, help="B.E.")
        parser.add_argument("--province", default="", help="code; empty: the country")

    def handle(self, *args: Any, **options: Any) -> None:
        province = None
        if options["province"]:
            province = Province.objects.filter(code=options["province"]).first()
            if province is None:
                raise CommandError(f"No province has the code {options['province']}.")
        path: Path = options["path"]
        try:
            with path.open("rb") as file:
                imported = source_import_file(
                    kind=options["kind"],
                    year=options["year"],
                    province=province,
                    file_name=path.name,
                    file=file,
                    actor="command:social_import_source",
                )
        except SourceFileRefused as refused:
            for problem in refused.problems:
                self.stderr.write(f"line {problem.line}: {problem.message}")
            raise CommandError(str(refused.message)) from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(
            f"{imported.public_id}: {imported.rows_imported} rows imported, "
            f"{imported.rows_superseded} superseded."
        )
