"""A framework's reporting rounds: their periods and due dates, and HQ's
lock and unlock (docs/performance.md, "Rounds")."""

import calendar
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor
from saduak.accounts.models import User
from saduak.core.errors import Conflict, InvalidInput
from saduak.core.thai import FiscalYear
from saduak.performance.choices import FrameworkStatus, RoundStatus
from saduak.performance.models import Framework, Round
from saduak.performance.services.common import (
    framework_audit,
    framework_ensure_may,
    framework_locked,
    round_locked,
)
from saduak.performance.services.computed import round_computed
from saduak.performance.services.scores import scores_recompute

ROUND_MONTHS = (3, 6, 9, 12)


def round_period(fiscal_year: int, months: int) -> tuple[date, date]:
    """The first day of the fiscal year and the last of its `months`th month."""
    start = FiscalYear(fiscal_year).start
    month_index = start.month - 1 + months - 1
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    return start, date(year, month, calendar.monthrange(year, month)[1])


@transaction.atomic
def round_save(
    *, actor: Actor, framework: Framework, months: int, due_on: date
) -> Round:
    """Adds the round of the fiscal year's first `months` months (3, 6, 9 or
    12), or changes its due date; not for a locked round.
    Permission: FRAMEWORK_EDIT. Audit: round.save."""
    framework_ensure_may(actor, Action.FRAMEWORK_EDIT, framework)
    framework = framework_locked(framework)
    if months not in ROUND_MONTHS:
        raise InvalidInput(_("A round covers 3, 6, 9 or 12 months."), field="months")
    start, end = round_period(framework.fiscal_year, months)
    if due_on is None or due_on < end:
        raise InvalidInput(
            _("The due date is on or after the round's last day."), field="due_on"
        )
    round = (
        Round.objects.select_for_update()
        .filter(framework=framework, months=months)
        .first()
    )
    before = None
    if round is None:
        round = Round(
            framework=framework, months=months, period_start=start, period_end=end
        )
    else:
        if round.status == RoundStatus.LOCKED:
            raise Conflict(_("The round is locked."))
        before = {"due_on": round.due_on}
    round.due_on = due_on
    round.save()
    framework_audit(
        actor=actor,
        action="round.save",
        framework=framework,
        target=round,
        before=before,
        after={
            "months": months,
            "period_start": start,
            "period_end": end,
            "due_on": due_on,
        },
    )
    return round


UNLOCK_REASON_MIN = 10
UNLOCK_REASON_MAX = 1000


@transaction.atomic
def round_lock(*, actor: Actor, round: Round) -> Round:
    """Closes a round: computes its computed KPIs again, recomputes every
    score, then locks it, so that no result changes until it is unlocked.
    Refused (`Conflict`) when already locked or the framework is a draft.
    Permission: ROUND_LOCK (HQ) over the framework's unit. Audit: round.lock
    (with the round's overall score)."""
    framework_ensure_may(actor, Action.ROUND_LOCK, round.framework)
    round = round_locked(round)
    framework = round.framework
    if framework.status != FrameworkStatus.PUBLISHED:
        raise Conflict(_("Only a published framework's round is locked."))
    computed = round_computed(actor=actor, round=round)
    scores_recompute(round=round)
    round.status = RoundStatus.LOCKED
    round.locked_at = timezone.now()
    round.locked_by = actor if isinstance(actor, User) else None
    round.save(update_fields=["status", "locked_at", "locked_by"])
    framework_audit(
        actor=actor,
        action="round.lock",
        framework=framework,
        target=round,
        before={"status": RoundStatus.OPEN},
        after={"status": round.status, "score": round.score, "computed": computed},
    )
    return round


@transaction.atomic
def round_unlock(*, actor: Actor, round: Round, reason: str) -> Round:
    """Opens a locked round again for changes; the reason (at least 10
    characters) is kept on the round and in the audit event.
    Permission: ROUND_LOCK (HQ). Audit: round.unlock."""
    framework_ensure_may(actor, Action.ROUND_LOCK, round.framework)
    reason = (reason or "").strip()
    if len(reason) < UNLOCK_REASON_MIN:
        raise InvalidInput(
            _("Say why the round is unlocked (at least %(count)s characters).")
            % {"count": UNLOCK_REASON_MIN},
            field="reason",
        )
    if len(reason) > UNLOCK_REASON_MAX:
        raise InvalidInput(
            _("At most %(limit)s characters.") % {"limit": UNLOCK_REASON_MAX},
            field="reason",
        )
    round = (
        Round.objects.select_for_update().select_related("framework").get(pk=round.pk)
    )
    if round.status != RoundStatus.LOCKED:
        raise Conflict(_("The round is not locked."))
    round.status = RoundStatus.OPEN
    round.unlock_reason = reason
    round.save(update_fields=["status", "unlock_reason"])
    framework_audit(
        actor=actor,
        action="round.unlock",
        framework=round.framework,
        target=round,
        before={"status": RoundStatus.LOCKED},
        after={"status": round.status, "reason": reason},
    )
    return round
