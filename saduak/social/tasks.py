"""Social Match's periodic work (beat: config/settings/base.py)."""

from celery import shared_task

from saduak.social.services.sources import sources_purge_expired


@shared_task
def social_purge_expired_sources() -> int:
    """Deletes the staged rows of imports past their retention period."""
    return sources_purge_expired(actor="task:social_purge")
