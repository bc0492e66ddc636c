"""Counting open work without counting all of it (docs/layout.md 8.4, pattern
C): a tab or a tile says "1,000+" instead of reading a million rows."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

COUNT_BOUND = 1000


@dataclass(frozen=True)
class BoundedCount:
    value: int
    more: bool

    def __str__(self) -> str:
        return f"{self.value:,}+" if self.more else f"{self.value:,}"


def bounded_count(queryset: QuerySet[Any], bound: int = COUNT_BOUND) -> BoundedCount:
    """How many rows, counting at most `bound` + 1 of them."""
    found = queryset.order_by()[: bound + 1].count()
    return BoundedCount(min(found, bound), found > bound)
