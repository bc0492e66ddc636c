"""Celery tasks for e-services: the work is in the services."""

import logging

from celery import shared_task

from saduak.eservices.report_rollups import report_rollups_recount

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def recount_reports() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): rebuilds the report's rollups from the
    applications. Rows it had to repair mean a write bypassed the services (a
    bulk load, a hand edit): logged as a warning so that it is looked into."""
    repaired = report_rollups_recount()
    if repaired:
        logger.warning("eservices report rollups: %s row(s) repaired", repaired)
    return repaired
