"""Reminders of case follow-ups to the case worker (docs/social.md, "Case
management"), sent by the daily task `social_send_case_reminders`
(saduak/social/case_tasks.py, 08:40 Asia/Bangkok):

- "before": once, within BEFORE_DAYS days before the follow-up is due;
- "due": on the day it is due;
- "overdue-N": every OVERDUE_EVERY days after (N = 7, 14, ...).

Only the follow-ups of open cases that are not done yet. Idempotent: each
kind is sent at most once per follow-up (`FollowUp.reminders_sent`, written
in the same transaction as the message). A run that missed days catches up
with the latest kind due, never with the ones in between."""

import logging
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from saduak.core.links import absolute_url
from saduak.notifications.services import notification_notify_user
from saduak.social.choices import CaseStatus
from saduak.social.models import FollowUp
from saduak.social.notices import (
    FOLLOW_UP_DUE,
    FOLLOW_UP_DUE_SOON,
    FOLLOW_UP_OVERDUE,
)

logger = logging.getLogger(__name__)

BEFORE_DAYS = 3
OVERDUE_EVERY = 7


def reminder_kind(due_on: date, today: date) -> str | None:
    """Which reminder a follow-up due on `due_on` is owed today, if any."""
    days = (due_on - today).days
    if 0 < days <= BEFORE_DAYS:
        return "before"
    if days == 0:
        return "due"
    overdue = -days
    if overdue >= OVERDUE_EVERY:
        return f"overdue-{overdue // OVERDUE_EVERY * OVERDUE_EVERY}"
    return None


def _template_key(kind: str) -> str:
    if kind == "before":
        return FOLLOW_UP_DUE_SOON.key
    if kind == "due":
        return FOLLOW_UP_DUE.key
    return FOLLOW_UP_OVERDUE.key


def follow_up_reminders_send(*, today: date | None = None) -> int:
    """Sends each case worker the reminders owed today for the follow-ups of
    their open cases; returns how many follow-ups were reminded. No audit
    event (a notification is its own record)."""
    today = today or timezone.localdate()
    waiting = (
        FollowUp.objects.filter(
            done_on__isnull=True,
            case__status=CaseStatus.OPEN,
            due_on__lte=date.fromordinal(today.toordinal() + BEFORE_DAYS),
        )
        .select_related("case", "case__case_worker")
        .order_by("due_on", "id")
    )
    sent = 0
    for follow_up in waiting.iterator(chunk_size=500):
        kind = reminder_kind(follow_up.due_on, today)
        if kind is None or kind in follow_up.reminders_sent:
            continue
        with transaction.atomic():
            locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
            if kind in locked.reminders_sent or locked.done_on is not None:
                continue
            case = follow_up.case
            notification_notify_user(
                user=case.case_worker,
                template_key=_template_key(kind),
                context={
                    "case": case.reference,
                    "due_on": locked.due_on,
                    "url": absolute_url(
                        reverse("social-cases:detail", args=[case.reference])
                    ),
                },
            )
            locked.reminders_sent = [*locked.reminders_sent, kind]
            locked.save(update_fields=["reminders_sent"])
            sent += 1
    return sent
