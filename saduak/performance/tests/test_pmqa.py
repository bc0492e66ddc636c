from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import InvalidInput, PermissionDeniedError
from saduak.core.measures import measure_source_get
from saduak.performance.kpi_sources import PMQA_ASSESSOR
from saduak.performance.models import PmqaAssessment, PmqaScore
from saduak.performance.selectors.pmqa import pmqa_get, pmqa_list, pmqa_summary
from saduak.performance.services.pmqa import pmqa_averages_record, pmqa_record
from saduak.performance.tests.factories import SYSTEM, after, pmqa_recorded

D = Decimal


def test_pmqa_overall_is_the_mean_of_seven_and_compared_with_the_agencies(
    small_map: None, hq_admin: Any
) -> None:
    pmqa_recorded()
    pmqa_averages_record(
        actor=hq_admin, fiscal_year=2569, averages={c: D("350.5") for c in range(1, 8)}
    )
    summary = pmqa_summary(assessment=PmqaAssessment.objects.get())
    assert summary.assessor_overall == D("410.00")
    assert summary.self_overall == D("400.00")
    assert summary.passed is True
    assert summary.rows[0].above_average == D("29.5")
    assert summary.average_overall == D("350.50")
    event = AuditEvent.objects.filter(action="pmqa.record").order_by("id").last()
    assert event is not None
    assert after(event)["averages"]["1"] == "350.5"


def test_an_overall_waits_for_all_seven_categories(small_map: None) -> None:
    pmqa_record(
        actor=SYSTEM,
        fiscal_year=2569,
        unit_level="province",
        unit_code="50",
        scores={1: (D(300), None), 2: (D(320), D(310))},
    )
    summary = pmqa_summary(assessment=PmqaAssessment.objects.get())
    assert summary.self_overall is None
    assert summary.passed is None
    assert [row.self_score for row in summary.rows][:3] == [D(300), D(320), None]


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({1: (D(501), None)}, "category_1_self"),
        ({2: (None, D("-1"))}, "category_2_assessor"),
        ({3: (D("400.25"), None)}, "category_3_self"),
        ({8: (D(1), None)}, "scores"),
    ],
)
def test_bad_pmqa_scores_are_refused_whole(
    small_map: None, scores: Any, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        pmqa_record(
            actor=SYSTEM,
            fiscal_year=2569,
            unit_level="district",
            unit_code="5001",
            scores={7: (D(100), D(100)), **scores},
        )
    assert refused.value.field == field
    assert not PmqaScore.objects.exists()
    assert not AuditEvent.objects.filter(action="pmqa.record").exists()


def test_only_hq_records_pmqa(make_staff: Any) -> None:
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    with pytest.raises(PermissionDeniedError):
        pmqa_record(
            actor=province,
            fiscal_year=2569,
            unit_level="province",
            unit_code="50",
            scores={1: (D(300), None)},
        )


def test_assessments_are_read_by_reach(small_map: None, make_staff: Any) -> None:
    pmqa_recorded(unit_code="5001")
    pmqa_recorded(unit_code="5002")
    district = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    [mine] = pmqa_list(viewer=district)
    assert mine.unit_code == "5001"
    other = PmqaAssessment.objects.get(unit_code="5002")
    with pytest.raises(Exception) as refused:
        pmqa_get(viewer=district, public_id=other.public_id)
    assert refused.typename == "NotFound"


def test_the_pmqa_source_measures_the_assessor_overall_of_the_rounds_year(
    small_map: None,
) -> None:
    from datetime import date

    from django.db.models import Q

    from saduak.core.measures import MeasureScope

    source = measure_source_get(PMQA_ASSESSOR)
    assert source is not None and source.measure_unit == "points"
    pmqa_recorded()
    scope = MeasureScope("district", "5001", Q(), date(2025, 10, 1), date(2026, 9, 30))
    assert source.compute(scope).numerator == D("410.00")
    with translation.override("en"):
        later = MeasureScope(
            "district", "5001", Q(), date(2026, 10, 1), date(2026, 12, 31)
        )
        with pytest.raises(Exception) as refused:
            source.compute(later)
    assert "2570" in str(refused.value)
