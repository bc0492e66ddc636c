from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from saduak.audit.models import AuditEvent
from saduak.core.errors import InvalidInput
from saduak.core.measures import (
    _SOURCES,
    Measured,
    MeasureScope,
    MeasureSource,
    measure_source_register,
)
from saduak.performance.choices import BreakdownLevel, ResultOrigin
from saduak.performance.models import BreakdownRow, KpiResult
from saduak.performance.services import frameworks
from saduak.performance.services.computed import (
    open_rounds_compute,
    result_compute,
    round_compute,
)
from saduak.performance.services.results import result_record
from saduak.performance.tasks import performance_compute_open_rounds
from saduak.performance.tests.factories import (
    SYSTEM,
    after,
    computed_framework,
    framework_built,
    framework_draft,
    numeric,
    pmqa_recorded,
)

D = Decimal
SEEN: list[MeasureScope] = []


def _whole(scope: MeasureScope) -> Measured:
    SEEN.append(scope)
    return Measured(numerator=D(75), denominator=D(100))


def _per_district(scope: MeasureScope) -> dict[str, Measured]:
    return {
        "5001": Measured(numerator=D(45), denominator=D(60)),
        "5002": Measured(numerator=D(30), denominator=D(40)),
    }


@pytest.fixture
def test_source() -> Iterator[str]:
    key = "tests.on_time"
    measure_source_register(
        MeasureSource(
            key=key,
            label="On time",
            description="",
            numerator_label="on time",
            denominator_label="all",
            measure_unit="percent",
            compute=_whole,
            per_child=_per_district,
        )
    )
    SEEN.clear()
    yield key
    _SOURCES.pop(key, None)


def _province_computed(source_key: str) -> Any:
    framework = framework_draft(unit_level="province", unit_code="50")
    component = frameworks.component_save(
        actor=SYSTEM,
        framework=framework,
        code="1",
        name_th="มิติ",
        name_en="",
        weight=D(100),
    )
    kpi = frameworks.kpi_save(
        actor=SYSTEM,
        component=component,
        fields=numeric(
            "1.1",
            "100",
            origin=ResultOrigin.COMPUTED,
            source_key=source_key,
            breakdown_level=BreakdownLevel.DISTRICT,
        ),
    )
    round = frameworks.round_save(
        actor=SYSTEM, framework=framework, months=6, due_on=framework_round_due()
    )
    frameworks.framework_publish(actor=SYSTEM, framework=framework)
    return kpi, round


def framework_round_due() -> Any:
    from datetime import date

    return date(2026, 4, 15)


def test_a_computed_kpi_takes_its_figures_and_breakdown_from_its_source(
    small_map: None, test_source: str
) -> None:
    kpi, round = _province_computed(test_source)
    result = result_compute(actor=SYSTEM, kpi=kpi, round=round)
    assert (result.numerator, result.denominator, result.origin) == (
        D(75),
        D(100),
        ResultOrigin.COMPUTED,
    )
    stored = KpiResult.objects.get(pk=result.pk)
    assert (stored.value, stored.score) == (D(75), D("87.50"))
    [scope] = SEEN
    assert (scope.level, scope.code, str(scope.start), str(scope.end)) == (
        "province",
        "50",
        "2025-10-01",
        "2026-03-31",
    )
    rows = list(BreakdownRow.objects.order_by("district_id"))
    assert [(row.district_id, row.numerator, row.value) for row in rows] == [
        ("5001", D(45), D(75)),
        ("5002", D(30), D(75)),
    ]
    [event] = AuditEvent.objects.filter(action="kpi_result.compute")
    assert after(event)["breakdown_rows"] == 2


def test_typed_figures_of_a_computed_kpi_are_refused(
    small_map: None, test_source: str
) -> None:
    kpi, round = _province_computed(test_source)
    result_compute(actor=SYSTEM, kpi=kpi, round=round)
    with pytest.raises(InvalidInput) as refused:
        result_record(
            actor=SYSTEM, kpi=kpi, round=round, numerator=D(80), denominator=D(100)
        )
    assert refused.value.field == "numerator"
    kept = result_record(
        actor=SYSTEM,
        kpi=kpi,
        round=round,
        numerator=D(75),
        denominator=D(100),
        measures="ติดตามทุกสัปดาห์",
    )
    assert kept.measures == "ติดตามทุกสัปดาห์"


def test_a_typed_kpi_is_not_computed(built: Any) -> None:
    with pytest.raises(InvalidInput):
        result_compute(actor=SYSTEM, kpi=built.kpis["1.1"], round=built.rounds[6])


def test_round_compute_counts_the_kpis_it_computed(
    small_map: None, test_source: str
) -> None:
    kpi, round = _province_computed(test_source)
    assert round_compute(actor=SYSTEM, round=round) == 1
    assert KpiResult.objects.get(kpi=kpi).score == D("87.50")


def test_the_nightly_task_computes_open_rounds_and_skips_a_refusing_one(
    small_map: None, test_source: str
) -> None:
    kpi, round = _province_computed(test_source)
    computed_framework()  # district 5001's PMQA KPI: no assessment yet
    framework_built(unit_code="5002")  # nothing computed
    assert performance_compute_open_rounds() == 1
    assert KpiResult.objects.get(kpi=kpi).numerator == D(75)
    pmqa_recorded()
    assert open_rounds_compute() == 2


def test_a_figure_held_above_the_child_level_counts_in_the_result_not_as_a_row(
    small_map: None, test_source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def with_the_provincial_office(scope: MeasureScope) -> dict[str, Measured]:
        return {**_per_district(scope), "pao-50": Measured(D(5), D(10))}

    monkeypatch.setitem(
        _SOURCES,
        test_source,
        replace(_SOURCES[test_source], per_child=with_the_provincial_office),
    )
    kpi, round = _province_computed(test_source)
    result_compute(actor=SYSTEM, kpi=kpi, round=round)
    rows = BreakdownRow.objects.order_by("district_id")
    assert [row.district_id for row in rows] == ["5001", "5002"]


def test_rows_that_no_longer_add_up_are_dropped_when_the_source_has_none(
    small_map: None, test_source: str
) -> None:
    from saduak.performance.services.breakdown import BreakdownInput, breakdown_save

    kpi, round = _province_computed(test_source)
    result = result_compute(actor=SYSTEM, kpi=kpi, round=round)
    assert BreakdownRow.objects.filter(result=result).count() == 2
    _SOURCES[test_source] = replace(_SOURCES[test_source], per_child=None)
    result_compute(actor=SYSTEM, kpi=kpi, round=round)
    assert not BreakdownRow.objects.filter(result=result).exists()
    # A table that adds up can be typed again afterwards.
    breakdown_save(
        actor=SYSTEM,
        result=KpiResult.objects.get(pk=result.pk),
        rows=[
            BreakdownInput(district_code="5001", numerator=D(70), denominator=D(90)),
            BreakdownInput(district_code="5002", numerator=D(5), denominator=D(10)),
        ],
    )
    assert BreakdownRow.objects.filter(result=result).count() == 2
