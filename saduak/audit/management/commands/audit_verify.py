from django.core.management.base import BaseCommand, CommandError

from saduak.audit.models import AuditChainHead
from saduak.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verifies the audit hash chain and names the first broken link."

    def handle(self, *args: object, **options: object) -> None:
        report = verify_chain()
        if report.first_break is not None:
            raise CommandError(
                f"Audit chain broken at {report.first_break} "
                f"({report.checked} events before it are intact)."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.checked} events.")
        )
        # Kept outside the database (a log, a ticket), this line proves later that
        # no events were cut from the end.
        head = AuditChainHead.objects.filter(pk=1).first()
        if head is not None:
            self.stdout.write(f"Head: event {head.sequence} hash {head.hash}")
