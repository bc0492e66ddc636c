"""Results computed from Saduak's own data: a computed KPI's figures (and
its breakdown, when the source measures each unit one level down) from its
`core/measures.py` source over the round's period and the framework's unit
(docs/performance.md, "Sources"). On demand, when HQ locks a round, and
nightly for open rounds."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor
from saduak.accounts.units import CHILD_LEVEL, Unit
from saduak.core.errors import Conflict, DomainError, InvalidInput
from saduak.core.measures import MeasureScope, measure_source_get
from saduak.performance.choices import (
    BreakdownLevel,
    FrameworkStatus,
    ResultOrigin,
    RoundStatus,
)
from saduak.performance.models import Framework, Kpi, KpiResult, Round
from saduak.performance.services.breakdown import (
    BreakdownInput,
    breakdown_replace,
    breakdown_rows_build,
)
from saduak.performance.services.common import (
    ensure_published,
    framework_audit,
    framework_ensure_may,
    result_open,
    round_locked,
)
from saduak.performance.services.scores import kpi_score_recompute, scores_recompute

logger = logging.getLogger(__name__)
NIGHTLY_ACTOR = "task:performance_compute_open_rounds"
CHILD_ROW: dict[str, str] = {
    BreakdownLevel.PROVINCE: "province_code",
    BreakdownLevel.DISTRICT: "district_code",
    BreakdownLevel.OFFICE: "office_code",
}


def framework_scope(framework: Framework, round: Round) -> MeasureScope:
    """What a source measures for the framework's unit over the round."""
    unit = Unit(
        framework.unit_level,
        framework.unit_code,
        province=framework.province,
        district=framework.district,
    )
    return MeasureScope(
        level=framework.unit_level,
        code=framework.unit_code,
        where=unit.where,
        start=round.period_start,
        end=round.period_end,
    )


def _is_child_code(code: str, child: str | None) -> bool:
    """Whether a source's key names a unit of the child level (a DOPA code of
    two digits for a province, four for a district; any office code)."""
    lengths: dict[str, int] = {BreakdownLevel.PROVINCE: 2, BreakdownLevel.DISTRICT: 4}
    length = lengths.get(str(child))
    if length is None:
        return True
    return code.isdigit() and len(code) == length


def _compute_into(
    *, actor: Actor, result: KpiResult, framework: Framework, round: Round
) -> KpiResult:
    kpi = result.kpi
    source = measure_source_get(kpi.source_key)
    if source is None:
        raise Conflict(
            _("KPI %(code)s is computed from a source that no longer exists.")
            % {"code": kpi.code}
        )
    scope = framework_scope(framework, round)
    measured = source.compute(scope)
    before = {"numerator": result.numerator, "denominator": result.denominator}
    result.numerator = measured.numerator
    result.denominator = measured.denominator
    result.origin = ResultOrigin.COMPUTED
    result.computed_at = timezone.now()
    result.save(
        update_fields=[
            "numerator",
            "denominator",
            "origin",
            "computed_at",
            "updated_at",
        ]
    )
    rows = 0
    child = CHILD_LEVEL.get(framework.unit_level)
    if source.per_child is not None and kpi.breakdown_level == child:
        # A source answers what an office above the child level holds (a
        # complaint taken over by the provincial office) under that office's
        # code, so that its children add up; such a figure has no row of the
        # child level and counts in the result only.
        inputs = [
            BreakdownInput(
                numerator=figures.numerator,
                denominator=figures.denominator,
                **{CHILD_ROW[kpi.breakdown_level]: code},
            )
            for code, figures in sorted(source.per_child(scope).items())
            if _is_child_code(code, child)
        ]
        if inputs:
            built = breakdown_rows_build(kpi, framework, inputs)
            rows = len(breakdown_replace(result, built, check_totals=False))
        else:
            result.breakdown.all().delete()
    else:
        # Rows typed before would no longer add up to the computed figures,
        # and a computed result's figures cannot be typed to match them.
        result.breakdown.all().delete()
    framework_audit(
        actor=actor,
        action="kpi_result.compute",
        framework=framework,
        target=result,
        before=before,
        after={
            "source": kpi.source_key,
            "numerator": result.numerator,
            "denominator": result.denominator,
            "breakdown_rows": rows,
        },
    )
    return result


@transaction.atomic
def result_compute(*, actor: Actor, kpi: Kpi, round: Round) -> KpiResult:
    """Computes a computed KPI's result in an open round from its source
    (replacing its breakdown when the source gives one per child unit).
    Permission: as `result_record` (owner, collector or KPI_RESULT_RECORD).
    Audit: kpi_result.compute. Recomputes the scores."""
    if kpi.origin != ResultOrigin.COMPUTED:
        raise InvalidInput(_("This KPI's result is not computed from Saduak's data."))
    result, round = result_open(actor=actor, result=KpiResult(kpi=kpi, round=round))
    result = _compute_into(
        actor=actor, result=result, framework=round.framework, round=round
    )
    kpi_score_recompute(result=result)
    return result


def round_computed(*, actor: Actor, round: Round) -> int:
    """Computes every computed KPI of an open, locked-for-update round and
    recomputes its scores (no permission check: round_compute and
    round_lock check theirs). The number of KPIs computed."""
    framework = round.framework
    kpis = (
        Kpi.objects.filter(component__framework=framework, origin=ResultOrigin.COMPUTED)
        .exclude(children__isnull=False)
        .select_related("component")
        .order_by("code")
    )
    count = 0
    for kpi in kpis:
        result, _created = KpiResult.objects.select_for_update().get_or_create(
            kpi=kpi, round=round, defaults={"origin": ResultOrigin.COMPUTED}
        )
        result.kpi = kpi
        _compute_into(actor=actor, result=result, framework=framework, round=round)
        count += 1
    if count:
        scores_recompute(round=round)
    return count


@transaction.atomic
def round_compute(*, actor: Actor, round: Round) -> int:
    """Computes every computed KPI of an open round (the nightly job and the
    round's "compute all" button). Permission: KPI_RESULT_RECORD over the
    framework's unit. Audit: kpi_result.compute per KPI. The number computed."""
    framework_ensure_may(actor, Action.KPI_RESULT_RECORD, round.framework)
    round = round_locked(round)
    ensure_published(round.framework)
    return round_computed(actor=actor, round=round)


def open_rounds_compute() -> int:
    """Computes again every computed KPI of every open round of a published
    framework, and its scores (the nightly task). A round a source refuses
    (a PMQA assessment not recorded yet) is logged and skipped, each round
    in its own transaction; the others go on. The number of KPIs computed."""
    rounds = (
        Round.objects.filter(
            status=RoundStatus.OPEN,
            framework__status=FrameworkStatus.PUBLISHED,
            framework__components__kpis__origin=ResultOrigin.COMPUTED,
        )
        .select_related("framework")
        .distinct()
        .order_by("framework_id", "months")
    )
    computed = 0
    for round in rounds:
        try:
            computed += round_compute(actor=NIGHTLY_ACTOR, round=round)
        except DomainError as error:
            logger.warning(
                "performance: round %s of framework %s not computed: %s",
                round.months,
                round.framework.public_id,
                error.message,
            )
    return computed
