"""Celery tasks of case management: the work is in the services."""

import logging

from celery import shared_task

from saduak.social.services.reminders import follow_up_reminders_send

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def social_send_case_reminders() -> int:
    """Daily at 08:40 Bangkok (CELERY_BEAT_SCHEDULE): follow-up reminders to
    case workers, before, on and after the due day (services/reminders.py);
    idempotent."""
    sent = follow_up_reminders_send()
    logger.info("social: %s follow-up reminder(s) sent", sent)
    return sent
