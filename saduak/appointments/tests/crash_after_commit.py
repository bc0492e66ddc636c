"""Run as a child process by test_outbox.py: books a seat for a person and dies
(SIGKILL) the moment the booking's transaction has committed, before any
after-commit callback runs, as a process killed by the OOM killer or a deploy
would. Not a test module: pytest does not collect it.

Usage: python crash_after_commit.py <slot id> <user id> <moment, ISO 8601>
with OUTBOX_CRASH_DB_NAME naming the (test) database to use.
"""

import os
import signal
import sys
from datetime import datetime

import django


def die_on_commit() -> None:
    """After this, the first commit that has callbacks waiting kills the process
    between the COMMIT and the first callback."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    original = BaseDatabaseWrapper.run_and_clear_commit_hooks

    def run_and_clear_commit_hooks(self: BaseDatabaseWrapper) -> None:
        if self.run_on_commit:
            print("committed; dying before the after-commit callbacks", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        original(self)

    BaseDatabaseWrapper.run_and_clear_commit_hooks = (  # type: ignore[method-assign]
        run_and_clear_commit_hooks
    )


def main(slot_id: int, user_id: int, moment: datetime) -> None:
    import time_machine

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from django.conf import settings

    # Connections open lazily, so this points the first one at the test database.
    settings.DATABASES["default"]["NAME"] = os.environ["OUTBOX_CRASH_DB_NAME"]

    from saduak.accounts.models import User
    from saduak.appointments.models import Slot
    from saduak.appointments.services.bookings import booking_create

    die_on_commit()
    with time_machine.travel(moment, tick=True):
        slot = Slot.objects.select_related("office_service__office").get(pk=slot_id)
        booking_create(actor=User.objects.get(pk=user_id), slot=slot)
    print("survived the commit", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), datetime.fromisoformat(sys.argv[3]))
