"""Rows written without the ORM's per-statement compiling, for the hottest writes
(each identity check, each partner sign-in): the ORM spends longer building an
INSERT in Python than the database spends running it. Values go through each
field's own `pre_save` and conversion, exactly as the ORM's INSERT sends them, and
on PostgreSQL the statement is bound on the server, so psycopg prepares it after a
few runs."""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class Row:
    """One row to insert: its table, columns and value expressions (placeholders
    cast to the column's type, so they also serve in INSERT ... SELECT), with the
    parameters in order."""

    table: str
    columns: tuple[str, ...]
    values: tuple[str, ...]
    params: tuple[Any, ...]

    def insert_values_sql(self, *, returning: str = "") -> str:
        """INSERT ... VALUES, RETURNING the (quoted) column `returning` if given."""
        return _insert_values_sql(self.table, self.columns, self.values, returning)

    def insert_placeholders_sql(self) -> str:
        """INSERT ... VALUES with bare placeholders: shorter, for a statement
        that must stay under psycopg's cache of converted queries (4 KB); in
        VALUES PostgreSQL takes each parameter's type from its column."""
        return _insert_values_sql(
            self.table, self.columns, ("%s",) * len(self.columns), ""
        )

    def insert_select_sql(self, source: str, linked: dict[str, str]) -> str:
        """INSERT ... SELECT ... FROM `source`: one row for each row of `source`
        (none when it is empty); each `linked` column (quoted) takes the named
        column of `source`."""
        columns = self.columns + tuple(linked)
        values = self.values + tuple(f"{source}.{column}" for column in linked.values())
        return (
            f"INSERT INTO {self.table} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(values)} FROM {source}"
        )


def row_of(
    instance: models.Model,
    connection: BaseDatabaseWrapper,
    *,
    leave_out: frozenset[str] = frozenset(),
    expressions: dict[str, tuple[str, Any]] | None = None,
) -> Row:
    """The INSERT of `instance` (an unsaved model object), without its automatic
    primary key and the fields named in `leave_out`. `expressions` replaces a
    field's value by SQL with one placeholder and its parameter (e.g. a
    subquery finding a foreign key)."""
    expressions = expressions or {}
    table, fields, columns, values = _layout(
        type(instance),
        connection.alias,
        leave_out,
        tuple(sorted((name, sql) for name, (sql, _param) in expressions.items())),
    )
    params = tuple(
        expressions[field.name][1]
        if field.name in expressions
        else field.get_db_prep_save(field.pre_save(instance, True), connection)
        for field in fields
    )
    return Row(table, columns, values, params)


@functools.lru_cache(maxsize=64)
def _layout(
    model: type[models.Model],
    alias: str,
    leave_out: frozenset[str],
    expressions: tuple[tuple[str, str], ...],
) -> tuple[str, tuple[Any, ...], tuple[str, ...], tuple[str, ...]]:
    """The table, fields, columns and value expressions of a model's rows
    (worked out once: the same for every row)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    # PostgreSQL cannot tell a parameter's type in INSERT ... SELECT; SQLite's
    # CAST would change values (to datetime is to a number there).
    cast = connection.vendor == "postgresql"
    given = dict(expressions)
    fields = tuple(
        field
        for field in model._meta.local_concrete_fields
        if not isinstance(field, models.AutoField) and field.name not in leave_out
    )
    values = tuple(
        given[field.name]
        if field.name in given
        else (f"CAST(%s AS {field.db_type(connection)})" if cast else "%s")
        for field in fields
    )
    columns = tuple(quote(str(field.column)) for field in fields)
    return quote(model._meta.db_table), fields, columns, values


@functools.lru_cache(maxsize=64)
def _insert_values_sql(
    table: str, columns: tuple[str, ...], values: tuple[str, ...], returning: str
) -> str:
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (model names)
        f"VALUES ({', '.join(values)})"
        + (f" RETURNING {returning}" if returning else "")
    )


def select_one(
    model: type[models.Model],
    connection: BaseDatabaseWrapper,
    *,
    where: str,
    value: Any,
    related: tuple[str, ...] = (),
) -> Any:
    """The row of `model` whose field `where` equals `value` (a unique field), with
    the rows its foreign keys in `related` lead to (paths as in select_related,
    "office_service__office"), in one prepared SELECT; None when there is none.
    The objects are what the ORM would make: each field's conversion applied,
    the related objects cached on the one that points to them."""
    sql, joined = _select_layout(model, connection.alias, where, related)
    row = run(connection, sql, [value])
    if row is None:
        return None
    made: dict[str, Any] = {}
    offset = 0
    for part in joined:
        values = []
        for index, column in enumerate(part.columns):
            found = row[offset + index]
            for converter in part.converters[index]:
                found = converter(found, column, connection)
            values.append(found)
        offset += len(part.columns)
        instance = (
            None  # a LEFT JOIN that found nothing
            if part.key is not None and values[part.pk_index] is None
            else part.model.from_db(connection.alias, None, values)
        )
        made[part.path] = instance
        parent = made[part.parent_path] if part.key is not None else None
        if parent is not None:
            part.key.set_cached_value(parent, instance)
    return made[""]


@dataclass(frozen=True)
class _Joined:
    """One model of a select_one: where it hangs (`key`, the foreign key of the
    model at `parent_path`; None for the model asked for), its columns in the
    order of its fields, their converters, and where its primary key is."""

    path: str
    model: Any
    parent_path: str
    key: Any
    columns: tuple[Any, ...]
    converters: tuple[tuple[Any, ...], ...]
    pk_index: int


@functools.lru_cache(maxsize=32)
def _select_layout(
    model: type[models.Model], alias: str, where: str, related: tuple[str, ...]
) -> tuple[str, list[_Joined]]:
    """The SELECT and, per joined model, parents first, how to read it."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    paths = [""]
    for path in related:
        parts = path.split("__")
        paths += ["__".join(parts[: n + 1]) for n in range(len(parts))]
    paths = list(dict.fromkeys(paths))  # each once, parents first
    models_at: dict[str, type[models.Model]] = {"": model}
    keys: dict[str, Any] = {"": None}
    aliases = {"": "t0"}
    joins = []
    for number, path in enumerate(paths[1:], start=1):
        parent_path, _, name = path.rpartition("__")
        parent = models_at[parent_path]
        key = parent._meta.get_field(name)
        target = key.related_model
        assert isinstance(key, models.ForeignKey) and isinstance(target, type)
        models_at[path], keys[path], aliases[path] = target, key, f"t{number}"
        joins.append(
            f"LEFT JOIN {quote(target._meta.db_table)} t{number} "
            f"ON t{number}.{quote(column_of(target, 'pk'))} = "
            f"{aliases[parent_path]}.{quote(str(key.column))}"
        )
    selected, joined = [], []
    for path in paths:
        here = models_at[path]
        columns, converters = [], []
        for field in here._meta.concrete_fields:
            column = field.get_col(aliases[path])
            selected.append(f"{aliases[path]}.{quote(str(field.column))}")
            columns.append(column)
            converters.append(
                connection.ops.get_db_converters(column)
                + column.get_db_converters(connection)
            )
        fields = here._meta.concrete_fields
        joined.append(
            _Joined(
                path=path,
                model=here,
                parent_path=path.rpartition("__")[0],
                key=keys[path],
                columns=tuple(columns),
                converters=tuple(tuple(found) for found in converters),
                pk_index=fields.index(here._meta.pk),
            )
        )
    sql = (
        f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} t0 "  # noqa: S608
        f"{' '.join(joins)} WHERE t0.{quote(column_of(model, where))} = %s"
    )
    return sql, joined


def column_of(model: type[models.Model], name: str) -> str:
    """The database column of a model's field (`pk` for its primary key)."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return str(field.column)


def run(connection: BaseDatabaseWrapper, sql: str, params: list[Any]) -> Any:
    """Runs one statement on `connection` (inside whatever transaction it is in)
    and returns its first row, if it returns rows."""
    return _execute(
        connection,
        sql,
        params,
        lambda cursor: cursor.fetchone() if cursor.description else None,
    )


def run_count(connection: BaseDatabaseWrapper, sql: str, params: list[Any]) -> int:
    """Runs one statement and returns how many rows it changed."""
    return int(_execute(connection, sql, params, lambda cursor: cursor.rowcount))


def insert(instance: models.Model, connection: BaseDatabaseWrapper) -> None:
    """Inserts `instance` as its save() would (without the model's signals,
    which nothing in Saduak receives for the models written this way) and gives
    it its primary key."""
    row = row_of(instance, connection)
    pk = connection.ops.quote_name(column_of(type(instance), "pk"))
    (instance.pk,) = run(
        connection, row.insert_values_sql(returning=pk), list(row.params)
    )
    instance._state.adding = False
    instance._state.db = connection.alias


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
