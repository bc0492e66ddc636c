"""Counters in the cache for rate limits and quotas, shared by every app server
when the cache is Redis. On Redis the counters of one request are counted in one
round trip (Django's `incr` takes two per counter, and `add` before it a third);
any other cache counts with add and incr.

When Redis is down a count cannot be made: CounterUnavailable. Each caller
chooses what that means (docs/operations.md, "When a part fails"): refuse where
an uncounted request would be costly (sign-in guesses), allow where it would
not (booking, votes, quotas), with `count_up_or_allow`."""

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache

from saduak.core.cache import REDIS_DOWN
from saduak.core.cache import RedisCache as DegradingRedisCache

logger = logging.getLogger("saduak.cache")

Start = Callable[[], int] | None


class CounterUnavailable(Exception):
    """The shared counters (Redis) cannot count now."""


def count_up(key: str, *, timeout: int, start: Start = None) -> int:
    """Adds one to the counter `key` and returns its value. A counter that does not
    exist yet begins at `start()` (e.g. a count read from the database) plus one,
    and lives `timeout` seconds."""
    return count_up_many([(key, timeout, start)])[0]


def count_up_many(counters: Sequence[tuple[str, int, Start]]) -> list[int]:
    """count_up for several counters at once: (key, timeout, start) each."""
    # The cache itself, not django.core.cache.cache: that proxy is no RedisCache.
    cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, RedisCache):
        if isinstance(cache, DegradingRedisCache) and not cache.available():
            raise CounterUnavailable("Redis was down a moment ago")
        try:
            return _count_up_redis(cache, counters)
        except REDIS_DOWN as error:
            if isinstance(cache, DegradingRedisCache):
                cache.went_down(error)
            raise CounterUnavailable(str(error)) from error
    values = []
    for key, timeout, start in counters:
        if cache.get(key) is None:
            cache.add(key, start() if start else 0, timeout=timeout)
        try:
            values.append(int(cache.incr(key)))
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=timeout)
            values.append(1)
    return values


def _count_up_redis(
    cache: RedisCache, counters: Sequence[tuple[str, int, Start]]
) -> list[int]:
    keys = [cache.make_and_validate_key(key) for key, _, _ in counters]
    # Django's Redis client (saduak.core.cache keeps one per pool).
    client: Any = cache._cache.get_client(keys[0], write=True)  # type: ignore[attr-defined]
    pipeline = client.pipeline(transaction=False)
    for key in keys:
        pipeline.incr(key)
    values = [int(value) for value in pipeline.execute()]
    made = [index for index, value in enumerate(values) if value == 1]
    if made:  # this request made these counters: their start and lifetime
        pipeline = client.pipeline(transaction=False)
        for index in made:
            _, timeout, start = counters[index]
            if start is not None:
                pipeline.incrby(keys[index], start())
            pipeline.expire(keys[index], timeout)
        results = iter(pipeline.execute())
        for index in made:
            if counters[index][2] is not None:
                values[index] = int(next(results))
            next(results)  # the expire
    return values


def count_up_many_or_allow(
    counters: Sequence[tuple[str, int, Start]], *, what: str
) -> list[int]:
    """count_up_many for a limit that lets requests through while Redis is down
    (each count 0: under every limit). `what` names the limit in the log."""
    try:
        return count_up_many(counters)
    except CounterUnavailable:
        logger.debug("%s not counted: the counters are unavailable", what)
        return [0] * len(counters)


def count_up_or_allow(key: str, *, timeout: int, what: str, start: Start = None) -> int:
    """count_up for a limit that lets requests through while Redis is down (0)."""
    return count_up_many_or_allow([(key, timeout, start)], what=what)[0]
