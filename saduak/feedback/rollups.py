"""Keeping the rollups in step with the votes: each counted vote moves one unit in
the office's day and month and in the district's day, inside the vote's own
transaction, so a count read anywhere is exact and costs nothing that grows with
the votes. The statements themselves are in saduak.feedback.sql."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models, transaction

from saduak.areas.models import Office
from saduak.feedback import sql
from saduak.feedback.models import (
    SCORES,
    DistrictDayHappiness,
    OfficeDayHappiness,
    OfficeMonthHappiness,
)
from saduak.feedback.sql import COUNT_COLUMNS, VERIFIED_COLUMNS, VOTE_COLUMNS

__all__ = ["COUNT_COLUMNS", "ROLLUPS", "VERIFIED_COLUMNS", "VOTE_COLUMNS", "Rollup"]


@dataclass(frozen=True)
class Rollup:
    """A rollup table: its key columns (the unique ones in `unique`) and their
    values for a vote at `office` on `day`."""

    model: type[models.Model]
    keys: tuple[str, ...]
    unique: tuple[str, ...]
    values: Callable[[Office, date], tuple[Any, ...]]
    # Offices outside any district (a province's, HQ) have no district row.
    needs_district: bool = False


ROLLUPS = (
    Rollup(
        OfficeDayHappiness,
        ("office_id", "district_id", "province_id", "day"),
        ("office_id", "day"),
        lambda office, day: (office.pk, office.district_id, office.province_id, day),
    ),
    Rollup(
        OfficeMonthHappiness,
        ("office_id", "district_id", "province_id", "month"),
        ("office_id", "month"),
        lambda office, day: (
            office.pk,
            office.district_id,
            office.province_id,
            day.replace(day=1),
        ),
    ),
    Rollup(
        DistrictDayHappiness,
        ("district_id", "province_id", "day"),
        ("district_id", "day"),
        lambda office, day: (office.district_id, office.province_id, day),
        needs_district=True,
    ),
)


def rollups_of(office: Office) -> tuple[Rollup, ...]:
    return tuple(
        rollup
        for rollup in ROLLUPS
        if not rollup.needs_district or office.district_id is not None
    )


def rollups_move(
    *, office: Office, day: date, moved: Mapping[int, int], verified: bool = False
) -> None:
    """Adds `moved[score]` votes (negative to take away) to the office's rollups,
    also to its verified counts when the votes are `verified`. Runs inside the
    caller's transaction; each upsert locks its row."""
    deltas = [moved.get(score, 0) for score in SCORES]
    if not any(deltas):
        return
    if verified:
        deltas += [sum(deltas), sum(score * moved.get(score, 0) for score in SCORES)]
    else:
        deltas += [0, 0]
    for rollup in rollups_of(office):
        sql.rollup_move(rollup, rollup.values(office, day), deltas)


def rollups_recount() -> int:
    """rollups_rebuild in its own transaction; returns the office days made."""
    with transaction.atomic():
        days, _months = rollups_rebuild()
    return days


def rollups_rebuild() -> tuple[int, int]:
    """Rebuilds every rollup from the counted votes (saduak.feedback.sql), inside
    the caller's transaction; for repairs and after bulk loads. Returns the
    office day and month rows made."""
    return sql.rollups_rebuild()
