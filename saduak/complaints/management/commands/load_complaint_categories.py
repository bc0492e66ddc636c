"""Loads the national starter tree of complaint categories
(saduak/complaints/data/categories.json): about 30 categories in 9 groups, in
Thai and English, with their targets in working days. Run once on a new
installation; running it again brings the categories named in the file back
to the file's values (HQ's own additions are left alone)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saduak.complaints.services.categories import complaint_categories_load


class Command(BaseCommand):
    help = "Load the national tree of complaint categories."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="another JSON file of the same shape")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]) if options.get("file") else None
        result = complaint_categories_load(
            actor="command:load_complaint_categories", path=path
        )
        self.stdout.write(
            f"Loaded {result.groups} groups and {result.categories} categories."
        )
