"""scores_recompute reads a framework in a fixed handful of queries and
writes in bulk, so its cost does not grow with the number of KPIs; one
KPI's recompute likewise."""

import math
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from saduak.performance.choices import FrameworkStatus, KpiKind
from saduak.performance.models import (
    Component,
    Kpi,
    KpiResult,
    MilestoneCheck,
    MilestoneItem,
    Round,
)
from saduak.performance.services import frameworks
from saduak.performance.services.scores import kpi_score_recompute, scores_recompute
from saduak.performance.tests.factories import SYSTEM, framework_draft

D = Decimal


def framework_of(kpi_count: int, year: int = 2569) -> Round:
    """A published framework of `kpi_count` KPIs in one component (every
    tenth a milestone KPI, every fifth a parent of two sub-KPIs), each with
    a result in the round of 12 months (written in bulk: this measures the
    recompute, not the set-up)."""
    framework = framework_draft(fiscal_year=year)
    component = Component.objects.create(
        framework=framework, code="1", name_th="มิติ", weight=D(100)
    )
    weight = D(100) / kpi_count
    kpis = []
    for number in range(kpi_count):
        milestone = number % 10 == 9
        kpis.append(
            Kpi(
                component=component,
                code=f"1.{number}",
                name_th=f"ตัวชี้วัด {number}",
                weight=weight,
                kind=KpiKind.MILESTONE if milestone else KpiKind.NUMERIC,
                target_minimum=None if milestone else D(60),
                target_standard=None if milestone else D(70),
                target_advanced=None if milestone else D(80),
            )
        )
    Kpi.objects.bulk_create(kpis)
    children = []
    for parent in kpis[::5]:
        if parent.kind == KpiKind.MILESTONE:
            continue
        for half in (1, 2):
            children.append(
                Kpi(
                    component=component,
                    parent=parent,
                    code=f"{parent.code}.{half}",
                    name_th="ย่อย",
                    weight=parent.weight / 2,
                    target_minimum=D(60),
                    target_standard=D(70),
                    target_advanced=D(80),
                )
            )
    Kpi.objects.bulk_create(children)
    milestones = [kpi for kpi in kpis if kpi.kind == KpiKind.MILESTONE]
    items = MilestoneItem.objects.bulk_create(
        MilestoneItem(kpi=kpi, level=level, position=1, text_th=f"เกณฑ์ {level}")
        for kpi in milestones
        for level in (1, 2, 3)
    )
    round = frameworks.round_save(
        actor=SYSTEM, framework=framework, months=12, due_on=date(year - 543, 10, 15)
    )
    type(framework).objects.filter(pk=framework.pk).update(
        status=FrameworkStatus.PUBLISHED
    )
    parents = {child.parent_id for child in children}
    results = KpiResult.objects.bulk_create(
        KpiResult(
            kpi=kpi,
            round=round,
            numerator=D(50 + number % 40) if kpi.kind == KpiKind.NUMERIC else None,
            denominator=D(100) if kpi.kind == KpiKind.NUMERIC else None,
        )
        for number, kpi in enumerate([*kpis, *children])
        if kpi.pk not in parents
    )
    by_kpi = {result.kpi_id: result for result in results}
    MilestoneCheck.objects.bulk_create(
        MilestoneCheck(result=by_kpi[item.kpi_id], item=item, met=item.level < 3)
        for item in items
    )
    return round


WRITE = 'INSERT INTO "performance_kpiresult"'


def recompute_queries(round: Round) -> tuple[int, int]:
    """The statements of a recompute that changes every score: (reads and
    totals, writes of the results' scores)."""
    KpiResult.objects.filter(round=round).update(score=None)
    with CaptureQueriesContext(connection) as queries:
        scores_recompute(round=round)
    writes = [each for each in queries if each["sql"].startswith(WRITE)]
    return len(queries) - len(writes), len(writes)


def write_batches(round: Round) -> int:
    """One statement on PostgreSQL; SQLite's 999 parameters split it."""
    results = list(KpiResult.objects.filter(round=round))
    fields = [field for field in KpiResult._meta.concrete_fields]
    batch = connection.ops.bulk_batch_size(fields, results) or len(results)
    return math.ceil(len(results) / batch)


def test_recomputing_a_round_costs_the_same_queries_for_10_or_100_kpis(
    small_map: None,
) -> None:
    small, large = framework_of(10), framework_of(100, year=2570)
    small_reads, small_writes = recompute_queries(small)
    large_reads, large_writes = recompute_queries(large)
    assert small_reads == large_reads
    assert (small_writes, large_writes) == (write_batches(small), write_batches(large))
    if connection.vendor == "postgresql":
        assert large_writes == 1
    assert KpiResult.objects.filter(round=large, score=None).count() == 0
    assert Round.objects.get(pk=large.pk).score is not None


def test_a_recompute_of_100_kpis_stays_within_a_fixed_number_of_queries(
    small_map: None, django_assert_max_num_queries: object
) -> None:
    round = framework_of(100)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        scores_recompute(round=round)
    # Nothing changed: six reads, the round's and framework's totals.
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        scores_recompute(round=round)


def test_one_kpis_recompute_equals_the_whole_rounds(small_map: None) -> None:
    round = framework_of(20)
    scores_recompute(round=round)
    expected = Round.objects.get(pk=round.pk).score
    result = KpiResult.objects.filter(round=round, numerator__isnull=False).first()
    assert result is not None
    KpiResult.objects.filter(pk=result.pk).update(numerator=D(80))
    result.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        kpi_score_recompute(result=result)
    assert len(queries) <= 16
    single = Round.objects.get(pk=round.pk).score
    scores_recompute(round=round)
    assert Round.objects.get(pk=round.pk).score == single
    assert single is not None and expected is not None and single >= expected
