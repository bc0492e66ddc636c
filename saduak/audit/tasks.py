"""The sequencer on celery beat's short schedule (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from saduak.audit.sequencer import seal_pending


@shared_task
def seal_audit_chain() -> int:
    """Seals the events committed since the last run; returns how many."""
    return seal_pending().sealed
