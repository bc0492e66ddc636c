"""A small memory of recent answers inside one process, for the hottest reads
where even a Redis round trip counts (a partner's token on every identity check).
Entries live `seconds` at most by the wall clock; the oldest go first when full."""

import threading
import time
from collections import OrderedDict
from typing import Any

_ALL: list["ProcessMemo"] = []


class ProcessMemo:
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
        if lasts <= 0:
            return
        expires = time.time() + lasts
        with self._lock:
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def clear_all_memos() -> None:
    """For tests, which roll the database back between them."""
    for memo in _ALL:
        memo.clear()
