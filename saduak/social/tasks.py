"""Social Match's scheduled work (CELERY_BEAT_SCHEDULE); the case follow-up
reminders are in case_tasks.py."""

import logging

from celery import shared_task

from saduak.social.services.sources import sources_purge_expired
from saduak.social.services.targeting import targeting_counts_recount

logger = logging.getLogger(__name__)


@shared_task
def social_purge_expired_sources() -> int:
    """Deletes the staged rows of imports past their retention period."""
    return sources_purge_expired(actor="task:social_purge")


@shared_task(ignore_result=True)
def recount_targeting() -> int:
    """Nightly: rebuilds the targeting counts from the households (docs/layout.md
    8.4, point 3). Rows it had to repair mean a write bypassed the services (a
    bulk load, a hand edit): logged as a warning so that it is looked into."""
    repaired = targeting_counts_recount()
    if repaired:
        logger.warning("social targeting counts: %s row(s) repaired", repaired)
    return repaired
