from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from saduak.accounts.models import ApiToken
from saduak.core.rows import row_of, run, select_one

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
    row = row_of(made, connection, leave_out=frozenset(["last_used_at"]))
    assert connection.ops.quote_name("id") not in row.columns
    assert connection.ops.quote_name("last_used_at") not in row.columns
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


def test_a_field_can_be_found_by_a_subquery(make_user):
    user = make_user()
    quote = connection.ops.quote_name
    find_user = (
        f"(SELECT {quote('id')} FROM {quote('accounts_user')} "
        f"WHERE {quote('personal_id')} = %s)"
    )
    row = row_of(
        _token(None, "b"),
        connection,
        expressions={"user": (find_user, user.personal_id)},
    )
    run(connection, row.insert_values_sql(), list(row.params))
    assert ApiToken.objects.get(key_hash="b" * 64).user == user


@pytest.mark.parametrize("sources, made", [(0, 0), (1, 1)])
def test_insert_select_makes_a_row_per_source_row_with_its_linked_column(
    make_user, sources, made
):
    user = make_user()
    quote = connection.ops.quote_name
    row = row_of(_token(None, "c"), connection, leave_out=frozenset(["user"]))
    insert = row.insert_select_sql("source", {quote("user_id"): "person"})
    where = "" if sources else " WHERE 1 = 0"
    sql = f"WITH source AS (SELECT %s AS person{where}) {insert}"
    run(connection, sql, [user.pk, *row.params])
    assert list(
        ApiToken.objects.filter(key_hash="c" * 64).values_list("user", flat=True)
    ) == ([user.pk] * made)


def test_a_statement_returning_rows_gives_the_first(make_user):
    assert run(connection, "SELECT %s, %s", [7, "เจ็ด"]) == (7, "เจ็ด")


def _fields(instance):
    return {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
    }


def test_one_row_is_read_with_its_related_rows_as_the_orm_reads_it(
    make_user, django_assert_num_queries
):
    from saduak.identity.models import AccessorKind, DataAccess

    user = make_user()
    made = DataAccess.objects.create(
        citizen=user,
        accessor_kind=AccessorKind.STAFF,
        staff_user=make_user(),
        channel="staff_view",
        data_items=["sub", "ชื่อ"],
        purpose="ทดสอบ",
    )
    found = select_one(
        DataAccess,
        connection,
        where="pk",
        value=made.pk,
        related=("citizen", "partner"),
    )
    expected = DataAccess.objects.select_related("citizen", "partner").get(pk=made.pk)
    assert _fields(found) == _fields(expected)
    with django_assert_num_queries(0):  # both came with it
        assert _fields(found.citizen) == _fields(expected.citizen)
        assert found.partner is None
    assert found.data_items == ["sub", "ชื่อ"]
    assert found._state.adding is False


def test_paths_of_two_steps_are_followed(make_user, django_assert_num_queries):
    user = make_user()
    token = ApiToken.objects.create(
        user=user, name="x", key_hash="d" * 64, key_prefix="sdk_"
    )
    found = select_one(
        ApiToken, connection, where="key_hash", value="d" * 64, related=("user",)
    )
    with django_assert_num_queries(0):
        assert (found.pk, found.user.personal_id) == (token.pk, user.personal_id)
    assert select_one(ApiToken, connection, where="key_hash", value="e" * 64) is None
