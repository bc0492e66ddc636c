"""Celery tasks for performance management: the work is in the services."""

import logging

from celery import shared_task

from saduak.performance.services.computed import open_rounds_compute
from saduak.performance.services.reminders import reminders_send

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def performance_compute_open_rounds() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): computed KPIs of open rounds follow
    the data they are computed from (services/computed.py)."""
    computed = open_rounds_compute()
    logger.info("performance: %s computed KPI result(s) refreshed", computed)
    return computed


@shared_task(ignore_result=True)
def performance_send_reminders() -> int:
    """Daily at 08:30 Bangkok (CELERY_BEAT_SCHEDULE): reminders of report
    deadlines before and after (services/reminders.py); idempotent."""
    sent = reminders_send()
    logger.info("performance: %s report reminder(s) sent", sent)
    return sent
