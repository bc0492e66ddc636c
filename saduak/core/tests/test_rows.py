"""The helpers of hand-written SQL (saduak.core.rows), on the database the suite
runs on (SQLite by default, PostgreSQL with DATABASE_URL)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from saduak.accounts.models import ApiToken
from saduak.core.rows import row_of, run

pytestmark = pytest.mark.django_db


def _token(user, key: str) -> ApiToken:
    return ApiToken(
        user=user,
        name="เครื่องทดสอบ",
        key_hash=key * 64,
        key_prefix="sdk_test",
        expires_at=timezone.now() + timedelta(days=30),
    )


def test_a_row_is_written_as_the_orm_would_write_it(make_user):
    user = make_user()
    before = timezone.now()
    made = _token(user, "a")
    row = row_of(made, connection)
    assert connection.ops.quote_name("id") not in row.columns
    assert len(row.columns) == len(row.params)
    run(connection, row.insert_values_sql(), list(row.params))
    saved = ApiToken.objects.get(key_hash="a" * 64)
    assert (saved.user, saved.name, saved.expires_at) == (
        user,
        made.name,
        made.expires_at,
    )
    # The fields' own pre_save ran: the time stamps are set.
    assert saved.created_at >= before and saved.updated_at >= before
    assert saved.last_used_at is None


def test_a_broken_rule_raises_djangos_integrity_error(make_user):
    row = row_of(_token(make_user(), "c"), connection)
    run(connection, row.insert_values_sql(), list(row.params))
    with pytest.raises(IntegrityError), transaction.atomic():
        run(connection, row.insert_values_sql(), list(row.params))  # unique key_hash


def test_a_statement_returning_rows_gives_the_first_and_others_none(make_user):
    assert run(connection, "SELECT %s, %s", [7, "เจ็ด"]) == (7, "เจ็ด")
    table = connection.ops.quote_name(ApiToken._meta.db_table)
    assert run(connection, f"DELETE FROM {table}", []) is None  # noqa: S608
