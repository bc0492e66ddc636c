from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from saduak.accounts.matrix import matrix_markdown


class Command(BaseCommand):
    help = "Prints the role x action matrix as the Markdown table of docs/roles.md."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):
            self.stdout.write(matrix_markdown(), ending="")
