"""Celery tasks for complaints: the work is in the services."""

import logging

from celery import shared_task

from saduak.complaints.report_rollups import report_rollups_recount
from saduak.complaints.services.escalation import complaints_escalate

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def escalate_complaints() -> dict[str, int]:
    """Every 15 minutes (CELERY_BEAT_SCHEDULE): overdue complaints escalate
    to the province and HQ, resolved ones close after 7 days."""
    run = complaints_escalate()
    if run.to_province or run.to_hq or run.closed:
        logger.info(
            "complaints escalated: %s to the province, %s to HQ; %s closed",
            run.to_province,
            run.to_hq,
            run.closed,
        )
    return {"to_province": run.to_province, "to_hq": run.to_hq, "closed": run.closed}


@shared_task(ignore_result=True)
def recount_reports() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): rebuilds the complaint report's
    rollups from the complaints. Rows it had to repair mean a write bypassed
    the services (a bulk load, a hand edit): logged as a warning so that it
    is looked into."""
    repaired = report_rollups_recount()
    if repaired:
        logger.warning("complaints report rollups: %s row(s) repaired", repaired)
    return repaired
