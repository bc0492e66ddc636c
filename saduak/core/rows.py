"""The few helpers that an app's hand-written SQL module (docs/layout.md, "Hand
SQL") shares: the INSERT of a model object as the ORM would send it (`row_of`),
and running one statement bound and prepared on the server (`run`).

Hand SQL is the exception: each statement lives in its app's `sql.py` with the
measurement or the reason the ORM cannot say it. Today that is
`saduak/feedback/sql.py` (the vote's upsert, the rollups and the index's
sums) and `saduak/eservices/sql.py` (the queue's bounded counts, the report
recount's table lock); core's own is `rollups.histogram_medians`.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class Row:
    """One row to insert: its (quoted) table and columns, and the parameters in
    the same order."""

    table: str
    columns: tuple[str, ...]
    params: tuple[Any, ...]

    def insert_values_sql(self, *, returning: str = "") -> str:
        """INSERT ... VALUES with one bare placeholder per column (PostgreSQL
        takes each parameter's type from its column), RETURNING the quoted
        column `returning` if given. Short, so that a statement built around it
        can stay under psycopg's 4 KB cache of converted queries."""
        return _insert_values_sql(self.table, self.columns, returning)


def row_of(instance: models.Model, connection: BaseDatabaseWrapper) -> Row:
    """The INSERT of `instance` (an unsaved model object) without its automatic
    primary key. Values go through each field's own `pre_save` and conversion,
    exactly as the ORM's INSERT sends them."""
    table, fields, columns = _layout(type(instance), connection.alias)
    params = tuple(
        field.get_db_prep_save(field.pre_save(instance, True), connection)
        for field in fields
    )
    return Row(table, columns, params)


@functools.lru_cache(maxsize=64)
def _layout(
    model: type[models.Model], alias: str
) -> tuple[str, tuple[Any, ...], tuple[str, ...]]:
    """The table, fields and columns of a model's rows (worked out once: the
    same for every row)."""
    quote = connections[alias].ops.quote_name
    fields = tuple(
        field
        for field in model._meta.local_concrete_fields
        if not isinstance(field, models.AutoField)
    )
    columns = tuple(quote(str(field.column)) for field in fields)
    return quote(model._meta.db_table), fields, columns


@functools.lru_cache(maxsize=64)
def _insert_values_sql(table: str, columns: tuple[str, ...], returning: str) -> str:
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (model names)
        f"VALUES ({', '.join(['%s'] * len(columns))})"
        + (f" RETURNING {returning}" if returning else "")
    )


def run(connection: BaseDatabaseWrapper, sql: str, params: list[Any]) -> Any:
    """Runs one statement on `connection` (inside whatever transaction it is in)
    and returns its first row, if it returns rows."""
    return _execute(
        connection,
        sql,
        params,
        lambda cursor: cursor.fetchone() if cursor.description else None,
    )


def _execute(
    connection: BaseDatabaseWrapper,
    sql: str,
    params: list[Any],
    result: Callable[[Any], Any],
) -> Any:
    # Errors as Django's (IntegrityError and the rest), as from the ORM.
    with connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            # Bound and prepared on the server (Django's cursor would quote every
            # value in Python and have the statement planned each time). Django
            # turns psycopg's automatic preparing off for connection poolers;
            # these few statements are prepared explicitly (PgBouncer keeps
            # prepared statements from 1.21 on, see docs/operations.md).
            connection.ensure_connection()
            with psycopg.Cursor(connection.connection) as cursor:
                cursor.execute(sql, params, prepare=True)
                return result(cursor)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return result(cursor)
