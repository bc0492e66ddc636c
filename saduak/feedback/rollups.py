"""Keeping the per-office rollups (by day and by month) in step with the votes:
each counted vote moves one unit in both, inside the vote's own transaction, so a
count read anywhere is exact and costs nothing that grows with the votes."""

from collections.abc import Mapping
from datetime import date

from django.db import connection, models, transaction
from django.db.models import Count, Q

from saduak.areas.models import Office
from saduak.core.rows import run
from saduak.feedback.choices import VoteStatus
from saduak.feedback.models import (
    SCORES,
    HappinessCounts,
    OfficeDayHappiness,
    OfficeMonthHappiness,
    Vote,
)

VOTE_COLUMNS = tuple(f"votes_{score}" for score in SCORES)


def rollups_move(*, office: Office, day: date, moved: Mapping[int, int]) -> None:
    """Adds `moved[score]` votes (negative to take away) to the office's day and
    month. Runs inside the caller's transaction; the upsert locks the two rows."""
    deltas = [moved.get(score, 0) for score in SCORES]
    if not any(deltas):
        return
    for model, period in (
        (OfficeDayHappiness, day),
        (OfficeMonthHappiness, day.replace(day=1)),
    ):
        run(
            connection,
            _move_sql(model),
            [
                office.pk,
                office.district_id,
                office.province_id,
                period,
                *(max(delta, 0) for delta in deltas),
                *deltas,
            ],
        )


_statements: dict[object, str] = {}


def _period_field(model: type[models.Model]) -> str:
    return "day" if model is OfficeDayHappiness else "month"


def _move_sql(model: type[HappinessCounts]) -> str:
    cached = _statements.get(model)
    if cached is None:
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        period = quote(_period_field(model))
        columns = [
            quote("office_id"),
            quote("district_id"),
            quote("province_id"),
            period,
            *(quote(name) for name in VOTE_COLUMNS),
        ]
        cast = connection.vendor == "postgresql"
        placeholders = [
            "CAST(%s AS date)" if cast and column == period else "%s"
            for column in columns
        ]
        adds = ", ".join(
            f"{quote(name)} = {table}.{quote(name)} + %s" for name in VOTE_COLUMNS
        )
        cached = (
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (model names)
            f"VALUES ({', '.join(placeholders)}) "
            f"ON CONFLICT ({quote('office_id')}, {period}) DO UPDATE SET {adds}"
        )
        _statements[model] = cached
    return cached


def cast_counted_sql(upsert: str) -> str:
    """PostgreSQL: `upsert` (the vote's INSERT ... ON CONFLICT ... RETURNING id,
    replaced_score, replaced_status, score, status) with the moves of the day and
    month rollups hanging off it, in one statement. Parameters after the
    upsert's: office, district, province and day, then office, district, province
    and the first day of the month."""
    cached = _statements.get(upsert)
    if cached is None:
        quote = connection.ops.quote_name
        counted = VoteStatus.COUNTED.value
        deltas = ", ".join(
            f"(CASE WHEN status = '{counted}' AND score = {score} THEN 1 ELSE 0 END)"
            f" - (CASE WHEN replaced_status = '{counted}' AND replaced_score = "
            f"{score} THEN 1 ELSE 0 END) AS d{score}"
            for score in SCORES
        )
        moves = []
        for number, model in enumerate((OfficeDayHappiness, OfficeMonthHappiness)):
            table = quote(model._meta.db_table)
            period = quote(_period_field(model))
            columns = ", ".join(quote(name) for name in VOTE_COLUMNS)
            proposed = ", ".join(f"GREATEST(d{score}, 0)" for score in SCORES)
            adds = ", ".join(
                f"{quote(name)} = {table}.{quote(name)} + (SELECT d{score} FROM deltas)"  # noqa: S608
                for score, name in zip(SCORES, VOTE_COLUMNS, strict=True)
            )
            changed = " OR ".join(f"d{score} <> 0" for score in SCORES)
            moves.append(
                f"move{number} AS (INSERT INTO {table} ({quote('office_id')}, "  # noqa: S608 (model names)
                f"{quote('district_id')}, {quote('province_id')}, {period}, "
                f"{columns}) SELECT CAST(%s AS integer), CAST(%s AS varchar), "
                f"CAST(%s AS varchar), CAST(%s AS date), {proposed} "
                f"FROM deltas WHERE {changed} ON CONFLICT ({quote('office_id')}, "
                f"{period}) DO UPDATE SET {adds})"
            )
        cached = (
            f"WITH cast_vote AS ({upsert}), deltas AS (SELECT {deltas} FROM "  # noqa: S608
            f"cast_vote), {', '.join(moves)} "
            f"SELECT id, replaced_status FROM cast_vote"
        )
        _statements[upsert] = cached
    return cached


def rollups_recount(*, office_ids: list[int] | None = None) -> int:
    """Rebuilds the rollups of the given offices (all when None) from their
    counted votes: for repairs and after bulk loads. Returns the day rows made."""
    counted = Vote.objects.filter(status=VoteStatus.COUNTED)
    if office_ids is not None:
        counted = counted.filter(office_id__in=office_ids)
    by_score = {
        column: Count("id", filter=Q(score=score))
        for score, column in zip(SCORES, VOTE_COLUMNS, strict=True)
    }
    made = 0
    with transaction.atomic():
        for model in (OfficeDayHappiness, OfficeMonthHappiness):
            existing = model.objects.all()
            if office_ids is not None:
                existing = existing.filter(office_id__in=office_ids)
            existing.delete()
        day_rows = [
            OfficeDayHappiness(**row)
            for row in counted.values("office_id", "district_id", "province_id", "day")
            .annotate(**by_score)
            .order_by()
        ]
        OfficeDayHappiness.objects.bulk_create(day_rows, batch_size=2000)
        made = len(day_rows)
        months: dict[tuple[int, date], OfficeMonthHappiness] = {}
        for row in day_rows:
            key = (row.office_id, row.day.replace(day=1))
            month = months.get(key)
            if month is None:
                month = months[key] = OfficeMonthHappiness(
                    office_id=row.office_id,
                    district_id=row.district_id,
                    province_id=row.province_id,
                    month=key[1],
                )
            for column in VOTE_COLUMNS:
                setattr(month, column, getattr(month, column) + getattr(row, column))
        OfficeMonthHappiness.objects.bulk_create(months.values(), batch_size=2000)
    return made
