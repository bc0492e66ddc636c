"""The rows of one authorization code exchange, written together on PostgreSQL.

A code exchange deletes the code and writes an ID token, an access token, a
refresh token and the citizen's access-log entry. django-oauth-toolkit saves each
as it is made, which takes ten round trips with the transaction around them.
On PostgreSQL the validator instead collects the rows on the request
(`pending_rows`) and `exchange_rows_write` writes them in one statement when the
code is invalidated: the DELETE of the code feeds every INSERT, so a request
that finds its code already gone (a replay, or the loser of a race) writes
nothing at all. Elsewhere (SQLite) django-oauth-toolkit saves the rows itself,
inside the token view's transaction."""

import functools
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connections, router
from oauth2_provider.models import get_grant_model
from oauthlib.common import Request

from saduak.core.rows import Row, column_of, row_of, run

Grant = get_grant_model()


@dataclass
class PendingRows:
    """What one code exchange will write, in order: each token row links to the
    one before it (the access token to its ID token, the refresh token to its
    access token)."""

    tokens: list[tuple[Any, str | None]] = field(default_factory=list)
    access_log: Row | None = None

    def add(self, instance: Any, *, links_previous_by: str | None = None) -> Any:
        self.tokens.append((instance, links_previous_by))
        return instance

    def holds(self, instance: Any) -> bool:
        return any(held is instance for held, _ in self.tokens)


def written_in_one_statement(grant_type: str | None) -> bool:
    """Whether a token request of `grant_type` writes its rows together: only a
    code exchange, and only on PostgreSQL (which alone can delete and insert in
    one statement)."""
    return (
        grant_type == "authorization_code"
        and connections[router.db_for_write(Grant)].vendor == "postgresql"
    )


def pending_rows(request: Request) -> PendingRows | None:
    """The rows this request collects instead of saving, or None where they are
    saved one by one."""
    pending = getattr(request, "saduak_pending_rows", None)
    if pending is None and written_in_one_statement(request.grant_type):
        pending = request.saduak_pending_rows = PendingRows()
    return pending  # type: ignore[no-any-return]


def exchange_rows_write(pending: PendingRows, *, code: str, application: Any) -> bool:
    """Deletes the code of `application` and writes the pending rows, in one
    statement. False, with nothing written, when the code was already gone.
    The token objects get their primary keys."""
    connection = connections[router.db_for_write(Grant)]
    rows, links, params = [], [], [application.pk, code]
    for instance, link in pending.tokens:
        row = row_of(instance, connection, leave_out=frozenset([link] if link else []))
        rows.append(replace(row, params=()))
        params.extend(row.params)
        meta = instance._meta
        links.append((meta.get_field(link).column if link else None, meta.pk.column))
    log = pending.access_log
    if log is not None:
        params.extend(log.params)
    sql = _statement(
        connection.alias,
        tuple(rows),
        tuple(links),
        replace(log, params=()) if log is not None else None,
    )
    found = run(connection, sql, params)
    if found is None or not found[0]:
        return False
    for (instance, _link), pk in zip(pending.tokens, found[1:], strict=True):
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = connection.alias
    return True


@functools.lru_cache(maxsize=32)
def _statement(
    alias: str,
    rows: tuple[Row, ...],
    links: tuple[tuple[str | None, str], ...],
    access_log: Row | None,
) -> str:
    """The one statement for rows of these columns (their parameters left out),
    the same text each time, so psycopg prepares it."""
    quote = connections[alias].ops.quote_name
    grant = Grant._meta
    parts = [
        f"gone AS (DELETE FROM {quote(grant.db_table)} "  # noqa: S608 (model names)
        f"WHERE {quote(column_of(Grant, 'application'))} = %s "
        f"AND {quote(column_of(Grant, 'code'))} = %s RETURNING 1 AS one)"
    ]
    source, source_pk = "gone", ""
    for index, (row, (link, pk)) in enumerate(zip(rows, links, strict=True)):
        linked = {quote(link): quote(source_pk)} if link else {}
        insert = row.insert_select_sql(source, linked)
        parts.append(f"t{index} AS ({insert} RETURNING {quote(pk)})")
        source, source_pk = f"t{index}", pk
    if access_log is not None:
        parts.append(f"logged AS ({access_log.insert_select_sql('gone', {})})")
    selected = ", ".join(
        ["(SELECT count(*) FROM gone)"]
        + [
            f"(SELECT {quote(pk)} FROM t{index})"  # noqa: S608 (model names)
            for index, (_link, pk) in enumerate(links)
        ]
    )
    return f"WITH {', '.join(parts)} SELECT {selected}"
