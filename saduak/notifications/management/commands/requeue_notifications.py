from django.core.management.base import BaseCommand

from saduak.notifications.services import notifications_requeue_stale


class Command(BaseCommand):
    help = (
        "Queues again notifications left waiting (a broker that was down, a transient "
        "failure past its back-off). Celery beat runs this every minute; without a "
        "broker, run it from cron."
    )

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"Queued {notifications_requeue_stale()} notifications.")
