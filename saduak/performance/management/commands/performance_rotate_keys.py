"""Re-wraps every KPI evidence file's data key with the current master key
(or the one named with --to), as `eservices_rotate_keys` and
`complaints_rotate_keys` do for theirs: all use ESERVICES_MASTER_KEYS, so run
all of them after putting a new key first; once each reports 0 left, the old
keys can be dropped from the setting. File contents are not rewritten."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saduak.core.uploads.crypto import MasterKeyError, master_keys
from saduak.performance.models import ResultEvidence
from saduak.performance.services.evidence import evidence_rewrap


class Command(BaseCommand):
    help = "Re-wrap KPI evidence data keys with the current master key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            dest="to_key_id",
            default=None,
            help="the master key id to wrap with (default: the first, current one)",
        )

    def handle(self, *args: Any, to_key_id: str | None = None, **options: Any) -> None:
        try:
            target = to_key_id or master_keys().current_id
            count = evidence_rewrap(to_key_id=target)
        except MasterKeyError as error:
            raise CommandError(str(error)) from error
        left = ResultEvidence.objects.exclude(master_key_id=target).count()
        self.stdout.write(
            f"Re-wrapped {count} KPI evidence key(s) with master key "
            f"{target!r}; {left} left under other keys."
        )
