"""Keeping a round's scores: each KPI result's value, level, score and
weighted score, each component's score, the round's overall score and the
framework's latest (docs/performance.md, "Scores").

Every service that changes an input calls one of these inside its own
transaction. They read a handful of queries whatever the number of KPIs (the
framework's components and KPIs, the round's results, the milestone items
and met checks), compute in Python (scoring.py) and write back only what
changed in bulk. Scores never read breakdown rows: a result's own numerator
and denominator are the KPI's figures (the breakdown adds up to them)."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from saduak.performance.choices import KpiKind
from saduak.performance.models import (
    Component,
    ComponentScore,
    Framework,
    Kpi,
    KpiResult,
    MilestoneCheck,
    MilestoneItem,
    Round,
)
from saduak.performance.scoring import (
    HUNDRED,
    ZERO,
    kpi_numeric_score,
    milestone_score,
    quantize_score,
    value_of,
    weighted_mean,
    weighted_score,
)

RESULT_SCORE_FIELDS = ["value", "level_reached", "score", "weighted"]
WRITE_BATCH = 1000
KPI_FIELDS = [
    "id",
    "component_id",
    "parent_id",
    "weight",
    "kind",
    "direction",
    "factor",
    "target_minimum",
    "target_standard",
    "target_advanced",
]


@dataclass(frozen=True)
class LeafScore:
    value: Decimal | None
    level: int
    score: Decimal | None
    weighted: Decimal | None


@dataclass(frozen=True)
class Tree:
    """A framework's components and KPIs, as the totals need them."""

    components: list[Component]
    kpis: list[Kpi]

    @property
    def parent_ids(self) -> set[int]:
        return {kpi.parent_id for kpi in self.kpis if kpi.parent_id is not None}


def framework_tree(framework_id: int) -> Tree:
    """Two queries: the framework's components and KPIs."""
    return Tree(
        components=list(
            Component.objects.filter(framework_id=framework_id).only(
                "id", "weight", "framework_id"
            )
        ),
        kpis=list(
            Kpi.objects.filter(component__framework_id=framework_id).only(*KPI_FIELDS)
        ),
    )


def met_by_level(
    items: list[tuple[int, int]], met_items: set[int]
) -> dict[int, tuple[int, int]]:
    """(met, total) per level from a KPI's items (id, level) and the ids of
    the items checked as met."""
    counts: dict[int, tuple[int, int]] = {}
    for item_id, level in items:
        met, total = counts.get(level, (0, 0))
        counts[level] = (met + (item_id in met_items), total + 1)
    return counts


def leaf_score(
    kpi: Kpi, result: KpiResult, met_counts: dict[int, tuple[int, int]]
) -> LeafScore:
    """What a result of a KPI without sub-KPIs scores."""
    if kpi.kind == KpiKind.MILESTONE:
        scored = milestone_score(met_counts)
        return LeafScore(
            Decimal(scored.level),
            scored.level,
            scored.score,
            weighted_score(scored.score, kpi.weight),
        )
    # A computed rate over nothing (0 of 0) has no value yet.
    value = (
        None
        if result.denominator == 0
        else value_of(
            numerator=result.numerator,
            denominator=result.denominator,
            factor=kpi.factor,
        )
    )
    numeric = None if value is None else kpi_numeric_score(kpi, value)
    if numeric is None:
        return LeafScore(value, 0, None, None)
    return LeafScore(
        value, numeric.level, numeric.score, weighted_score(numeric.score, kpi.weight)
    )


def _apply(result: KpiResult, scored: LeafScore) -> bool:
    """Sets the result's score fields; whether anything changed."""
    new = {
        "value": scored.value,
        "level_reached": scored.level,
        "score": scored.score,
        "weighted": scored.weighted,
    }
    changed = any(getattr(result, name) != value for name, value in new.items())
    for name, value in new.items():
        setattr(result, name, value)
    return changed


def results_scores_write(results: list[KpiResult]) -> None:
    """Writes the score fields of saved results in one statement: an
    INSERT of the rows as they are, updating the score fields of each row
    already there (all are). `bulk_update` would say the same with a CASE
    per row and field, which Django builds in Python: 0.4 s for 120 rows on
    PostgreSQL, against a few milliseconds for this."""
    KpiResult.objects.bulk_create(
        results,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=RESULT_SCORE_FIELDS,
        # PostgreSQL binds at most 65,535 parameters a statement (20 a row);
        # SQLite's 999 make Django split it further.
        batch_size=WRITE_BATCH,
    )


def scores_recompute(*, round: Round) -> None:
    """Recomputes every result's score in `round` and the totals above them.

    Seven reads (components, KPIs, results, milestone items, met checks,
    existing component scores, the framework's latest score) and at most
    five writes, whatever the number of KPIs. No permission check: called by
    services that have checked their actor, the nightly task and the bench.
    """
    tree = framework_tree(round.framework_id)
    results = {
        result.kpi_id: result for result in KpiResult.objects.filter(round=round)
    }
    items: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for item_id, kpi_id, level in MilestoneItem.objects.filter(
        kpi__component__framework_id=round.framework_id
    ).values_list("id", "kpi_id", "level"):
        items[kpi_id].append((item_id, level))
    met_items = set(
        MilestoneCheck.objects.filter(result__round=round, met=True).values_list(
            "item_id", flat=True
        )
    )
    parents = tree.parent_ids
    changed = []
    scores: dict[int, Decimal | None] = {}
    for kpi in tree.kpis:
        result = results.get(kpi.pk)
        if result is None or kpi.pk in parents:
            continue
        scored = leaf_score(kpi, result, met_by_level(items[kpi.pk], met_items))
        if _apply(result, scored):
            changed.append(result)
        scores[kpi.pk] = scored.score
    if changed:
        results_scores_write(changed)
    totals_save(round=round, tree=tree, scores=scores)


def kpi_score_recompute(*, result: KpiResult) -> None:
    """Recomputes one result's score, then its parent's, its component's and
    the round's totals (from the other results' stored scores)."""
    kpi = Kpi.objects.only(*KPI_FIELDS).get(pk=result.kpi_id)
    is_parent = Kpi.objects.filter(parent_id=kpi.pk).exists()
    if not is_parent:
        items = list(
            MilestoneItem.objects.filter(kpi_id=kpi.pk).values_list("id", "level")
        )
        met_items = set(
            MilestoneCheck.objects.filter(result=result, met=True).values_list(
                "item_id", flat=True
            )
        )
        if _apply(result, leaf_score(kpi, result, met_by_level(items, met_items))):
            result.save(update_fields=RESULT_SCORE_FIELDS)
    round = Round.objects.get(pk=result.round_id)
    tree = framework_tree(round.framework_id)
    parents = tree.parent_ids
    scores = {
        kpi_id: score
        for kpi_id, score in KpiResult.objects.filter(round=round).values_list(
            "kpi_id", "score"
        )
        if kpi_id not in parents
    }
    totals_save(round=round, tree=tree, scores=scores)


@dataclass(frozen=True)
class Totals:
    """A round's totals from its KPIs' scores (None: not reported yet)."""

    kpi_scores: dict[int, Decimal | None]
    component_scores: dict[int, tuple[Decimal, Decimal]]
    overall: Decimal | None
    unreported_weight: Decimal


def totals_of(tree: Tree, scores: dict[int, Decimal | None]) -> Totals:
    """Parent KPIs' scores from their sub-KPIs, components' (score 0-100,
    weighted share) from their top KPIs, the overall score (None while no
    KPI has a score), and the weight of KPIs without a score yet."""
    children: dict[int, list[Kpi]] = defaultdict(list)
    for kpi in tree.kpis:
        if kpi.parent_id is not None:
            children[kpi.parent_id].append(kpi)
    kpi_scores: dict[int, Decimal | None] = {}
    unreported = ZERO
    for kpi in tree.kpis:
        if kpi.pk in children:
            parts = [(scores.get(child.pk), child.weight) for child in children[kpi.pk]]
            reported = any(score is not None for score, _weight in parts)
            kpi_scores[kpi.pk] = weighted_mean(parts, kpi.weight) if reported else None
        else:
            kpi_scores[kpi.pk] = scores.get(kpi.pk)
            if kpi_scores[kpi.pk] is None:
                unreported += kpi.weight
    tops: dict[int, list[Kpi]] = defaultdict(list)
    for kpi in tree.kpis:
        if kpi.parent_id is None:
            tops[kpi.component_id].append(kpi)
    component_scores: dict[int, tuple[Decimal, Decimal]] = {}
    for component in tree.components:
        parts = [(kpi_scores[kpi.pk], kpi.weight) for kpi in tops[component.pk]]
        if not any(score is not None for score, _weight in parts):
            continue
        total = sum(((score or ZERO) * weight for score, weight in parts), ZERO)
        component_scores[component.pk] = (
            weighted_mean(parts, component.weight),
            quantize_score(total / HUNDRED),
        )
    overall = (
        sum((weighted for _score, weighted in component_scores.values()), ZERO)
        if component_scores
        else None
    )
    return Totals(kpi_scores, component_scores, overall, unreported)


def totals_save(
    *, round: Round, tree: Tree, scores: dict[int, Decimal | None]
) -> Totals:
    """Stores the round's component scores and overall score, and the
    framework's latest overall score."""
    totals = totals_of(tree, scores)
    existing = {row.component_id: row for row in round.component_scores.all()}
    to_update, to_create = [], []
    for component_id, (score, weighted) in totals.component_scores.items():
        row = existing.get(component_id)
        if row is None:
            to_create.append(
                ComponentScore(
                    round=round,
                    component_id=component_id,
                    score=score,
                    weighted=weighted,
                )
            )
        elif (row.score, row.weighted) != (score, weighted):
            row.score, row.weighted = score, weighted
            to_update.append(row)
    stale = [
        row.pk
        for component_id, row in existing.items()
        if component_id not in totals.component_scores
    ]
    if stale:
        ComponentScore.objects.filter(pk__in=stale).delete()
    if to_update:
        ComponentScore.objects.bulk_update(to_update, ["score", "weighted"])
    if to_create:
        ComponentScore.objects.bulk_create(to_create)
    now = timezone.now()
    Round.objects.filter(pk=round.pk).update(score=totals.overall, scored_at=now)
    round.score, round.scored_at = totals.overall, now
    latest = (
        Round.objects.filter(framework_id=round.framework_id, score__isnull=False)
        .order_by("-months")
        .values_list("score", flat=True)
        .first()
    )
    Framework.objects.filter(pk=round.framework_id).update(score=latest)
    return totals


def framework_scores_recompute(framework: Framework) -> None:
    """`scores_recompute` for every round of the framework."""
    for round in Round.objects.filter(framework=framework):
        scores_recompute(round=round)
