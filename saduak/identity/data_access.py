"""Recording each use of a citizen's data, for the citizen's "who used my data" page
and HQ's per-partner statistics."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from saduak.accounts.models import User
from saduak.areas.models import Office
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
) -> DataAccess:
    """Writes one access event: by a partner (`partner`) or by a member of staff
    (`staff_user`, at `office`). A partner's use also counts in its daily usage.
    Call it inside the transaction that releases or shows the data."""
    with transaction.atomic():
        access = DataAccess.objects.create(
            citizen=citizen,
            accessor_kind=AccessorKind.PARTNER if partner else AccessorKind.STAFF,
            partner=partner,
            staff_user=staff_user,
            office=office,
            channel=channel,
            data_items=sorted(set(data_items)),
            purpose=purpose[:500],
        )
        if partner is not None:
            count_partner_usage(partner, channel)
    return access


def count_partner_usage(partner: Partner, channel: str) -> None:
    """Adds one to the partner's count for today and `channel`."""
    day = timezone.localdate()
    row = PartnerUsageDaily.objects.filter(partner=partner, day=day, channel=channel)
    if row.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            PartnerUsageDaily.objects.create(
                partner=partner, day=day, channel=channel, count=1
            )
    except IntegrityError:
        # Another request made today's row first; count on it.
        row.update(count=F("count") + 1)
