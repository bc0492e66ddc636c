"""Runs the complaints' escalation job once (beat runs it every 15 minutes,
`saduak.complaints.tasks.escalate_complaints`): overdue complaints escalate
to the province and HQ, resolved ones close after 7 days."""

from typing import Any

from django.core.management.base import BaseCommand

from saduak.complaints.services.escalation import complaints_escalate


class Command(BaseCommand):
    help = "Escalate overdue complaints and close those resolved 7 days ago."

    def handle(self, *args: Any, **options: Any) -> None:
        run = complaints_escalate()
        self.stdout.write(
            f"Escalated {run.to_province} to the province and {run.to_hq} to HQ; "
            f"closed {run.closed} resolved complaint(s)."
        )
