"""Celery tasks of the core: the work is in the modules named."""

from celery import shared_task

from saduak.core.idempotency import idempotency_records_expire


@shared_task(ignore_result=True)
def expire_idempotency_records() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): answers kept for Idempotency-Keys expire."""
    return idempotency_records_expire()
