from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from saduak.audit.keys import AuditKeyError
from saduak.audit.models import AuditEvent
from saduak.audit.sequencer import ChainDisagreesWithCheckpoint, seal_pending
from saduak.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Seals what is ready (unless --no-seal), then verifies the audit hash chain "
        "and the newest signed checkpoint, and names the first broken link."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Verify only (e.g. on a copy, or with only the public key).",
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            if not options["no_seal"]:
                self._seal()
            report = verify_chain()
        except AuditKeyError as error:
            raise CommandError(str(error)) from error
        if report.first_break is not None:
            raise CommandError(
                f"Audit chain broken at {report.first_break} "
                f"({report.checked} events before it are intact)."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.checked} events.")
        )
        if report.checkpoint is not None:
            self.stdout.write(
                f"Checkpoint {report.checkpoint.name}: {report.checkpoint.count} "
                f"events, head {report.checkpoint.head_hash}, signed "
                f"{report.checkpoint.sealed_at}"
            )
        unsealed = AuditEvent.objects.filter(sequence__isnull=True).count()
        if unsealed:
            self.stdout.write(f"Not sealed yet: {unsealed} events.")

    def _seal(self) -> None:
        try:
            seal_pending()
        except ChainDisagreesWithCheckpoint as error:
            self.stderr.write(str(error))  # the verification below names the break
