"""Caching reads of the map and the calendar of closures. The map changes only when
`load_areas` runs, and holidays and closures when staff change them; each bumps the
version so every cached answer is dropped at once (across app servers when the
cache is Redis; with the per-process memory cache, answers expire after the TTL)."""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
VERSION_KEY = "areas:map-version"
TTL_SECONDS = 6 * 60 * 60


def map_version() -> int:
    return int(cache.get_or_set(VERSION_KEY, 1, timeout=None) or 1)


def bump_map_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def cached_map_read(name: str, compute: Callable[[], T]) -> T:
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    key = f"areas:{map_version()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TTL_SECONDS)
    return found  # type: ignore[no-any-return]
