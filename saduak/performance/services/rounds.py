"""A framework's reporting rounds: their periods and due dates, and HQ's
lock and unlock (docs/performance.md, "Rounds")."""

import calendar
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor
from saduak.core.errors import Conflict, InvalidInput
from saduak.core.thai import FiscalYear
from saduak.performance.choices import (
    RoundStatus,
)
from saduak.performance.models import (
    Framework,
    Round,
)
from saduak.performance.services.common import (
    framework_audit,
    framework_ensure_may,
    framework_locked,
)

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
