"""The feedback app's hand-written SQL: the statements of casting a vote and of
keeping the rollups, which the ORM cannot write. Nothing else in the app writes
SQL for these; each statement runs on SQLite and PostgreSQL in
`saduak/feedback/tests/test_sql.py` (the suite runs on both).

Why each is hand-written:

- `vote_upsert`: INSERT ... ON CONFLICT (office, day, voter) DO UPDATE ...
  RETURNING the score and status the vote replaced. The database locks the
  voter's row, so parallel casts of one voice queue and each sees what the one
  before it left, and a vote that counted keeps counting (decided under the
  lock). The ORM's upsert (`bulk_create(update_conflicts=True)`) can neither
  return the row as it was nor decide under the lock; without them 20 parallel
  votes of one device would count more than once (test_votes). Needed for
  correctness, on both databases.
- `rollup_move_sql`: adds to a rollup row's counters (`votes_3 = votes_3 + 1`)
  or creates the row. `bulk_create(update_conflicts=True)` can only overwrite a
  counter with the proposed value, and a read-then-write would lose counts to
  parallel votes.
- `vote_cast_counted` (PostgreSQL only, the one vendor branch): the upsert and
  the moves of the office's rollups in one statement, the moves fed by what the
  upsert returns (data-modifying CTEs, which SQLite has not). One round trip
  and atomic without BEGIN and COMMIT, instead of BEGIN, four statements and
  COMMIT: up to five round trips fewer per vote. Measured with it: bench
  `vote_ingest` 0.146-0.159x ping, 16 clients, PostgreSQL (docs/bench-feedback.md,
  "After the office fix"), where in-process a vote spends 1.8 ms of its 5 ms
  waiting for this one statement. Not yet measured against the four-statement
  form in the same sitting (issue 14's session had no quiet machine: docs/bench.md,
  "Hand SQL kept"); do that before adding to it. Its text stays under psycopg's
  4 KB cache of converted queries (MAX_CACHED_STATEMENT_LENGTH, tested), so
  psycopg converts it once.
- `rollups_rebuild`: INSERT ... SELECT ... GROUP BY, for repairs and bulk
  loads: millions of votes grouped in the database, not fetched into Python.
- `counts_summed` (the happiness index, `selectors/index.py`): SELECT ...
  SUM(...) FROM (the month rows UNION ALL the day rows at either end) GROUP BY
  the office, district or province. The ORM can build each part but cannot
  group or sum over a `union()` (Django refuses annotate and aggregate after
  it); without this, the parts would be two or three queries and the sums
  done in Python over every group of each part. With it, one round trip and
  one row per group, however long the period.

The statements take their table and column names from the models
(`saduak.core.rows.row_of` for the vote's INSERT), so a renamed field cannot
leave them behind.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import connection, connections, models

from saduak.core.rows import row_of, run
from saduak.feedback.choices import VoteStatus
from saduak.feedback.models import (
    SCORES,
    DistrictDayHappiness,
    OfficeDayHappiness,
    OfficeMonthHappiness,
    Vote,
)

if TYPE_CHECKING:
    from saduak.feedback.rollups import Rollup

VOTE_COLUMNS = tuple(f"votes_{score}" for score in SCORES)
# Every counter of a rollup row: the votes by score, then the verified votes
# among them and the sum of their scores.
VERIFIED_COLUMNS = ("verified_votes", "verified_score")
COUNT_COLUMNS = VOTE_COLUMNS + VERIFIED_COLUMNS


def cast_in_one_statement() -> bool:
    """Whether a vote and its rollups' moves are one statement (PostgreSQL)."""
    return connection.vendor == "postgresql"


# --- The vote's upsert -------------------------------------------------------------
# Replacing copies what the voter says now, and remembers what it replaced.
_REPLACED_BY_THE_NEW_CAST = (
    "score",
    "comment",
    "comment_public",
    "comment_state",
    "counter_id",
    "service_id",
    "channel",
    "source_key",
    "updated_at",
)


def vote_upsert(vote: Vote) -> tuple[int, int | None, str, str, UUID]:
    """Writes `vote` (unsaved) as the one row of its voter, office and day, in the
    caller's transaction. Returns its id, the score and status it replaced
    (None and "" for a first vote), its status now and its public key."""
    row = row_of(vote, connection)
    quote = connection.ops.quote_name
    sql = vote_upsert_sql(row.insert_values_sql(), quote(Vote._meta.db_table), quote)
    found = run(connection, sql, list(row.params))
    return int(found[0]), found[1], str(found[2] or ""), str(found[4]), _uuid(found[6])


@functools.lru_cache(maxsize=32)
def vote_upsert_sql(insert: str, table: str, quote: Any) -> str:
    """The upsert around the vote's INSERT `insert` (into `table`), RETURNING id,
    replaced_score, replaced_status, score, status, verified, public_key."""
    # The row as it was is `v` (short: the statement must stay small).
    aliased = insert.replace(f"INSERT INTO {table} ", f"INSERT INTO {table} AS v ", 1)
    assert aliased != insert, "the vote's INSERT names its table first"
    assignments = [
        f"{quote(name)}=excluded.{quote(name)}" for name in _REPLACED_BY_THE_NEW_CAST
    ]
    # A vote that counts keeps counting when its voter votes again: a
    # re-vote adds no voice, so a hold for volume (the only kind of hold)
    # never applies to it. Decided here, under the row's lock, so that
    # parallel re-votes of one voter cannot hold a vote that counted.
    was_counted = f"v.{quote('status')}='{VoteStatus.COUNTED.value}'"
    assignments += [
        f"{quote('status')}=CASE WHEN {was_counted} THEN v.{quote('status')} "
        f"ELSE excluded.{quote('status')} END",
        f"{quote('hold_reason')}=CASE WHEN {was_counted} THEN '' "
        f"ELSE excluded.{quote('hold_reason')} END",
        f"{quote('replaced_score')}=v.{quote('score')}",
        f"{quote('replaced_status')}=v.{quote('status')}",
        f"{quote('times_cast')}=v.{quote('times_cast')} + 1",
        f"{quote('reply')}=''",
        f"{quote('replied_at')}=NULL",
        f"{quote('replied_by_id')}=NULL",
    ]
    cached = (
        f"{aliased} ON CONFLICT ({quote('office_id')}, {quote('day')}, "
        f"{quote('voter_key')}) DO UPDATE SET {','.join(assignments)} "
        f"RETURNING {quote('id')}, {quote('replaced_score')}, "
        f"{quote('replaced_status')}, {quote('score')}, {quote('status')}, "
        f"{quote('verified')}, {quote('public_key')}"
    )
    return cached


def _uuid(value: Any) -> UUID:
    """A UUID column as the database answers it (SQLite: 32 hex digits)."""
    return value if isinstance(value, UUID) else UUID(str(value))


# --- A rollup's move ---------------------------------------------------------------
def rollup_move(rollup: Rollup, keys: tuple[Any, ...], deltas: list[int]) -> None:
    """Adds `deltas` (one per COUNT_COLUMNS, negative to take away) to the rollup
    row with key values `keys`, creating it (with the positive parts) if there
    is none. Locks the row for the rest of the caller's transaction."""
    run(
        connection,
        rollup_move_sql(rollup),
        [*keys, *(max(delta, 0) for delta in deltas), *deltas],
    )


@functools.cache
def rollup_move_sql(rollup: Rollup) -> str:
    quote = connection.ops.quote_name
    table = quote(rollup.model._meta.db_table)
    columns = [*(quote(key) for key in rollup.keys), *map(quote, COUNT_COLUMNS)]
    placeholders = _key_placeholders(rollup) + ["%s"] * len(COUNT_COLUMNS)
    adds = ", ".join(
        f"{quote(name)} = {table}.{quote(name)} + %s" for name in COUNT_COLUMNS
    )
    cached = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (model names)
        f"VALUES ({', '.join(placeholders)}) "
        f"ON CONFLICT ({', '.join(map(quote, rollup.unique))}) DO UPDATE SET {adds}"
    )
    return cached


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


# --- PostgreSQL: the vote and its rollups in one statement ---------------------------
def vote_cast_counted(
    vote: Vote, rollups: tuple[Rollup, ...], keys: list[tuple[Any, ...]]
) -> tuple[int, str, str, UUID]:
    """PostgreSQL: the vote's upsert and the moves of `rollups` (with key values
    `keys`, in the same order) in one statement. Returns the vote's id, the
    status it replaced ("" for a first vote), its status and its public key."""
    row = row_of(vote, connection)
    quote = connection.ops.quote_name
    upsert = vote_upsert_sql(row.insert_values_sql(), quote(Vote._meta.db_table), quote)
    found = run(
        connection,
        cast_counted_sql(upsert, rollups),
        [*row.params, *(value for key in keys for value in key)],
    )
    return int(found[0]), str(found[1] or ""), str(found[2]), _uuid(found[3])


@functools.lru_cache(maxsize=32)
def cast_counted_sql(upsert: str, rollups: tuple[Rollup, ...]) -> str:
    """`upsert` (vote_upsert_sql) with the moves of `rollups` hanging off its
    RETURNING; it answers the vote's id, the status it replaced, its status and
    its public key. Parameters after the upsert's: each rollup's key values."""
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
    cached = (
        f"WITH cast_vote AS ({upsert}),c AS (SELECT {facts} FROM cast_vote),"  # noqa: S608
        f"d AS (SELECT {deltas} FROM c),{','.join(moves)} "
        f"SELECT id,replaced_status,status,public_key FROM cast_vote"
    )
    return cached


# --- Rebuilding every rollup ---------------------------------------------------------
# Ten million votes group into a million office days: in memory, not in
# batches spilled to disk (this transaction only).
GROUPING_MEMORY = "256MB"


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


# --- The index's sums ----------------------------------------------------------------
def counts_summed(
    parts: Sequence[models.QuerySet[Any]], group: str
) -> list[tuple[Any, ...]]:
    """COUNT_COLUMNS summed over the rollup rows of all `parts` (querysets of
    rollups with those columns and `group`), one row per value of the column
    `group` (the value first, then the sums), or one row of sums for the
    whole when `group` is "". One statement; no rows for no parts."""
    if not parts:
        return []
    # The rollups' own database: the replica on a replica page
    # (core/db_router.py), the primary otherwise.
    alias = parts[0].db
    reading = connections[alias]
    quote = reading.ops.quote_name
    selected = ([group] if group else []) + list(COUNT_COLUMNS)
    sql_parts: list[str] = []
    params: list[Any] = []
    for queryset in parts:
        part, part_params = (
            queryset.values(*selected)
            .order_by()
            .query.get_compiler(using=alias)
            .as_sql()
        )
        sql_parts.append(part)
        params.extend(part_params)
    sums = ", ".join(f"SUM({quote(column)})" for column in COUNT_COLUMNS)
    grouped = f"{quote(group)}, " if group else ""
    statement = (
        f"SELECT {grouped}{sums} FROM ({' UNION ALL '.join(sql_parts)}) counted"  # noqa: S608
        + (f" GROUP BY {quote(group)}" if group else "")
    )
    with reading.cursor() as cursor:
        cursor.execute(statement, params)
        return [tuple(row) for row in cursor.fetchall()]
