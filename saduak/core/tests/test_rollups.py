from datetime import timedelta

import time_machine
from django.core.cache import cache
from django.utils import timezone

from saduak.core.rollups import recount_when_stale


def test_today_is_recounted_when_stale_and_yesterday_once_more():
    counted = []
    cache.clear()
    with time_machine.travel("2026-03-10 16:50:00+00:00", tick=False):  # 23:50 Bangkok
        recount_when_stale("t", recount=counted.append, every_seconds=300)
        recount_when_stale("t", recount=counted.append, every_seconds=300)
        recount_when_stale("t", recount=counted.append, every_seconds=300, force=True)
    with time_machine.travel("2026-03-10 17:10:00+00:00", tick=False):  # 00:10
        cache.delete("t-counted-at")  # the five minutes are up
        at = recount_when_stale("t", recount=counted.append, every_seconds=300)
    days = [day.isoformat() for day in counted]
    # The first call also closes the day before; after midnight 10 March is
    # recounted once more as yesterday.
    assert days == [
        "2026-03-09",
        "2026-03-10",
        "2026-03-10",
        "2026-03-10",
        "2026-03-11",
    ]
    assert at.isoformat().startswith("2026-03-10T17:10")


def test_the_time_of_the_last_count_is_returned_between_counts():
    cache.clear()
    first = recount_when_stale("u", recount=lambda day: None, every_seconds=300)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        again = recount_when_stale("u", recount=lambda day: None, every_seconds=300)
    assert again == first
