from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.performance.choices import BreakdownLevel, RoundStatus
from saduak.performance.models import (
    BreakdownRow,
    ComponentScore,
    KpiResult,
    MilestoneItem,
    Round,
)
from saduak.performance.selectors.results import result_get_or_new
from saduak.performance.services.results import (
    BreakdownInput,
    breakdown_save,
    milestone_check_save,
    result_record,
)
from saduak.performance.services.scores import scores_recompute
from saduak.performance.tests.factories import (
    SYSTEM,
    Built,
    after,
    before,
    framework_built,
)

D = Decimal


def record(
    built: Built, code: str, numerator: Any, denominator: Any = None, **more: Any
) -> KpiResult:
    return result_record(
        actor=SYSTEM,
        kpi=built.kpis[code],
        round=built.rounds[6],
        numerator=None if numerator is None else D(numerator),
        denominator=None if denominator is None else D(denominator),
        **more,
    )


def check(built: Built, level: int, position: int, met: bool = True) -> None:
    kpi = built.kpis["2.1"]
    item = MilestoneItem.objects.get(kpi=kpi, level=level, position=position)
    milestone_check_save(
        actor=SYSTEM,
        result=result_get_or_new(kpi, built.rounds[6]),
        item=item,
        met=met,
    )


def test_results_score_and_add_up_to_the_components_and_the_round(built: Built) -> None:
    first = record(built, "1.1", "145", "200", measures="จัดอบรม")
    assert (first.value, first.score, first.weighted) == (
        D("72.5"),
        D("81.25"),
        D("24.38"),
    )
    record(built, "1.2", "7")
    record(built, "1.3.1", "80", "100")
    for level, position in ((1, 1), (1, 2), (2, 1)):
        check(built, level, position)
    round = Round.objects.get(pk=built.rounds[6].pk)
    scores = {
        row.component.code: (row.score, row.weighted)
        for row in ComponentScore.objects.filter(round=round).select_related(
            "component"
        )
    }
    assert scores == {"1": (D("74.82"), D("52.38")), "2": (D("75.00"), D("22.50"))}
    assert round.score == D("74.88")
    built.framework.refresh_from_db()
    assert built.framework.score == D("74.88")
    checklist = KpiResult.objects.get(kpi=built.kpis["2.1"], round=round)
    assert (checklist.level_reached, checklist.score) == (2, D("75.00"))


def test_recording_is_audited_with_before_and_after_at_the_district(
    built: Built,
) -> None:
    record(built, "1.1", "100", "200")
    record(built, "1.1", "150", "200", obstacles="ขาดบุคลากร")
    first, second = AuditEvent.objects.filter(action="kpi_result.record").order_by("id")
    assert before(first)["numerator"] is None
    assert before(second)["numerator"] == "100.0000"
    assert after(second)["numerator"] == "150"
    assert after(second)["obstacles"] == "ขาดบุคลากร"
    assert (second.district_code, second.province_code) == ("5001", "50")


def test_the_kpis_owner_may_record_without_a_matrix_role(
    built: Built, make_user: Any, make_staff: Any
) -> None:
    owner = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    kpi = built.kpis["1.1"]
    kpi.owner = owner
    kpi.save(update_fields=["owner"])
    result = result_record(
        actor=owner, kpi=kpi, round=built.rounds[6], numerator=D(1), denominator=D(2)
    )
    assert result.entered_by == owner
    stranger = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    with pytest.raises(PermissionDeniedError):
        result_record(
            actor=stranger,
            kpi=kpi,
            round=built.rounds[6],
            numerator=D(2),
            denominator=D(2),
        )
    away = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    with pytest.raises(NotFound):
        result_record(
            actor=away, kpi=kpi, round=built.rounds[6], numerator=D(2), denominator=D(2)
        )
    assert KpiResult.objects.get(kpi=kpi).numerator == D(1)


@pytest.mark.parametrize(
    ("numerator", "denominator", "field"),
    [
        ("1", "0", "denominator"),
        ("-1", "10", "numerator"),
        (None, "10", "numerator"),
        ("1.00001", "10", "numerator"),
    ],
)
def test_bad_figures_are_refused_naming_the_field_and_nothing_is_saved(
    built: Built, numerator: Any, denominator: Any, field: str
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        record(built, "1.1", numerator, denominator)
    assert refused.value.field == field
    assert not KpiResult.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_locked_round_refuses_results_with_the_reason(built: Built) -> None:
    Round.objects.filter(pk=built.rounds[6].pk).update(status=RoundStatus.LOCKED)
    with translation.override("en"), pytest.raises(Conflict) as refused:
        record(built, "1.1", "1", "2")
    assert "locked" in str(refused.value.message)
    assert not KpiResult.objects.exists()


def test_an_unpublished_framework_takes_no_results(small_map: None) -> None:
    built = framework_built(publish=False)
    with pytest.raises(Conflict):
        record(built, "1.1", "1", "2")
    assert not KpiResult.objects.exists()


def test_a_parent_kpi_takes_no_result_of_its_own(built: Built) -> None:
    with pytest.raises(InvalidInput):
        record(built, "1.3", "1", "2")


def test_a_level_claimed_above_the_checklist_names_the_unmet_criterion(
    built: Built,
) -> None:
    check(built, 1, 1)
    check(built, 2, 1)
    events = AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        record(built, "2.1", None, level_claimed=2)
    assert refused.value.field == "level_claimed"
    assert str(refused.value.message) == (
        "Level 2 is claimed but criterion 1.2 of level 1 is not met."
    )
    assert AuditEvent.objects.count() == events
    check(built, 1, 2)
    result = record(built, "2.1", None, level_claimed=2)
    assert (result.level_claimed, result.level_reached) == (2, 2)
    check(built, 1, 2, met=False)
    result.refresh_from_db()
    assert (result.level_claimed, result.level_reached, result.score) == (
        0,
        0,
        D("0.00"),
    )


def breakdown_framework(small_map: None) -> Built:
    return framework_built(
        unit_level="province", unit_code="50", breakdown_level=BreakdownLevel.DISTRICT
    )


def test_a_breakdown_sets_the_figures_of_a_result_that_has_none(
    small_map: None,
) -> None:
    built = breakdown_framework(small_map)
    result = result_get_or_new(built.kpis["1.1"], built.rounds[6])
    rows = breakdown_save(
        actor=SYSTEM,
        result=result,
        rows=[
            BreakdownInput(district_code="5001", numerator=D(30), denominator=D(40)),
            BreakdownInput(district_code="5002", numerator=D(45), denominator=D(60)),
        ],
    )
    assert [(row.district_id, row.province_id, row.value) for row in rows] == [
        ("5001", "50", D("75.0000")),
        ("5002", "50", D("75.0000")),
    ]
    stored = KpiResult.objects.get(kpi=built.kpis["1.1"])
    assert (stored.numerator, stored.denominator, stored.value) == (
        D(75),
        D(100),
        D(75),
    )
    assert stored.score == D("87.50")
    [event] = AuditEvent.objects.filter(action="breakdown.save")
    assert after(event)["rows"] == 2


def test_a_breakdown_that_does_not_add_up_names_both_totals_and_changes_nothing(
    small_map: None,
) -> None:
    built = breakdown_framework(small_map)
    record(built, "1.1", "75", "100")
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        breakdown_save(
            actor=SYSTEM,
            result=result_get_or_new(built.kpis["1.1"], built.rounds[6]),
            rows=[
                BreakdownInput(
                    district_code="5001", numerator=D(30), denominator=D(40)
                ),
                BreakdownInput(
                    district_code="5002", numerator=D(40), denominator=D(60)
                ),
            ],
        )
    assert str(refused.value.message) == (
        "The breakdown rows' numerators add up to 70 but the result's numerator is 75."
    )
    assert not BreakdownRow.objects.exists()
    assert not AuditEvent.objects.filter(action="breakdown.save").exists()


@pytest.mark.parametrize(
    "rows",
    [
        [
            BreakdownInput(district_code="5001", numerator=D(1)),
            BreakdownInput(district_code="5001", numerator=D(1)),
        ],
        [BreakdownInput(district_code="1001", numerator=D(1))],
        [BreakdownInput(district_code="9999", numerator=D(1))],
        [BreakdownInput(district_code="5001", numerator=D(1), denominator=D(0))],
    ],
    ids=["duplicate", "outside the province", "unknown", "zero denominator"],
)
def test_bad_breakdown_rows_are_refused_whole(
    small_map: None, rows: list[BreakdownInput]
) -> None:
    built = breakdown_framework(small_map)
    with pytest.raises(InvalidInput) as refused:
        breakdown_save(
            actor=SYSTEM,
            result=result_get_or_new(built.kpis["1.1"], built.rounds[6]),
            rows=rows,
        )
    assert refused.value.field == "rows"
    assert not BreakdownRow.objects.exists()
    assert not KpiResult.objects.exists()


def test_implausible_rows_are_saved_flagged(small_map: None) -> None:
    built = breakdown_framework(small_map)
    rows = breakdown_save(
        actor=SYSTEM,
        result=result_get_or_new(built.kpis["1.1"], built.rounds[6]),
        rows=[
            BreakdownInput(district_code="5001", numerator=D(130), denominator=D(100)),
            BreakdownInput(district_code="5002", numerator=D(50), denominator=D(100)),
        ],
    )
    assert [row.flagged for row in rows] == [True, False]


def test_scores_recompute_is_idempotent(built: Built) -> None:
    record(built, "1.1", "145", "200")
    stored = list(KpiResult.objects.values_list("score", "weighted"))
    scores_recompute(round=built.rounds[6])
    assert list(KpiResult.objects.values_list("score", "weighted")) == stored
