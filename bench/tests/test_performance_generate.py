"""The bench's bulk load of a KPI framework (bench/app/performance_generator.py):
what it writes past the services follows the app's rules (weights add up,
targets ordered, every result the sum of its breakdown rows, as publishing
and breakdown_save would require), and the scores it leaves are the ones
the scoring service computes again from scratch."""

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum

from bench.app.management.commands import performance_generate as command
from bench.app.performance_generator import performance_generate, weights_of
from saduak.performance.choices import Direction, KpiKind, MeasureUnit
from saduak.performance.models import (
    BreakdownRow,
    Component,
    ComponentScore,
    Framework,
    Kpi,
    KpiResult,
    Round,
)
from saduak.performance.scoring import numeric_score, value_of
from saduak.performance.services.publishing import framework_problems
from saduak.performance.services.scores import scores_recompute

pytestmark = pytest.mark.django_db


def _scores() -> list[tuple[object, ...]]:
    results = KpiResult.objects.order_by("id").values_list(
        "id", "score", "weighted", "level_reached"
    )
    components = ComponentScore.objects.order_by("id").values_list(
        "round_id", "component_id", "score", "weighted"
    )
    rounds = Round.objects.order_by("id").values_list("id", "score")
    return [*results, *components, *rounds]


def test_weights_of_add_up_to_the_total_in_cents():
    assert weights_of(Decimal(70), 3) == [
        Decimal("23.34"),
        Decimal("23.33"),
        Decimal("23.33"),
    ]
    assert sum(weights_of(Decimal(30), 7)) == Decimal(30)
    assert weights_of(Decimal(30), 0) == []


def test_the_load_follows_the_rules_and_its_scores_are_the_services(small_map):
    out = StringIO()
    call_command(
        command.Command(),
        "--kpis=20",
        "--rows=7",
        "--seed=3",
        "--replace",
        stdout=out,
    )
    report = out.getvalue()
    assert "20 KPIs" in report and "7 breakdown rows over 3 districts" in report
    framework = Framework.objects.get(fiscal_year=2569, unit_level="country")
    # As publishing checks: weights add up, targets ordered, milestones complete.
    assert framework_problems(framework) == []
    weights = Component.objects.filter(framework=framework).values_list(
        "weight", flat=True
    )
    assert sorted(weights) == [Decimal(30), Decimal(70)]
    kpis = list(Kpi.objects.filter(component__framework=framework))
    assert len(kpis) == 20
    kinds = Counter((kpi.kind, kpi.direction) for kpi in kpis)
    assert kinds[(KpiKind.MILESTONE, Direction.HIGHER)] == 2
    assert kinds[(KpiKind.NUMERIC, Direction.LOWER)] >= 3
    assert [r.months for r in Round.objects.filter(framework=framework)] == [6, 9, 12]

    # The 7 rows: 3 districts for two KPIs (3 + 3) and 1 for a third, all
    # in round 12, each result the sum of its rows.
    rows = BreakdownRow.objects.filter(result__round__framework=framework)
    assert rows.count() == 7
    assert set(rows.values_list("result__round__months", flat=True)) == {12}
    per_result = rows.values("result").annotate(
        n=Count("id"), numerator=Sum("numerator"), denominator=Sum("denominator")
    )
    assert sorted(line["n"] for line in per_result) == [1, 3, 3]
    for line in per_result:
        result = KpiResult.objects.get(pk=line["result"])
        assert (result.numerator, result.denominator) == (
            line["numerator"],
            line["denominator"],
        )
    for row in rows.select_related("district"):
        assert row.province_id == row.district.province_id
        assert row.value == value_of(
            numerator=row.numerator, denominator=row.denominator, factor=Decimal(100)
        )

    # Every KPI has a result in every round, scored; a round's score is set.
    assert KpiResult.objects.filter(round__framework=framework).count() == 60
    assert not KpiResult.objects.filter(round__framework=framework, score=None).exists()
    assert not Round.objects.filter(framework=framework, score=None).exists()
    numeric = (
        KpiResult.objects.filter(round__months=12, kpi__kind=KpiKind.NUMERIC)
        .select_related("kpi")
        .first()
    )
    assert numeric is not None
    kpi = numeric.kpi
    expected = numeric_score(
        value=value_of(
            numerator=numeric.numerator,
            denominator=numeric.denominator,
            factor=kpi.factor,
        ),
        minimum=kpi.target_minimum,
        standard=kpi.target_standard,
        advanced=kpi.target_advanced,
        direction=kpi.direction,
    )
    assert numeric.score == expected.score

    # Scoring again from scratch changes nothing.
    before = _scores()
    for kpi_round in Round.objects.filter(framework=framework):
        scores_recompute(round=kpi_round)
    assert _scores() == before


def test_a_second_load_needs_replace_and_the_same_seed_makes_the_same_load(small_map):
    performance_generate(kpis=10, rows=3, seed=4)
    first = list(
        KpiResult.objects.order_by("kpi__code", "round__months").values_list(
            "kpi__code", "round__months", "numerator", "denominator", "score"
        )
    )
    with pytest.raises(CommandError, match="replace"):
        call_command(command.Command(), "--kpis=10", "--rows=3", "--seed=4")
    performance_generate(kpis=10, rows=3, seed=4, replace=True)
    again = list(
        KpiResult.objects.order_by("kpi__code", "round__months").values_list(
            "kpi__code", "round__months", "numerator", "denominator", "score"
        )
    )
    assert again == first
    assert Framework.objects.count() == 1
    assert Kpi.objects.filter(measure_unit=MeasureUnit.DAYS).exists()


def test_more_rows_than_the_kpis_can_hold_are_refused(small_map):
    with pytest.raises(CommandError, match="need 4 KPIs"):
        call_command(command.Command(), "--kpis=3", "--rows=10")
    assert not Framework.objects.exists()
