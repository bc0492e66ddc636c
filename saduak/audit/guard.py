"""Database triggers that keep audit events append-only.

They refuse every UPDATE, DELETE and TRUNCATE of `audit_auditevent` but one: the
sequencer's sealing of an unsealed event, which fills in `sequence`,
`previous_hash` and `hash` and changes nothing else. A sealed event can never
change again, and an unsealed one's content cannot change either.

Installed by migrations in every real database. The test settings leave them out
(AUDIT_APPEND_ONLY_GUARD = False) because the test runner empties tables between
tests; a test installs them inside its own transaction to prove they hold.
"""

from typing import Any

TABLE = "audit_auditevent"

# What sealing fills in; every other column is the event's content. Frozen here
# (not read from the model) so a migration installs what it installed when written.
SEAL_COLUMNS = ("sequence", "previous_hash", "hash")
CONTENT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "before",
    "after",
    "office_id",
    "district_code",
    "province_code",
    "request_id",
)

_PG_SEAL_KEYS = " - ".join(f"'{name}'" for name in SEAL_COLUMNS)
POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION saduak_audit_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE'
           AND OLD.sequence IS NULL
           AND NEW.sequence IS NOT NULL
           AND NEW.hash IS NOT NULL
           AND (row_to_json(NEW)::jsonb - {_PG_SEAL_KEYS})
               = (row_to_json(OLD)::jsonb - {_PG_SEAL_KEYS}) THEN
            RETURN NEW;  -- the one sealing update
        END IF;
        RAISE EXCEPTION 'audit events are append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION saduak_audit_append_only()
    """,
    f"""
    CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION saduak_audit_append_only()
    """,
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS saduak_audit_append_only()",
]

_SQLITE_SEALING = " AND ".join(
    [
        "OLD.sequence IS NULL",
        "NEW.sequence IS NOT NULL",
        "NEW.hash IS NOT NULL",
        *(f'NEW."{name}" IS OLD."{name}"' for name in CONTENT_COLUMNS),
    ]
)
SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE}
    WHEN NOT ({_SQLITE_SEALING})
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
    """,
    f"""
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def _statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    return []


def install_guard(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=True):
            cursor.execute(statement)


def remove_guard(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, install=False):
            cursor.execute(statement)
