"""Counters in the cache for rate limits and quotas, shared by every app server
when the cache is Redis. One round trip per count on Redis (Django's `incr` takes
two, and `add` before it a third); any other cache counts with add and incr."""

from collections.abc import Callable

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache


def count_up(key: str, *, timeout: int, start: Callable[[], int] | None = None) -> int:
    """Adds one to the counter `key` and returns its value. A counter that does not
    exist yet begins at `start()` (e.g. a count read from the database) plus one,
    and lives `timeout` seconds."""
    if isinstance(cache, RedisCache):
        return _count_up_redis(key, timeout=timeout, start=start)
    if cache.get(key) is None:
        cache.add(key, start() if start else 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


def _count_up_redis(key: str, *, timeout: int, start: Callable[[], int] | None) -> int:
    full_key = cache.make_and_validate_key(key)
    # Django's Redis client, for one INCR instead of EXISTS + INCR.
    client = cache._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
    value = int(client.incr(full_key))
    if value == 1:  # this request made the counter: give it its start and lifetime
        pipeline = client.pipeline()
        if start is not None:
            pipeline.incrby(full_key, start())
        pipeline.expire(full_key, timeout)
        results = pipeline.execute()
        if start is not None:
            value = int(results[0])
    return value
