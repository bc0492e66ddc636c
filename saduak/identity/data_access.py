"""Recording each use of a citizen's data, for the citizen's "who used my data" page
and HQ's per-partner statistics."""

import enum
import functools
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Count
from django.utils import timezone

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.core.rollups import recount_when_stale
from saduak.core.rows import Row, column_of, row_of, run
from saduak.core.thai import day_bounds
from saduak.identity.models import (
    AccessorKind,
    DataAccess,
    Partner,
    PartnerUsageDaily,
)


def data_access_row(
    *,
    citizen: User,
    channel: str,
    data_items: Iterable[str],
    purpose: str = "",
    partner: Partner | None = None,
    staff_user: User | None = None,
    office: Office | None = None,
) -> Row:
    """The access event of a partner (`partner`) or a member of staff
    (`staff_user`, at `office`), to insert (data_access_insert) or to write
    with other rows in one statement."""
    return access_row(
        citizen_by=CitizenBy.PK,
        citizen=citizen.pk,
        accessor_kind=AccessorKind.PARTNER if partner else AccessorKind.STAFF,
        partner_id=partner.pk if partner else None,
        staff_user_id=staff_user.pk if staff_user else None,
        office_id=office.pk if office else None,
        channel=channel,
        data_items=data_items,
        purpose=purpose,
    )


def data_access_record(**event: Any) -> None:
    """Writes one access event (the arguments of data_access_row). One INSERT,
    which is also what the partner's statistics and quota count. Call it inside
    the transaction that releases or shows the data."""
    data_access_insert(data_access_row(**event))


def data_access_insert(row: Row) -> None:
    run(
        connections[router.db_for_write(DataAccess)],
        row.insert_values_sql(),
        list(row.params),
    )


def partner_check_record(
    *, partner: Partner, personal_id: str, channel: str, data_items: Iterable[str]
) -> None:
    """Writes a partner's use of the registry's data about `personal_id`: on that
    person's "who used my data" page when they have a digital ID, otherwise with no
    citizen (still counted for the partner). The same INSERT finds the citizen."""
    data_access_insert(
        access_row(
            citizen_by=CitizenBy.PERSONAL_ID,
            citizen=personal_id,
            accessor_kind=AccessorKind.PARTNER,
            partner_id=partner.pk,
            channel=channel,
            data_items=data_items,
            purpose=partner.purpose_th,
        )
    )


class CitizenBy(enum.Enum):
    PK = "pk"
    PERSONAL_ID = "personal_id"


def access_row(
    *,
    citizen_by: CitizenBy,
    citizen: object,
    data_items: Iterable[str],
    purpose: str,
    **values: Any,
) -> Row:
    """The access-log row, for one prepared INSERT (saduak.core.rows): every
    identity check, partner sign-in and release of claims writes one. `values`
    are DataAccess fields (foreign keys as `<name>_id`). With
    CitizenBy.PERSONAL_ID the same statement finds the citizen."""
    connection = connections[router.db_for_write(DataAccess)]
    entry = DataAccess(
        occurred_at=timezone.now(),
        data_items=sorted(set(data_items)),
        purpose=purpose[:500],
        **values,
    )
    expressions = {}
    if citizen_by is CitizenBy.PERSONAL_ID:
        expressions["citizen"] = (
            _citizen_by_personal_id_sql(connection.alias),
            citizen,
        )
    else:
        entry.citizen_id = citizen  # type: ignore[assignment]
    return row_of(entry, connection, expressions=expressions)


@functools.cache
def _citizen_by_personal_id_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    return (
        f"(SELECT {quote(column_of(User, 'pk'))} "  # noqa: S608 (model names)
        f"FROM {quote(User._meta.db_table)} "
        f"WHERE {quote(column_of(User, 'personal_id'))} = %s)"
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
