"""Reminders of report deadlines (docs/performance-collection.md), sent by
the daily task `performance_send_reminders` (08:30 Asia/Bangkok):

- an office's answer not yet submitted (new, read, acknowledged or sent
  back) of a sent request: "before" 3 days and 1 day before its deadline;
  "after" on the first day overdue and then every 3 days, while the request
  is sent and late reports are still taken;
- a province's leg not yet submitted after the request's deadline: its
  provincial staff, on the same days after.

Idempotent: each answer's reminder of a kind is sent at most once a day
(`ReminderSent`, unique per answer, kind and day, written in the same
transaction as its messages and its `reminded` history line); a leg's
reminder is sent at most once a day per leg (a leg has no answer row to
hold it, so the day's messages about the leg, which carry the leg and the
day in their context, are what is checked; a province nobody there can be
reached in is tried again on the next run)."""

import logging
from collections.abc import Sequence
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saduak.accounts.models import User
from saduak.notifications.models import Notification
from saduak.notifications.services import notification_notify_users
from saduak.performance.choices import (
    AnswerStatus,
    AnswerStepKind,
    LegStatus,
    ReminderKind,
    RequestStatus,
)
from saduak.performance.models import (
    AnswerStep,
    ReminderSent,
    ReportAnswer,
    RequestLeg,
)
from saduak.performance.recipients import people_by_office, people_by_province
from saduak.performance.services.collection import _link, _request_context

logger = logging.getLogger(__name__)

BEFORE_DAYS = (3, 1)
AFTER_EVERY = 3
WAITING = (
    AnswerStatus.NEW,
    AnswerStatus.READ,
    AnswerStatus.ACKNOWLEDGED,
    AnswerStatus.RETURNED,
)
LEG_WAITING = (LegStatus.RECEIVED, LegStatus.FORWARDED, LegStatus.RETURNED)
OVERDUE_KEY = "performance.report_overdue"
DUE_SOON_KEY = "performance.report_due_soon"


def reminder_kind(due_on: date, today: date) -> str | None:
    """Which reminder an open answer due on `due_on` gets `today`: before
    3 days and 1 day ahead, after on the first day overdue and every 3 days
    after that; None on other days."""
    days = (due_on - today).days
    if days in BEFORE_DAYS:
        return ReminderKind.BEFORE
    late = -days
    if late >= 1 and (late - 1) % AFTER_EVERY == 0:
        return ReminderKind.AFTER
    return None


def _open_requests(today: date) -> Q:
    return Q(request__status=RequestStatus.SENT) & (
        Q(request__closes_on__isnull=True) | Q(request__closes_on__gte=today)
    )


def reminders_send(*, today: date | None = None) -> int:
    """Sends today's reminders (see the module) and returns how many
    answers and legs were reminded. A second run the same day sends
    nothing."""
    today = today or timezone.localdate()
    return _answers_remind(today) + _legs_remind(today)


def _answers_remind(today: date) -> int:
    candidates = (
        ReportAnswer.objects.filter(_open_requests(today), status__in=WAITING)
        .filter(
            Q(due_on__gte=today)
            & Q(due_on__lte=today + timedelta(days=max(BEFORE_DAYS)))
            | Q(due_on__lt=today)
        )
        .exclude(reminders__on_day=today)
        .select_related("request", "request__issuer", "office")
        .order_by("id")
    )
    due = [
        (answer, kind)
        for answer in candidates
        if (kind := reminder_kind(answer.due_on, today)) is not None
    ]
    if not due:
        return 0
    people = people_by_office([answer.office for answer, _kind in due])
    sent = 0
    now = timezone.now()
    for answer, kind in due:
        with transaction.atomic():
            _made, created = ReminderSent.objects.get_or_create(
                answer=answer, kind=kind, on_day=today, defaults={"sent_at": now}
            )
            if not created:
                continue
            days = abs((answer.due_on - today).days)
            _notify(
                people.get(answer.office_id, []),
                DUE_SOON_KEY if kind == ReminderKind.BEFORE else OVERDUE_KEY,
                _request_context(
                    answer.request,
                    due_on=answer.due_on,
                    office=answer.office.name_th,
                    days=days,
                    answer=answer.pk,
                    url=_link("performance-inbox:answer", answer.public_id),
                ),
            )
            AnswerStep.objects.create(
                answer=answer,
                kind=AnswerStepKind.REMINDED,
                at=now,
                comment=str(ReminderKind(kind).label),
            )
            sent += 1
    logger.info("performance: %s answer reminder(s) sent for %s", sent, today)
    return sent


def _legs_remind(today: date) -> int:
    legs = [
        leg
        for leg in RequestLeg.objects.filter(
            _open_requests(today),
            status__in=LEG_WAITING,
            request__due_on__lt=today,
        )
        .select_related("request", "request__issuer", "province")
        .order_by("id")
        if reminder_kind(leg.request.due_on, today) == ReminderKind.AFTER
    ]
    if not legs:
        return 0
    already = set(
        Notification.objects.filter(
            template_key=OVERDUE_KEY,
            context__on_day=today.isoformat(),
            context__leg__in=[leg.pk for leg in legs],
        ).values_list("context__leg", flat=True)
    )
    people = people_by_province(leg.province_id for leg in legs)
    sent = 0
    for leg in legs:
        if leg.pk in already:
            continue
        with transaction.atomic():
            _notify(
                people.get(leg.province_id, []),
                OVERDUE_KEY,
                _request_context(
                    leg.request,
                    office=leg.province.name_th,
                    days=(today - leg.request.due_on).days,
                    leg=leg.pk,
                    on_day=today.isoformat(),
                    url=_link(
                        "performance-inbox:leg", leg.request.public_id, leg.province_id
                    ),
                ),
            )
        sent += 1
    logger.info("performance: %s province reminder(s) sent for %s", sent, today)
    return sent


def _notify(people: Sequence[User], key: str, context: dict[str, object]) -> None:
    notification_notify_users(messages=[(person, key, context) for person in people])
