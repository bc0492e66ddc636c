"""Re-wraps every attachment's data key with the current master key (or the one
named with --to). Run it after putting a new key first in ESERVICES_MASTER_KEYS
and keeping the old ones after it; once it reports 0 left, the old keys can be
dropped from the setting. File contents are not rewritten."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saduak.core.uploads.crypto import MasterKeyError, master_keys
from saduak.eservices.documents.services import attachments_rewrap
from saduak.eservices.models import Attachment


class Command(BaseCommand):
    help = "Re-wrap attachment data keys with the current master key."

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
            count = attachments_rewrap(to_key_id=target)
        except MasterKeyError as error:
            raise CommandError(str(error)) from error
        left = Attachment.objects.exclude(master_key_id=target).count()
        self.stdout.write(
            f"Re-wrapped {count} attachment key(s) with master key {target!r}; "
            f"{left} left under other keys."
        )
