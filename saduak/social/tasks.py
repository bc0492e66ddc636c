"""Social Match's scheduled work (CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from saduak.social.services.targeting import targeting_counts_recount

logger = logging.getLogger(__name__)


# --- Targeting ----------------------------------------------------------------------


@shared_task(ignore_result=True)
def recount_targeting() -> int:
    """Nightly: rebuilds the targeting counts from the households (docs/layout.md
    8.4, point 3). Rows it had to repair mean a write bypassed the services (a
    bulk load, a hand edit): logged as a warning so that it is looked into."""
    repaired = targeting_counts_recount()
    if repaired:
        logger.warning("social targeting counts: %s row(s) repaired", repaired)
    return repaired
