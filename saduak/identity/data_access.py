"""Recording each use of a citizen's data, for the citizen's "who used my data" page
and HQ's per-partner statistics."""

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.audit.services import audit_record
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
    citizen: User | None,
    channel: str,
    data_items: Iterable[str],
    purpose: str = "",
    partner: Partner | None = None,
    staff_user: User | None = None,
    office: Office | None = None,
) -> DataAccess:
    """Writes one use of a citizen's data by a partner (`partner`) or a member of
    staff (`staff_user`, at `office`): one row, which is also what the partner's
    statistics and quota count. Call it inside the transaction that releases or
    shows the data (and that records its audit event)."""
    return DataAccess.objects.create(
        occurred_at=timezone.now(),
        citizen=citizen,
        accessor_kind=AccessorKind.PARTNER if partner else AccessorKind.STAFF,
        partner=partner,
        staff_user=staff_user,
        office=office,
        channel=channel,
        data_items=sorted(set(data_items)),
        purpose=purpose[:500],
    )


def partner_check_record(
    *, partner: Partner, personal_id: str, channel: str, data_items: Iterable[str]
) -> None:
    """Writes a partner's use of the registry's data about `personal_id`: on that
    person's "who used my data" page when they have a digital ID, otherwise with no
    citizen (still counted for the partner); and on the audit chain as
    `identity.check` (actor and target: the partner; the citizen's id, when there
    is one, in `after`: an event targeting the citizen would be listed among the
    changes to their account in their data export)."""
    citizen = User.objects.filter(personal_id=personal_id).first()
    items = sorted(set(data_items))
    with transaction.atomic():
        data_access_record(
            citizen=citizen,
            channel=channel,
            data_items=items,
            purpose=partner.purpose_th,
            partner=partner,
        )
        audit_record(
            actor=partner_actor(partner),
            action="identity.check",
            target=partner,
            after={"data_items": items, "citizen": citizen.pk if citizen else None},
        )


def partner_actor(partner: Partner) -> str:
    """How the audit chain names a partner acting through its client (a machine,
    not a person with an account)."""
    return f"partner:{partner.public_id}"


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
