from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.core.errors import PermissionDeniedError
from saduak.identity.models import (
    DataAccess,
    Partner,
    PartnerUsageDaily,
    SignInSession,
    TermsVersion,
)


def active_sessions(*, user: User) -> QuerySet[SignInSession]:
    return SignInSession.objects.filter(user=user, ended_at__isnull=True).order_by(
        "-last_seen_at"
    )


def terms_get(pk: int) -> TermsVersion:
    return TermsVersion.objects.get(pk=pk)


def data_accesses_for(*, citizen: User) -> QuerySet[DataAccess]:
    """Every recorded use of the citizen's data, newest first."""
    return DataAccess.objects.filter(citizen=citizen).select_related(
        "partner", "office", "staff_user"
    )


@dataclass(frozen=True)
class PartnerUsageRow:
    partner: Partner
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def partner_usage(*, viewer: User, start: date, end: date) -> list[PartnerUsageRow]:
    """Uses per partner and channel between two days, from the daily counts. For HQ
    administrators and auditors."""
    if not read_reach(viewer).everything:
        raise PermissionDeniedError(_("Partner statistics are for HQ."))
    rows = (
        PartnerUsageDaily.objects.filter(day__gte=start, day__lte=end)
        .values("partner_id", "channel")
        .annotate(total=Sum("count"))
    )
    by_partner: dict[int, dict[str, int]] = {}
    for row in rows:
        by_partner.setdefault(row["partner_id"], {})[row["channel"]] = row["total"]
    partners = Partner.objects.in_bulk(list(by_partner))
    result = [
        PartnerUsageRow(partners[pk], counts) for pk, counts in by_partner.items()
    ]
    return sorted(result, key=lambda row: -row.total)
