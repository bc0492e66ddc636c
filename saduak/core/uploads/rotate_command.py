"""The management command every app's key rotation is (`eservices_rotate_keys`,
`complaints_rotate_keys`, `performance_rotate_keys`): all use
ESERVICES_MASTER_KEYS, so run all of them after putting a new key first; once
each reports 0 left, the old keys can be dropped from the setting. File
contents are not rewritten."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models

from saduak.core.uploads.crypto import MasterKeyError, master_keys


class RotateKeysCommand(BaseCommand):
    """A subclass names its `model`, what its files are called (`what`) and
    its app's re-wrap service (`rewrap`)."""

    model: type[models.Model]
    what: str

    def rewrap(self, to_key_id: str) -> int:
        raise NotImplementedError

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
            count = self.rewrap(target)
        except MasterKeyError as error:
            raise CommandError(str(error)) from error
        left = self.model._default_manager.exclude(master_key_id=target).count()
        self.stdout.write(
            f"Re-wrapped {count} {self.what} key(s) with master key {target!r}; "
            f"{left} left under other keys."
        )
