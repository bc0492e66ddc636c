"""The one place for remembering answers inside a process. The rule (docs/layout.md):

1. A *pure* function, whose answer depends only on its arguments and on code
   (an SQL string built from model and column names, a parsed key, a word list
   shipped with a package): `functools.cache`, or `functools.lru_cache(maxsize=N)`
   when its arguments are unbounded. A setting it depends on is passed as an
   argument (`_master_keys(settings.ESERVICES_MASTER_KEYS, ...)`), so a changed
   setting is a new key. Never a module-level dict used as a cache.
2. Something read from the database, the shared cache or the disk, fixed for the
   life of the process once read (a key file made on first use):
   `@once_per_process`.
3. Something read from the database or the shared cache that may change, on a
   path so hot that even a Redis round trip counts: a `ProcessMemo(seconds=...)`.
   Each process may serve an answer up to `seconds` old and nothing tells it of
   a change, so use it only where that staleness is acceptable and say so where
   it is made.
4. Anything that must be the same in every process, or be forgotten at once when
   it changes: Django's cache (`django.core.cache.cache`, Redis in production),
   with an explicit `delete` or a version in the key (areas/cache.py).

Tests: the autouse fixture `empty_cache` (conftest.py) runs `clear_all_memos()`
and `cache.clear()` before every test, since the database is rolled back
between them; pure memos (1) need no clearing."""

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

_ALL: list["ProcessMemo"] = []
_ONCE: list[Callable[[], None]] = []

Result = TypeVar("Result")


class ProcessMemo:
    """Recent answers in this process: each lives `seconds` at most by the wall
    clock; the oldest go first when more than `size` are held. None is never
    remembered (it reads as "not held")."""

    def __init__(self, *, seconds: float, size: int = 1000) -> None:
        self.seconds = seconds
        self.size = size
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: str) -> Any:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] <= time.time():
                del self._entries[key]
                return None
            return found[1]

    def set(self, key: str, value: Any, seconds: float | None = None) -> None:
        lasts = self.seconds if seconds is None else min(seconds, self.seconds)
        if lasts <= 0 or value is None:
            return
        expires = time.time() + lasts
        with self._lock:
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def get_or_set(self, key: str, compute: Callable[[], Result]) -> Result:
        """The remembered answer, or `compute()` remembered (two threads may
        both compute it; the later one's answer is kept)."""
        found = self.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        value = compute()
        self.set(key, value)
        return value

    def forget(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def once_per_process(function: Callable[..., Result]) -> Callable[..., Result]:
    """`functools.cache` for a function that is not pure but whose answer, once
    read, holds for the life of the process (rule 2); `clear_all_memos()`
    forgets it, so each test reads it afresh."""
    cached = functools.cache(function)
    _ONCE.append(cached.cache_clear)
    return cached


def clear_all_memos() -> None:
    """For tests, which roll the database back between them."""
    for memo in _ALL:
        memo.clear()
    for clear in _ONCE:
        clear()
