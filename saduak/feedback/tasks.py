"""Celery tasks for the happiness vote: the work is in the services."""

from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from saduak.feedback.services.alerts import happiness_alerts_raise


@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=5,
)
def watch_happiness(today: str = "") -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): alerts for districts whose happiness
    fell. Safe to run again: an alert is raised once per district and day.
    `today` (ISO date) is for catching up a missed night."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return len(happiness_alerts_raise(today=day))
