"""Celery tasks for notifications. The work is in services; a task only decides
whether to run again."""

import logging

from celery import Task, shared_task

from saduak.core.errors import NotFound
from saduak.notifications.services import (
    notification_deliver,
    notifications_requeue_stale,
)

logger = logging.getLogger(__name__)


# Retries are bounded by the notification's own attempt count
# (NOTIFICATION_MAX_ATTEMPTS), not by Celery's counter, which also counts waiting
# for another worker's claim.
@shared_task(bind=True, max_retries=None, acks_late=True, ignore_result=True)
def deliver_notification(self: Task, notification_id: int) -> str:
    """Makes one delivery attempt and schedules the next one with exponential
    backoff when a transient error leaves attempts to spare. Returns the status."""
    try:
        outcome = notification_deliver(notification_id=notification_id)
    except NotFound:
        logger.warning("Notification %s no longer exists.", notification_id)
        return ""
    if outcome.retry_in is None:
        return outcome.status
    if self.request.is_eager:
        # Without a broker a retry would run at once, inside the web request;
        # the row stays queued and `requeue_stale_notifications` tries it later.
        return outcome.status
    raise self.retry(countdown=outcome.retry_in)


@shared_task
def requeue_stale_notifications() -> int:
    """Run by celery beat every minute (CELERY_BEAT_SCHEDULE)."""
    return notifications_requeue_stale()
