"""Celery tasks of partner sign-in. The work is in backchannel.py; a task only
decides whether to run again."""

from celery import Task, shared_task

from saduak.identity.oidc.backchannel import (
    backchannel_logout_deliver,
    backchannel_logouts_requeue_stale,
)


# Retries are bounded by the row's own attempt count
# (OIDC_BACKCHANNEL_LOGOUT_ATTEMPTS), not by Celery's counter.
@shared_task(bind=True, max_retries=None, acks_late=True, ignore_result=True)
def deliver_backchannel_logout(self: Task, backchannel_logout_id: int) -> str:
    """One delivery attempt of a logout token; the next one after the back-off
    when a transient error leaves attempts to spare. Returns the status."""
    outcome = backchannel_logout_deliver(pk=backchannel_logout_id)
    if outcome.retry_in is None:
        return outcome.status
    if self.request.is_eager:
        # Without a broker a retry would run at once, inside the web request; the
        # row stays queued and `requeue_stale_backchannel_logouts` tries it later.
        return outcome.status
    raise self.retry(countdown=outcome.retry_in)


@shared_task
def requeue_stale_backchannel_logouts() -> int:
    """Run by celery beat every minute (CELERY_BEAT_SCHEDULE)."""
    return backchannel_logouts_requeue_stale()
