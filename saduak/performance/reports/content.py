"""What the KPI report and the organisation report say, in the layout
evaluators expect: for each KPI its definition, the criteria table (the three
targets and their points, or each level's milestones), the results of every
round, the computation step by step, the three-year trend with its change,
the measures taken, supporting factors, obstacles and the evidence list.
pdf.py prints it, xlsx.py writes it as sheets; both read this one structure
(numbers stay Decimals here)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from saduak.performance.choices import LEVEL_SCORES, KpiKind, TargetLevel
from saduak.performance.models import (
    Framework,
    Kpi,
    KpiResult,
    MilestoneCheck,
    ResultEvidence,
    Round,
)
from saduak.performance.selectors.scores import (
    Scoreboard,
    framework_scoreboard,
    kpi_computation,
)
from saduak.performance.selectors.trend import Trend, kpi_trend, kpi_trends


@dataclass(frozen=True)
class Criterion:
    """One row of the criteria table: a target level, its points, and the
    target value (numeric KPIs) or the level's milestones."""

    level: int
    label: str
    points: Decimal
    target: Decimal | None = None
    milestones: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RoundResult:
    round: Round
    result: KpiResult | None


@dataclass(frozen=True)
class Evidence:
    """A line of the evidence list: a document attached or a milestone's note."""

    text: str
    file_name: str = ""


@dataclass(frozen=True)
class KpiReport:
    kpi: Kpi
    round: Round
    result: KpiResult | None
    criteria: list[Criterion]
    rounds: list[RoundResult]
    computation: list[str]
    trend: Trend
    evidence: list[Evidence]


@dataclass(frozen=True)
class OrganisationReport:
    framework: Framework
    round: Round
    scoreboard: Scoreboard
    kpis: list[KpiReport]
    printed_on: date


def _criteria(kpi: Kpi) -> list[Criterion]:
    if kpi.kind == KpiKind.MILESTONE:
        items: dict[int, list[str]] = {}
        for item in kpi.milestone_items.all():
            items.setdefault(item.level, []).append(item.text)
        return [
            Criterion(
                level, str(level.label), LEVEL_SCORES[level], None, items.get(level, [])
            )
            for level in TargetLevel
        ]
    targets = {
        TargetLevel.MINIMUM: kpi.target_minimum,
        TargetLevel.STANDARD: kpi.target_standard,
        TargetLevel.ADVANCED: kpi.target_advanced,
    }
    return [
        Criterion(level, str(level.label), LEVEL_SCORES[level], targets[level])
        for level in TargetLevel
    ]


def _evidence(result: KpiResult | None) -> list[Evidence]:
    if result is None:
        return []
    found = [
        Evidence(document.description or document.original_name, document.original_name)
        for document in result.evidence.all()
    ]
    found += [
        Evidence(f"{check.item.level}. {check.item.text}: {check.evidence_note}")
        for check in result.checks.all()
        if check.met and check.evidence_note
    ]
    return found


def _kpis_with_their_rows(**filters: object) -> list[Kpi]:
    queryset = (
        Kpi.objects.filter(**filters)
        .select_related("component__framework", "owner", "collector", "parent")
        .prefetch_related(
            "milestone_items",
            Prefetch(
                "results",
                queryset=KpiResult.objects.select_related("round").prefetch_related(
                    Prefetch(
                        "evidence", queryset=ResultEvidence.objects.order_by("id")
                    ),
                    Prefetch(
                        "checks",
                        queryset=MilestoneCheck.objects.select_related("item").order_by(
                            "item__level", "item__position"
                        ),
                    ),
                ),
            ),
        )
        .order_by("component__position", "component__code", "position", "code")
    )
    return list(queryset)


def _kpi_report(kpi: Kpi, round: Round, rounds: list[Round], trend: Trend) -> KpiReport:
    by_round = {result.round_id: result for result in kpi.results.all()}
    result = by_round.get(round.pk)
    return KpiReport(
        kpi=kpi,
        round=round,
        result=result,
        criteria=_criteria(kpi),
        rounds=[RoundResult(each, by_round.get(each.pk)) for each in rounds],
        computation=kpi_computation(result=result) if result is not None else [],
        trend=trend,
        evidence=_evidence(result),
    )


def kpi_report(*, kpi: Kpi, round: Round) -> KpiReport:
    """The report of one KPI for `round` (a round of its framework)."""
    rounds = list(round.framework.rounds.order_by("months"))
    (loaded,) = _kpis_with_their_rows(pk=kpi.pk)
    return _kpi_report(loaded, round, rounds, kpi_trend(kpi=loaded))


def organisation_report(*, framework: Framework, round: Round) -> OrganisationReport:
    """The framework's report for `round`: the score table of every
    component and KPI, then each KPI's report."""
    rounds = list(framework.rounds.order_by("months"))
    kpis = _kpis_with_their_rows(component__framework=framework)
    trends = kpi_trends(kpis=kpis)
    return OrganisationReport(
        framework=framework,
        round=round,
        scoreboard=framework_scoreboard(framework=framework, round=round),
        kpis=[_kpi_report(kpi, round, rounds, trends[kpi.pk]) for kpi in kpis],
        printed_on=timezone.localdate(),
    )
