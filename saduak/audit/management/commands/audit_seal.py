import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from saduak.audit.keys import AuditKeyError
from saduak.audit.sequencer import seal_pending


class Command(BaseCommand):
    help = (
        "Seals the audit events committed so far and signs a checkpoint. With "
        "--loop, keeps doing so every --interval seconds (a dedicated process)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: object, **options: object) -> None:
        interval = max(0.05, float(options["interval"]))  # type: ignore[arg-type]
        while True:
            try:
                run = seal_pending()
            except AuditKeyError as error:
                raise CommandError(str(error)) from error
            if run.sealed or not options["loop"]:
                state = "another sequencer is at work" if run.busy else "sealed"
                self.stdout.write(f"{state}: {run.sealed} events, chain at {run.count}")
            if not options["loop"]:
                return
            close_old_connections()
            time.sleep(interval)
