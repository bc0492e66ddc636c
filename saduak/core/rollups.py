"""Keeping a rollup of today current without a scheduler, and yesterday's final:
celery beat forces the recount on its schedule; pages that show the figures call
it too, so that a setup without beat (the embedded demo) stays current. A
recount is idempotent, so two servers recounting at once do no harm."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

FINAL_MARK_SECONDS = 26 * 60 * 60


def recount_when_stale(
    name: str,
    *,
    recount: Callable[[date], object],
    every_seconds: int,
    force: bool = False,
) -> datetime:
    """Recounts today with `recount(day)` when the last count (cache key
    `<name>-counted-at`) is older than `every_seconds`, or always with `force`;
    yesterday once more after midnight. Returns when today was counted."""
    now = timezone.now()
    today = timezone.localdate(now)
    yesterday = today - timedelta(days=1)
    if cache.add(f"{name}-final:{yesterday.isoformat()}", 1, FINAL_MARK_SECONDS):
        recount(yesterday)
    counted_key = f"{name}-counted-at"
    if force or cache.add(counted_key, now, every_seconds):
        recount(today)
        cache.set(counted_key, now, every_seconds)
        return now
    counted_at: datetime | None = cache.get(counted_key)
    return counted_at or now
