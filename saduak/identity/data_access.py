"""Recording each use of a citizen's data, for the citizen's "who used my data" page
and HQ's per-partner statistics."""

import enum
import functools
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import psycopg
from django.db import connections, models, router, transaction
from django.db.models import Count
from django.utils import timezone

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.core.rollups import recount_when_stale
from saduak.core.thai import day_bounds
from saduak.identity.models import (
    AccessorKind,
    DataAccess,
    Partner,
    PartnerUsageDaily,
)


def data_access_record(
    *,
    citizen: User,
    channel: str,
    data_items: Iterable[str],
    purpose: str = "",
    partner: Partner | None = None,
    staff_user: User | None = None,
    office: Office | None = None,
) -> None:
    """Writes one access event: by a partner (`partner`) or by a member of staff
    (`staff_user`, at `office`). One INSERT, which is also what the partner's
    statistics and quota count. Call it inside the transaction that releases or
    shows the data."""
    _access_insert(
        citizen_by=CitizenBy.PK,
        citizen=citizen.pk,
        accessor_kind=AccessorKind.PARTNER if partner else AccessorKind.STAFF,
        partner=partner.pk if partner else None,
        staff_user=staff_user.pk if staff_user else None,
        office=office.pk if office else None,
        channel=channel,
        data_items=data_items,
        purpose=purpose,
    )


def partner_check_record(
    *, partner: Partner, personal_id: str, channel: str, data_items: Iterable[str]
) -> None:
    """Writes a partner's use of the registry's data about `personal_id`: on that
    person's "who used my data" page when they have a digital ID, otherwise with no
    citizen (still counted for the partner). The same INSERT finds the citizen."""
    _access_insert(
        citizen_by=CitizenBy.PERSONAL_ID,
        citizen=personal_id,
        accessor_kind=AccessorKind.PARTNER,
        partner=partner.pk,
        staff_user=None,
        office=None,
        channel=channel,
        data_items=data_items,
        purpose=partner.purpose_th,
    )


class CitizenBy(enum.Enum):
    PK = "pk"
    PERSONAL_ID = "personal_id"


# The columns _access_insert writes after the citizen, in order.
ACCESS_COLUMNS = (
    "occurred_at",
    "accessor_kind",
    "partner",
    "staff_user",
    "office",
    "channel",
    "data_items",
    "purpose",
)


def _access_insert(
    *,
    citizen_by: CitizenBy,
    citizen: object,
    data_items: Iterable[str],
    purpose: str,
    **values: object,
) -> None:
    """One prepared INSERT into the access log. Every identity check, partner
    sign-in and release of claims writes one, and the ORM would spend longer
    compiling the statement than the database spends running it. Values go
    through each field's own conversion, as the ORM would send them."""
    values |= {
        "occurred_at": timezone.now(),
        "data_items": sorted(set(data_items)),
        "purpose": purpose[:500],
    }
    connection = connections[router.db_for_write(DataAccess)]
    params: list[Any] = [citizen] + [
        _field(DataAccess, name).get_db_prep_save(values[name], connection)
        for name in ACCESS_COLUMNS
    ]
    sql = _access_insert_sql(connection.alias, citizen_by)
    if connection.vendor == "postgresql":
        # Bound on the server and prepared after a few runs (psycopg), where
        # Django's cursor would quote every value in Python each time.
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _column(model: type[models.Model], name: str) -> str:
    return str(_field(model, name).column)


@functools.cache
def _access_insert_sql(alias: str, citizen_by: CitizenBy) -> str:
    quote = connections[alias].ops.quote_name
    meta = DataAccess._meta
    columns = [_column(DataAccess, "citizen")] + [
        _column(DataAccess, name) for name in ACCESS_COLUMNS
    ]
    citizen = "%s"
    if citizen_by is CitizenBy.PERSONAL_ID:
        user = User._meta
        citizen = (
            f"(SELECT {quote(_column(User, 'id'))} "  # noqa: S608
            f"FROM {quote(user.db_table)} "
            f"WHERE {quote(_column(User, 'personal_id'))} = %s)"
        )
    placeholders = ", ".join([citizen] + ["%s"] * len(ACCESS_COLUMNS))
    return (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 (names from the model)
        f"({', '.join(quote(column) for column in columns)}) VALUES ({placeholders})"
    )


def partner_uses_today(*, partner: Partner, channel: str) -> int:
    start, end = day_bounds(timezone.localdate())
    return DataAccess.objects.filter(
        partner=partner, channel=channel, occurred_at__gte=start, occurred_at__lt=end
    ).count()


def partner_usage_rollup(*, day: date) -> int:
    """Recounts one day's uses per partner and channel from the access log into
    PartnerUsageDaily (idempotent: run it as often as wanted). Returns the number
    of partner-channel rows written."""
    start, end = day_bounds(day)
    counted = (
        DataAccess.objects.filter(
            partner__isnull=False, occurred_at__gte=start, occurred_at__lt=end
        )
        .order_by()
        .values("partner_id", "channel")
        .annotate(uses=Count("id"))
    )
    rows = [
        PartnerUsageDaily(
            partner_id=row["partner_id"],
            day=day,
            channel=row["channel"],
            count=row["uses"],
        )
        for row in counted
    ]
    with transaction.atomic():
        PartnerUsageDaily.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["partner", "day", "channel"],
            update_fields=["count"],
        )
        # Uses can disappear (a closed digital ID takes its log with it).
        fresh = {(row.partner_id, row.channel) for row in rows}
        stale = [
            pk
            for pk, partner_id, channel in PartnerUsageDaily.objects.filter(
                day=day
            ).values_list("pk", "partner_id", "channel")
            if (partner_id, channel) not in fresh
        ]
        PartnerUsageDaily.objects.filter(pk__in=stale).delete()
    return len(rows)


USAGE_ROLLUP_SECONDS = 300


def partner_usage_refresh(*, force: bool = False) -> datetime:
    """Recounts today's uses at most every USAGE_ROLLUP_SECONDS (always with
    `force`, as celery beat does) and yesterday's once after midnight. Returns
    when today's figures were counted."""
    return recount_when_stale(
        "partner-usage",
        recount=lambda day: partner_usage_rollup(day=day),
        every_seconds=USAGE_ROLLUP_SECONDS,
        force=force,
    )
