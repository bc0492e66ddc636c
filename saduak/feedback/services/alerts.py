"""Alerts when a district's happiness falls: every night each district's last
seven days are compared with the eight weeks before them. A fall is raised when
it is large (at least MIN_DROP points of the 1-5 mean), rests on enough votes on
both sides, and is more than STANDARD_ERRORS standard errors of the difference,
so that chance among a few votes raises nothing. The district's administrators
and the province's staff are told by e-mail and see the alert on their pages
until one of them acknowledges it."""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.models import StaffRole, User
from saduak.areas.models import District
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict
from saduak.core.links import absolute_url
from saduak.feedback.models import HappinessAlert
from saduak.feedback.selectors.index import EMPTY, HappinessIndex, index_by
from saduak.notifications.choices import NotificationChannel
from saduak.notifications.services import notification_notify_user
from saduak.notifications.templates import register_template

RECENT_DAYS = 7
BASELINE_DAYS = 56
MIN_DROP = 0.3
MIN_RECENT_VOTES = 20
MIN_BASELINE_VOTES = 50
STANDARD_ERRORS = 2.0
# A district with an alert nobody has acknowledged in this many days is not
# alerted again while the fall lasts.
QUIET_DAYS = 7

ALERT_RAISED = register_template(
    "feedback.alert.raised",
    description=gettext_lazy("A district's happiness index fell significantly"),
    required_context=(
        "district",
        "district_en",
        "province",
        "province_en",
        "recent_mean",
        "recent_votes",
        "baseline_mean",
        "baseline_votes",
        "drop",
        "url",
    ),
)


@dataclass(frozen=True)
class HappinessDrop:
    district_code: str
    recent: HappinessIndex
    baseline: HappinessIndex

    @property
    def drop(self) -> float:
        return (self.baseline.mean or 0.0) - (self.recent.mean or 0.0)

    @property
    def standard_error(self) -> float:
        """Of the difference of the two means."""
        return math.sqrt(
            self.recent.standard_error() ** 2 + self.baseline.standard_error() ** 2
        )

    @property
    def is_significant(self) -> bool:
        return (
            self.recent.votes >= MIN_RECENT_VOTES
            and self.baseline.votes >= MIN_BASELINE_VOTES
            and self.drop >= MIN_DROP
            and self.drop > STANDARD_ERRORS * self.standard_error
        )


def windows(today: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The recent seven full days before `today` and the eight weeks before
    them, as (first, last day) pairs."""
    recent_end = today - timedelta(days=1)
    recent_start = recent_end - timedelta(days=RECENT_DAYS - 1)
    baseline_end = recent_start - timedelta(days=1)
    baseline_start = baseline_end - timedelta(days=BASELINE_DAYS - 1)
    return (recent_start, recent_end), (baseline_start, baseline_end)


def happiness_drops(*, today: date) -> list[HappinessDrop]:
    """Every district whose recent index fell significantly, largest fall
    first. Reads the rollups grouped by district, once per window: the cost
    grows with the number of districts, never with the votes."""
    (recent_start, recent_end), (baseline_start, baseline_end) = windows(today)
    recent = index_by("district_id", start=recent_start, end=recent_end)
    baseline = index_by("district_id", start=baseline_start, end=baseline_end)
    drops = [
        HappinessDrop(code, index, baseline.get(code, EMPTY))
        for code, index in recent.items()
        if code and code != "None"
    ]
    found = [drop for drop in drops if drop.is_significant]
    found.sort(key=lambda drop: (-drop.drop, drop.district_code))
    return found


def happiness_alerts_raise(*, today: date) -> list[HappinessAlert]:
    """Raises an alert (one per district and day, whatever runs twice) for
    each active district whose index fell significantly, unless it has an
    unacknowledged alert from the last QUIET_DAYS days. Audited as
    `feedback.alert.raise` (by the system); the district's administrators and
    the province's staff get the `feedback.alert.raised` e-mail, written with the
    alert and sent after commit. Returns the alerts made by this call."""
    drops = happiness_drops(today=today)
    if not drops:
        return []
    codes = [drop.district_code for drop in drops]
    quiet = set(
        HappinessAlert.objects.filter(
            district_id__in=codes,
            acknowledged_at__isnull=True,
            raised_on__gte=today - timedelta(days=QUIET_DAYS),
            raised_on__lt=today,
        ).values_list("district_id", flat=True)
    )
    districts = District.objects.select_related("province").in_bulk(codes)
    made: list[HappinessAlert] = []
    for drop in drops:
        district = districts.get(drop.district_code)
        if district is None or not district.is_active or district.code in quiet:
            continue
        with transaction.atomic():
            alert, created = HappinessAlert.objects.get_or_create(
                district=district,
                raised_on=today,
                defaults={
                    "recent_mean": _two_places(drop.recent.mean),
                    "recent_votes": drop.recent.votes,
                    "baseline_mean": _two_places(drop.baseline.mean),
                    "baseline_votes": drop.baseline.votes,
                },
            )
            if not created:
                continue
            audit_record(
                actor="system",
                action="feedback.alert.raise",
                target=alert,
                after={
                    "recent_mean": alert.recent_mean,
                    "recent_votes": alert.recent_votes,
                    "baseline_mean": alert.baseline_mean,
                    "baseline_votes": alert.baseline_votes,
                },
                district_code=district.code,
                province_code=district.province_id,
            )
            _notify(alert)  # in the alert's transaction: the outbox
        made.append(alert)
    return made


def _two_places(mean: float | None) -> str:
    return f"{mean or 0.0:.2f}"


def alert_recipients(alert: HappinessAlert) -> list[User]:
    """The district's administrators and its province's staff, each once."""
    district = alert.district
    roles = (
        StaffRole.objects.filter(
            Q(role=Role.DISTRICT_ADMIN, office__district_id=district.code)
            | Q(role=Role.PROVINCIAL_STAFF, office__province_id=district.province_id),
            is_active=True,
            user__is_active=True,
            office__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    )
    users: dict[int, User] = {}
    for role in roles:
        users.setdefault(role.user_id, role.user)
    return list(users.values())


def _notify(alert: HappinessAlert) -> None:
    district = alert.district
    province = district.province
    recent = float(alert.recent_mean)
    baseline = float(alert.baseline_mean)
    context: dict[str, Any] = {
        "district": district.name_th,
        "district_en": district.name_en or district.name_th,
        "province": province.name_th,
        "province_en": province.name_en or province.name_th,
        "recent_mean": f"{recent:.2f}",
        "recent_votes": alert.recent_votes,
        "baseline_mean": f"{baseline:.2f}",
        "baseline_votes": alert.baseline_votes,
        "drop": f"{baseline - recent:.2f}",
        "url": absolute_url(
            reverse("feedback-staff:dashboard")
            + f"?level=district&code={district.code}"
        ),
    }
    for user in alert_recipients(alert):
        notification_notify_user(
            user=user,
            template_key=ALERT_RAISED.key,
            context=context,
            channels=[NotificationChannel.EMAIL],
        )


def happiness_alert_acknowledge(
    *, alert: HappinessAlert, actor: User
) -> HappinessAlert:
    """Marks an alert as seen and handled: it leaves the dashboards. Locks the
    alert; only those the matrix allows HAPPINESS_ALERT_ACKNOWLEDGE over its
    district (ensure_may: NotFound outside what they read). Raises
    Conflict when it is acknowledged already. Audited as
    `feedback.alert.acknowledge`."""
    with transaction.atomic():
        locked = (
            HappinessAlert.objects.select_for_update(of=("self",))
            .select_related("district")
            .get(pk=alert.pk)
        )
        ensure_may(
            actor,
            Action.HAPPINESS_ALERT_ACKNOWLEDGE,
            district_code=locked.district_id,
            province_code=locked.district.province_id,
        )
        if locked.acknowledged_at is not None:
            raise Conflict(
                _("This alert is acknowledged already."), code="already-acknowledged"
            )
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor
        locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(
            actor=actor,
            action="feedback.alert.acknowledge",
            target=locked,
            after={"acknowledged_at": locked.acknowledged_at},
            district_code=locked.district_id,
            province_code=locked.district.province_id,
        )
    return locked
