"""The identity check for partners (the Linkage Center role): "does this personal ID
belong to this name and date of birth, and is the card valid?" The answer is yes or
no with reasons, never the record."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.core.counters import CounterUnavailable, count_up_many
from saduak.core.errors import DomainError, InvalidInput
from saduak.core.personal_id import clean_personal_id
from saduak.identity.data_access import partner_check_record, partner_uses_today
from saduak.identity.models import AccessChannel, CardStatus, Partner
from saduak.identity.registry import (
    RegistryRecord,
    registry_lookup,
)
from saduak.identity.services import same_name


class QuotaExceeded(DomainError):
    status = 429
    code = "quota-exceeded"


@dataclass
class IdentityCheckResult:
    match: bool
    card_valid: bool
    reasons: list[str] = field(default_factory=list)


def _check_limits(partner: Partner) -> None:
    """A per-second rate limit and the partner's daily quota, counted together in
    the cache (one round trip on Redis). A check refused for the rate still counts
    against the day's quota. Today's count starts from the access log's count;
    with Redis it is shared by every app server, with the memory cache each
    process counts its own share on top of the log's. While Redis is down the
    day's quota is counted from the access log itself (a query per check) and
    the per-second limit lets checks through."""
    now = timezone.now()
    today = timezone.localdate(now)

    def used_today() -> int:
        return partner_uses_today(partner=partner, channel=AccessChannel.IDENTITY_CHECK)

    try:
        per_second, per_day = count_up_many(
            [
                (f"identity-check:{partner.pk}:{int(now.timestamp())}", 2, None),
                (
                    f"identity-check-day:{partner.pk}:{today.isoformat()}",
                    26 * 60 * 60,
                    used_today,
                ),
            ]
        )
    except CounterUnavailable:
        per_second, per_day = 0, used_today() + 1
    if per_second > settings.IDENTITY_CHECKS_PER_SECOND:
        raise QuotaExceeded(
            _("Too many identity checks this second. Wait a moment and try again."),
            extra={"retry_after": 1},
        )
    if per_day > partner.identity_checks_per_day:
        raise QuotaExceeded(
            _("Today's quota of identity checks is used up. It renews at midnight."),
            extra={"retry_after": 3600},
        )


def identity_check(
    *,
    partner: Partner,
    personal_id: str,
    first_name: str,
    last_name: str,
    birth_date: date,
) -> IdentityCheckResult:
    """Compares what the partner holds with the civil registry.

    Reasons: not_found, first_name_mismatch, last_name_mismatch, birth_date_mismatch,
    card_expired, card_revoked. Counted against the partner's quota; when the person
    has a digital ID the check appears on their "who used my data" page.
    """
    try:
        cleaned = clean_personal_id(personal_id)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="personal_id") from None
    _check_limits(partner)
    record = registry_lookup(cleaned)
    result = _compare(record, first_name, last_name, birth_date)
    partner_check_record(
        partner=partner,
        personal_id=cleaned,
        channel=AccessChannel.IDENTITY_CHECK,
        data_items=["identity_match", "card_status"],
    )
    return result


def _compare(
    record: RegistryRecord | None, first_name: str, last_name: str, birth_date: date
) -> IdentityCheckResult:
    if record is None:
        return IdentityCheckResult(match=False, card_valid=False, reasons=["not_found"])
    reasons = []
    if not same_name(record.first_name, first_name):
        reasons.append("first_name_mismatch")
    if not same_name(record.last_name, last_name):
        reasons.append("last_name_mismatch")
    if record.birth_date != birth_date:
        reasons.append("birth_date_mismatch")
    card_valid = True
    if record.card_status == CardStatus.REVOKED:
        card_valid = False
        reasons.append("card_revoked")
    elif record.card_expiry < timezone.localdate():
        card_valid = False
        reasons.append("card_expired")
    identity_reasons = {
        "first_name_mismatch",
        "last_name_mismatch",
        "birth_date_mismatch",
    }
    return IdentityCheckResult(
        match=not identity_reasons & set(reasons),
        card_valid=card_valid,
        reasons=reasons,
    )
