"""Celery tasks for the digital ID. The work is in data_access."""

from celery import shared_task

from saduak.identity.data_access import partner_usage_refresh


@shared_task(ignore_result=True)
def refresh_partner_usage() -> None:
    """Run by celery beat every five minutes (CELERY_BEAT_SCHEDULE)."""
    partner_usage_refresh(force=True)


@shared_task(ignore_result=True)
def oidc_expired_purge() -> None:
    """Deletes expired pushed authorization requests and the records of expired
    one-time JWTs (client assertions, request objects, DPoP proofs). Hourly."""
    from saduak.identity.oidc.request_objects import expired_purge

    expired_purge()
