"""Reporting a KPI's result in a round: its figures and texts, its breakdown
table, its milestone checklist (docs/performance.md, "Results"). Results are
recorded against a published framework in an open round; every change
recomputes the scores in the same transaction."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Actor
from saduak.accounts.models import User
from saduak.core.errors import InvalidInput
from saduak.performance.choices import (
    KpiKind,
    ResultOrigin,
)
from saduak.performance.models import (
    Kpi,
    KpiResult,
    MilestoneCheck,
    MilestoneItem,
    Round,
)
from saduak.performance.scoring import milestone_level, value_of
from saduak.performance.services.breakdown import (
    BreakdownInput,
    breakdown_save,
)
from saduak.performance.services.common import (
    breakdown_totals,
    clean_figure,
    clean_text,
    ensure_adds_up,
    framework_audit,
    result_open,
)
from saduak.performance.services.computed import result_compute, round_compute
from saduak.performance.services.evidence import evidence_add, evidence_remove
from saduak.performance.services.scores import kpi_score_recompute, met_by_level

__all__ = [
    "BreakdownInput",
    "breakdown_save",
    "evidence_add",
    "evidence_remove",
    "milestone_check_save",
    "result_compute",
    "result_record",
    "round_compute",
]

RESULT_FIELDS = [
    "numerator",
    "denominator",
    "level_claimed",
    "measures",
    "factors",
    "obstacles",
    "note",
]


def _state(result: KpiResult) -> dict[str, Any]:
    return {name: getattr(result, name) for name in RESULT_FIELDS}


def _first_unmet(result: KpiResult, claimed: int) -> MilestoneItem | None:
    met = set(
        MilestoneCheck.objects.filter(result=result, met=True).values_list(
            "item_id", flat=True
        )
    )
    for item in MilestoneItem.objects.filter(kpi_id=result.kpi_id, level__lte=claimed):
        if item.pk not in met:
            return item
    return None


def _ensure_claim(result: KpiResult, claimed: int) -> None:
    """Refuses a level above what the checklist gives, naming the first
    criterion that is not met (or the level without criteria)."""
    if claimed not in (0, 1, 2, 3):
        raise InvalidInput(_("Claim level 0, 1, 2 or 3."), field="level_claimed")
    items = list(
        MilestoneItem.objects.filter(kpi_id=result.kpi_id).values_list("id", "level")
    )
    met = set(
        MilestoneCheck.objects.filter(result=result, met=True).values_list(
            "item_id", flat=True
        )
    )
    reached = milestone_level(met_by_level(items, met))
    if claimed <= reached:
        return
    unmet = _first_unmet(result, claimed)
    if unmet is None:
        raise InvalidInput(
            _("Level %(claimed)s is claimed but a level up to it has no criteria.")
            % {"claimed": claimed},
            field="level_claimed",
        )
    raise InvalidInput(
        _(
            "Level %(claimed)s is claimed but criterion %(level)s.%(position)s of"
            " level %(level)s is not met."
        )
        % {"claimed": claimed, "level": unmet.level, "position": unmet.position},
        field="level_claimed",
    )


@transaction.atomic
def result_record(
    *,
    actor: Actor,
    kpi: Kpi,
    round: Round,
    numerator: Decimal | None,
    denominator: Decimal | None,
    measures: str = "",
    factors: str = "",
    obstacles: str = "",
    note: str = "",
    level_claimed: int | None = None,
) -> KpiResult:
    """Records a KPI's result in a round: its figures (none yet is allowed:
    the texts alone) and the report's texts; a milestone KPI's claimed level
    instead of figures. Refused naming the field: a negative number, a
    denominator of 0, a denominator without a numerator, figures that no
    longer match the breakdown's totals, figures of a computed KPI other than
    the computed ones, a claimed level above what the checklist gives.
    Refused (`Conflict`) in a locked round or an unpublished framework.
    Permission: the KPI's owner or collector, or KPI_RESULT_RECORD over the
    framework's unit. Audit: kpi_result.record. Recomputes the scores."""
    result, round = result_open(actor=actor, result=KpiResult(kpi=kpi, round=round))
    before = _state(result)
    numerator = clean_figure(numerator, "numerator")
    denominator = clean_figure(denominator, "denominator")
    if kpi.kind == KpiKind.MILESTONE:
        if numerator is not None or denominator is not None:
            raise InvalidInput(
                _("A milestone KPI's result is its checklist, not figures."),
                field="numerator",
            )
        if level_claimed is not None:
            _ensure_claim(result, level_claimed)
            result.level_claimed = level_claimed
    else:
        if denominator is not None and numerator is None:
            raise InvalidInput(_("Give the numerator too."), field="numerator")
        if kpi.origin == ResultOrigin.COMPUTED:
            if (numerator, denominator) != (result.numerator, result.denominator):
                raise InvalidInput(
                    _(
                        "This KPI's figures are computed from Saduak's data:"
                        " compute them again instead of typing them."
                    ),
                    field="numerator",
                )
        else:
            value_of(numerator=numerator, denominator=denominator, factor=kpi.factor)
        totals = breakdown_totals(result)
        if totals is not None:
            ensure_adds_up(totals, numerator, denominator)
        result.numerator, result.denominator = numerator, denominator
    result.measures = clean_text(measures, "measures")
    result.factors = clean_text(factors, "factors")
    result.obstacles = clean_text(obstacles, "obstacles")
    result.note = clean_text(note, "note")
    result.entered_by = actor if isinstance(actor, User) else None
    result.entered_at = timezone.now()
    result.save(
        update_fields=[*RESULT_FIELDS, "entered_by", "entered_at", "updated_at"]
    )
    kpi_score_recompute(result=result)
    framework_audit(
        actor=actor,
        action="kpi_result.record",
        framework=round.framework,
        target=result,
        before=before,
        after=_state(result),
    )
    return result


@transaction.atomic
def milestone_check_save(
    *,
    actor: Actor,
    result: KpiResult,
    item: MilestoneItem,
    met: bool,
    evidence_note: str = "",
) -> MilestoneCheck:
    """Records whether one criterion of a milestone KPI is met, with its
    evidence note. A claimed level the checklist no longer gives is lowered
    to the level reached. Permission: as `result_record`.
    Audit: milestone_check.save. Recomputes the scores."""
    if item.kpi_id != result.kpi_id:
        raise InvalidInput(_("This criterion is of another KPI."), field="item")
    result, round = result_open(actor=actor, result=result)
    check = (
        MilestoneCheck.objects.select_for_update()
        .filter(result=result, item=item)
        .first()
    )
    before = {"met": check.met, "evidence_note": check.evidence_note} if check else None
    check = check or MilestoneCheck(result=result, item=item)
    check.met = bool(met)
    check.evidence_note = clean_text(evidence_note, "evidence_note")
    check.checked_by = actor if isinstance(actor, User) else None
    check.checked_at = timezone.now()
    check.save()
    kpi_score_recompute(result=result)
    result.refresh_from_db(fields=["level_reached", "level_claimed"])
    if result.level_claimed > result.level_reached:
        result.level_claimed = result.level_reached
        result.save(update_fields=["level_claimed", "updated_at"])
    framework_audit(
        actor=actor,
        action="milestone_check.save",
        framework=round.framework,
        target=check,
        before=before,
        after={
            "item": f"{item.level}.{item.position}",
            "met": check.met,
            "evidence_note": check.evidence_note,
        },
    )
    return check
