"""Celery tasks for the digital ID. The work is in data_access."""

from celery import shared_task

from saduak.identity.data_access import partner_usage_refresh


@shared_task(ignore_result=True)
def refresh_partner_usage() -> None:
    """Run by celery beat every five minutes (CELERY_BEAT_SCHEDULE)."""
    partner_usage_refresh(force=True)
