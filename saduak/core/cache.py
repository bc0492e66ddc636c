"""Django's Redis cache, keeping one client object per connection pool (Django
builds a new redis-py client for every command, which costs more than the
command's round trip on a busy app server: measured in docs/bench.md), and
degrading when Redis is down: a read is a miss, a write does nothing, so pages
are worked out afresh and still served. The outage is logged once per
CACHE_DOWN_LOG_SECONDS, not per call, and for CACHE_DOWN_RETRY_SECONDS after a
failure the cache is not asked at all (a Redis that does not answer would
otherwise cost each call its socket timeout). Rate limits and quotas count in
Redis through saduak.core.counters, which raises CounterUnavailable instead:
each caller chooses to allow or refuse (docs/operations.md, "When a part fails")."""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("saduak.cache")

T = TypeVar("T")

# Redis refusing connections, gone mid-command, or not answering in time.
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
CACHE_DOWN_LOG_SECONDS = 60
CACHE_DOWN_RETRY_SECONDS = 2


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            # redis-py clients are safe to share between threads: each command
            # takes a connection from the pool.
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._down_until = 0.0
        self._down_logged_at = -float(CACHE_DOWN_LOG_SECONDS)
        self._down_lock = threading.Lock()

    # --- Redis down --------------------------------------------------------------
    def available(self) -> bool:
        """False for CACHE_DOWN_RETRY_SECONDS after a command failed."""
        return time.monotonic() >= self._down_until

    def went_down(self, error: BaseException) -> None:
        """Notes that Redis failed (also called by saduak.core.counters): the
        next calls skip it for a moment; logged once per CACHE_DOWN_LOG_SECONDS."""
        now = time.monotonic()
        with self._down_lock:
            self._down_until = now + CACHE_DOWN_RETRY_SECONDS
            if now - self._down_logged_at < CACHE_DOWN_LOG_SECONDS:
                return
            self._down_logged_at = now
        logger.warning(
            "cache unavailable (%s): reads are misses and writes are skipped; "
            "rate limits follow their choice when Redis is down",
            error,
        )

    def _guarded(self, fallback: T, command: Callable[[], T]) -> T:
        if not self.available():
            return fallback
        try:
            return command()
        except REDIS_DOWN as error:
            self.went_down(error)
            return fallback

    # --- every command of Django's RedisCache, degraded --------------------------
    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guarded(
            default, lambda: super(RedisCache, self).get(key, default, version)
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[str, Any]:
        return self._guarded(
            {}, lambda: super(RedisCache, self).get_many(keys, version)
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guarded(
            False, lambda: super(RedisCache, self).has_key(key, version)
        )

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        # Not added: a caller using add as "the first to get here" is not first.
        return self._guarded(
            False, lambda: super(RedisCache, self).add(key, value, timeout, version)
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._guarded(
            None, lambda: super(RedisCache, self).set(key, value, timeout, version)
        )

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[str]:
        return self._guarded(
            list(data), lambda: super(RedisCache, self).set_many(data, timeout, version)
        )

    def touch(
        self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._guarded(
            False, lambda: super(RedisCache, self).touch(key, timeout, version)
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._guarded(
            False, lambda: super(RedisCache, self).delete(key, version)
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._guarded(None, lambda: super(RedisCache, self).delete_many(keys, version))

    def clear(self) -> None:
        self._guarded(None, lambda: super(RedisCache, self).clear())

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        """As for a key that is not there: ValueError (callers set it afresh,
        which does nothing while Redis is down)."""
        missing = object()
        value = self._guarded(
            missing, lambda: super(RedisCache, self).incr(key, delta, version)
        )
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return int(value)  # type: ignore[call-overload]


def cache_available() -> bool:
    """Whether the shared cache answered its last command (a memory cache always
    does). For a caller that must tell "not there" from "Redis is down"."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    return not isinstance(cache, RedisCache) or cache.available()
