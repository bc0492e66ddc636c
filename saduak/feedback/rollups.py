"""Keeping the rollups in step with the votes: each counted vote moves one unit in
the office's day and month and in the district's day, inside the vote's own
transaction, so a count read anywhere is exact and costs nothing that grows with
the votes."""

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, models, transaction

from saduak.areas.models import Office
from saduak.core.rows import run
from saduak.feedback.choices import VoteStatus
from saduak.feedback.models import (
    SCORES,
    DistrictDayHappiness,
    OfficeDayHappiness,
    OfficeMonthHappiness,
    Vote,
)

VOTE_COLUMNS = tuple(f"votes_{score}" for score in SCORES)
# Every counter of a rollup row: the votes by score, then the verified votes
# among them and the sum of their scores.
VERIFIED_COLUMNS = ("verified_votes", "verified_score")
COUNT_COLUMNS = VOTE_COLUMNS + VERIFIED_COLUMNS


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
        run(
            connection,
            _move_sql(rollup),
            [
                *rollup.values(office, day),
                *(max(delta, 0) for delta in deltas),
                *deltas,
            ],
        )


def _key_placeholders(rollup: Rollup) -> list[str]:
    """A placeholder per key column, cast to its type on PostgreSQL (which
    cannot tell a parameter's type in INSERT ... SELECT)."""
    if connection.vendor != "postgresql":
        return ["%s"] * len(rollup.keys)
    return [
        f"CAST(%s AS {_field(rollup, key).db_type(connection)})" for key in rollup.keys
    ]


def _field(rollup: Rollup, column: str) -> Any:
    return next(
        field for field in rollup.model._meta.concrete_fields if field.column == column
    )


# Pure: the statement of one rollup, built once (core/memo.py).
@functools.cache
def _move_sql(rollup: Rollup) -> str:
    quote = connection.ops.quote_name
    table = quote(rollup.model._meta.db_table)
    columns = [*(quote(key) for key in rollup.keys), *map(quote, COUNT_COLUMNS)]
    placeholders = _key_placeholders(rollup) + ["%s"] * len(COUNT_COLUMNS)
    adds = ", ".join(
        f"{quote(name)} = {table}.{quote(name)} + %s" for name in COUNT_COLUMNS
    )
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (model names)
        f"VALUES ({', '.join(placeholders)}) "
        f"ON CONFLICT ({', '.join(map(quote, rollup.unique))}) DO UPDATE SET {adds}"
    )


@functools.lru_cache(maxsize=64)
def cast_counted_sql(upsert: str, rollups: tuple[Rollup, ...]) -> str:
    """PostgreSQL: `upsert` (the vote's INSERT ... ON CONFLICT ... RETURNING id,
    replaced_score, replaced_status, score, status, verified, public_key) with
    the moves of `rollups` hanging off it, in one statement; it answers the
    vote's id, the status it replaced, its status and its public key. Parameters after the
    upsert's: each rollup's key values (Rollup.values), in order."""
    quote = connection.ops.quote_name
    counted = VoteStatus.COUNTED.value
    # Kept short: under 4 KB psycopg converts the statement once, not on
    # every vote. `c`: n and o say whether the new and the replaced vote
    # count, s and r are their scores, v whether the voter is verified (a
    # voter's kind, hence `verified`, is the same before and after).
    facts = (
        f"(status='{counted}')::int n,(replaced_status='{counted}')::int o,"
        "score s,COALESCE(replaced_score,0) r,verified::int v"
    )
    deltas = ",".join(
        [f"n*(s={score})::int-o*(r={score})::int d{score}" for score in SCORES]
        + ["v*(n-o) dv", "v*(n*s-o*r) ds"]
    )
    names = [*(f"d{score}" for score in SCORES), "dv", "ds"]
    changed = " OR ".join(f"d{score}<>0" for score in SCORES)
    proposed = ",".join(f"GREATEST({name},0)" for name in names)
    moves = []
    for number, rollup in enumerate(rollups):
        table = quote(rollup.model._meta.db_table)
        columns = [*(quote(k) for k in rollup.keys), *map(quote, COUNT_COLUMNS)]
        adds = ",".join(
            f"{column}=r.{column}+(SELECT {name} FROM d)"  # noqa: S608
            for name, column in zip(names, COUNT_COLUMNS, strict=True)
        )
        moves.append(
            f"m{number} AS (INSERT INTO {table} AS r ({','.join(columns)}) "  # noqa: S608 (model names)
            f"SELECT {','.join(_key_placeholders(rollup))},{proposed} "
            f"FROM d WHERE {changed} "
            f"ON CONFLICT ({','.join(map(quote, rollup.unique))}) "
            f"DO UPDATE SET {adds})"
        )
    return (
        f"WITH cast_vote AS ({upsert}),c AS (SELECT {facts} FROM cast_vote),"  # noqa: S608
        f"d AS (SELECT {deltas} FROM c),{','.join(moves)} "
        f"SELECT id,replaced_status,status,public_key FROM cast_vote"
    )


# Ten million votes group into a million office days: in memory, not in
# batches spilled to disk (this transaction only).
GROUPING_MEMORY = "256MB"


def rollups_recount() -> int:
    """rollups_rebuild in its own transaction; returns the office days made."""
    with transaction.atomic():
        days, _months = rollups_rebuild()
    return days


def rollups_rebuild() -> tuple[int, int]:
    """Rebuilds every rollup from the counted votes, on the database: the office
    days from the votes, the office months and district days from the office
    days; for repairs and after bulk loads. Run inside a transaction (the
    caller's). Returns the office day and month rows made."""
    quote = connection.ops.quote_name
    counts = ", ".join(quote(column) for column in COUNT_COLUMNS)
    verified = quote("verified")
    by_score = ", ".join(
        [
            f"SUM(CASE WHEN {quote('score')} = {score} THEN 1 ELSE 0 END)"
            for score in SCORES
        ]
        + [
            f"SUM(CASE WHEN {verified} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {verified} THEN {quote('score')} ELSE 0 END)",
        ]
    )
    sums = ", ".join(f"SUM({quote(column)})" for column in COUNT_COLUMNS)
    office, district, province = (
        quote("office_id"),
        quote("district_id"),
        quote("province_id"),
    )
    day = quote("day")
    month_of_day = (
        f"CAST(date_trunc('month', {day}) AS date)"
        if connection.vendor == "postgresql"
        else f"date({day}, 'start of month')"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Ten million votes group into a million office days: in memory,
            # not in batches spilled to disk.
            cursor.execute(f"SET LOCAL work_mem = '{GROUPING_MEMORY}'")
        for model in (DistrictDayHappiness, OfficeMonthHappiness, OfficeDayHappiness):
            cursor.execute(f"DELETE FROM {_quoted_table(model)}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {_quoted_table(OfficeDayHappiness)} "  # noqa: S608
            f"({office}, {district}, {province}, {day}, {counts}) "
            f"SELECT {office}, {district}, {province}, {day}, {by_score} "
            f"FROM {_quoted_table(Vote)} WHERE {quote('status')} = %s "
            f"GROUP BY {office}, {district}, {province}, {day}",
            [VoteStatus.COUNTED.value],
        )
        day_rollups = cursor.rowcount
        # An office's month takes its district and province from its days, as
        # rollups_recount's does (they are the same on every day).
        cursor.execute(
            f"INSERT INTO {_quoted_table(OfficeMonthHappiness)} "  # noqa: S608
            f"({office}, {district}, {province}, {quote('month')}, {counts}) "
            f"SELECT {office}, MIN({district}), MIN({province}), {month_of_day}, "
            f"{sums} FROM {_quoted_table(OfficeDayHappiness)} "
            f"GROUP BY {office}, {month_of_day}"
        )
        month_rollups = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {_quoted_table(DistrictDayHappiness)} "  # noqa: S608
            f"({district}, {province}, {day}, {counts}) "
            f"SELECT {district}, MIN({province}), {day}, {sums} "
            f"FROM {_quoted_table(OfficeDayHappiness)} WHERE {district} IS NOT NULL "
            f"GROUP BY {district}, {day}"
        )
    return day_rollups, month_rollups


def _quoted_table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)
