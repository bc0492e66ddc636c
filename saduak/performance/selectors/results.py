"""A KPI's result in a round, as stored or new."""

from saduak.performance.models import Kpi, KpiResult, Round


def result_get_or_new(kpi: Kpi, round: Round) -> KpiResult:
    """The KPI's result in the round, or an unsaved one (no figures yet)
    that the result services save on the first change."""
    result = (
        KpiResult.objects.filter(kpi=kpi, round=round)
        .select_related("entered_by")
        .first()
    )
    if result is None:
        return KpiResult(kpi=kpi, round=round, origin=kpi.origin)
    result.kpi, result.round = kpi, round
    return result
