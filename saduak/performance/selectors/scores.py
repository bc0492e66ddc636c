"""A round's scoreboard (components with their KPIs, results, scores and
weights, and the weight still unreported) and one result's computation,
step by step (docs/performance.md, "Scores")."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from saduak.performance.choices import KpiKind
from saduak.performance.models import (
    Component,
    Framework,
    Kpi,
    KpiResult,
    MilestoneCheck,
    MilestoneItem,
    Round,
)
from saduak.performance.scoring import (
    ZERO,
    kpi_numeric_score,
    milestone_score,
    show,
    value_of,
    value_steps,
    weighted_mean,
    weighted_score,
)
from saduak.performance.services.scores import Tree, met_by_level, totals_of


@dataclass(frozen=True)
class KpiLine:
    kpi: Kpi
    result: KpiResult | None
    score: Decimal | None
    weighted: Decimal | None
    # 0 for a component's KPI, 1 for a sub-KPI.
    depth: int
    is_parent: bool


@dataclass(frozen=True)
class ComponentLine:
    component: Component
    score: Decimal | None
    weighted: Decimal | None
    lines: list[KpiLine]


@dataclass(frozen=True)
class Scoreboard:
    framework: Framework
    round: Round
    components: list[ComponentLine]
    overall: Decimal | None
    # The weight of KPIs without a score yet (shown, never hidden).
    unreported_weight: Decimal

    @property
    def reported_weight(self) -> Decimal:
        return sum((line.component.weight for line in self.components), ZERO) - (
            self.unreported_weight
        )


def framework_scoreboard(*, framework: Framework, round: Round) -> Scoreboard:
    """Four queries: components, KPIs (with owner and collector), the
    round's results; parents' and components' scores are worked out from
    the stored results as the scoring service does."""
    components = list(framework.components.all())
    kpis = list(
        Kpi.objects.filter(component__framework=framework)
        .select_related("owner", "collector")
        .order_by("position", "code")
    )
    results = {
        result.kpi_id: result
        for result in KpiResult.objects.filter(round=round).select_related("entered_by")
    }
    tree = Tree(components=components, kpis=kpis)
    parents = tree.parent_ids
    totals = totals_of(
        tree,
        {
            kpi.pk: results[kpi.pk].score
            for kpi in kpis
            if kpi.pk in results and kpi.pk not in parents
        },
    )
    children: dict[int, list[Kpi]] = {}
    for kpi in kpis:
        if kpi.parent_id is not None:
            children.setdefault(kpi.parent_id, []).append(kpi)

    def line(kpi: Kpi, depth: int) -> KpiLine:
        score = totals.kpi_scores.get(kpi.pk)
        return KpiLine(
            kpi=kpi,
            result=results.get(kpi.pk),
            score=score,
            weighted=None if score is None else weighted_score(score, kpi.weight),
            depth=depth,
            is_parent=kpi.pk in parents,
        )

    component_lines = []
    for component in components:
        lines: list[KpiLine] = []
        for kpi in kpis:
            if kpi.component_id != component.pk or kpi.parent_id is not None:
                continue
            lines.append(line(kpi, 0))
            lines.extend(line(child, 1) for child in children.get(kpi.pk, []))
        score, weighted = totals.component_scores.get(component.pk, (None, None))
        component_lines.append(ComponentLine(component, score, weighted, lines))
    return Scoreboard(
        framework=framework,
        round=round,
        components=component_lines,
        overall=totals.overall,
        unreported_weight=totals.unreported_weight,
    )


def _weighted_step(score: Decimal, weight: Decimal) -> str:
    return _("Weighted score = %(score)s × %(weight)s / 100 = %(weighted)s") % {
        "score": show(score),
        "weight": show(weight),
        "weighted": show(weighted_score(score, weight)),
    }


def kpi_computation(*, result: KpiResult) -> list[str]:
    """How the result's score is obtained, one line per step, in the page's
    language: the value from the figures, the score against the targets (or
    the checklist's levels, or the sub-KPIs), the weighted score."""
    kpi = result.kpi
    children = list(kpi.children.order_by("position", "code"))
    if children:
        scores = dict(
            KpiResult.objects.filter(round_id=result.round_id, kpi__in=children)
            .exclude(score=None)
            .values_list("kpi_id", "score")
        )
        if not scores:
            return [_("No result yet.")]
        parts = [(scores.get(child.pk), child.weight) for child in children]
        score = weighted_mean(parts, kpi.weight)
        terms = " + ".join(
            f"{show(part or ZERO)} × {show(weight)}" for part, weight in parts
        )
        return [
            _("Score = (%(terms)s) / %(weight)s = %(score)s")
            % {"terms": terms, "weight": show(kpi.weight), "score": show(score)},
            _weighted_step(score, kpi.weight),
        ]
    if kpi.kind == KpiKind.MILESTONE:
        if result.pk is None:
            return [_("No result yet.")]
        items = list(MilestoneItem.objects.filter(kpi=kpi).values_list("id", "level"))
        met = set(
            MilestoneCheck.objects.filter(result=result, met=True).values_list(
                "item_id", flat=True
            )
        )
        scored = milestone_score(met_by_level(items, met))
        return [*scored.steps, _weighted_step(scored.score, kpi.weight)]
    if result.numerator is None or result.denominator == 0:
        return [_("No result yet.")]
    steps = value_steps(
        numerator=result.numerator, denominator=result.denominator, factor=kpi.factor
    )
    value = value_of(
        numerator=result.numerator, denominator=result.denominator, factor=kpi.factor
    )
    numeric = None if value is None else kpi_numeric_score(kpi, value)
    if numeric is None:
        return steps
    return [*steps, *numeric.steps, _weighted_step(numeric.score, kpi.weight)]
