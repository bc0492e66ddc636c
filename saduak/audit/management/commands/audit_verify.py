from django.core.management.base import BaseCommand, CommandError

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
