"""Celery tasks for the happiness vote: the work is in the services."""

import logging
from datetime import date
from typing import Any

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from saduak.feedback.services.alerts import happiness_alerts_raise

logger = logging.getLogger(__name__)


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


@shared_task(ignore_result=True)
def send_line_replies(reply_token: str, replies: list[dict[str, Any]]) -> None:
    """Sends the webhook's replies to one event, outside the webhook's request
    (LINE slow or down must not hold it). Once: a reply token is good for one
    reply within about a minute, so a retry could only fail."""
    from saduak.feedback.line.replies import (
        LineReplyError,
        line_replier,
        replies_from_json,
    )

    try:
        line_replier().reply(reply_token, replies_from_json(replies))
    except LineReplyError as error:
        logger.warning("LINE reply failed: %s", error)
