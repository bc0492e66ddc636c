from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.performance.choices import Direction, FrameworkStatus, UnitLevel
from saduak.performance.models import Component, Framework, Kpi, MilestoneItem, Round
from saduak.performance.services import frameworks
from saduak.performance.services.frameworks import KpiFields
from saduak.performance.tests.factories import (
    SYSTEM,
    Built,
    after,
    before,
    framework_built,
    framework_draft,
    numeric,
)

D = Decimal


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_district_admin_creates_the_district_framework_audited_at_the_district(
    district_admin: Any,
) -> None:
    framework = frameworks.framework_create(
        actor=district_admin,
        fiscal_year=2569,
        unit_level=UnitLevel.DISTRICT,
        unit_code="5001",
        name_th="กรอบการประเมิน อำเภอเมืองเชียงใหม่",
    )
    assert framework.status == FrameworkStatus.DRAFT
    assert (framework.province_id, framework.district_id) == ("50", "5001")
    [event] = _events("framework.create")
    assert event.actor_id == district_admin.pk
    assert (event.district_code, event.province_code) == ("5001", "50")
    assert after(event)["unit_code"] == "5001"


def test_another_district_cannot_see_or_create_the_framework(make_staff: Any) -> None:
    away = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    with pytest.raises(NotFound):
        frameworks.framework_create(
            actor=away,
            fiscal_year=2569,
            unit_level=UnitLevel.DISTRICT,
            unit_code="5001",
            name_th="กรอบ",
        )
    assert not Framework.objects.exists()


def test_only_hq_sets_up_the_department_framework(
    make_staff: Any, hq_admin: Any
) -> None:
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    with pytest.raises(PermissionDeniedError):
        frameworks.framework_create(
            actor=province,
            fiscal_year=2569,
            unit_level=UnitLevel.COUNTRY,
            unit_code="",
            name_th="กรอบกรม",
        )
    framework = frameworks.framework_create(
        actor=hq_admin,
        fiscal_year=2569,
        unit_level=UnitLevel.COUNTRY,
        unit_code="",
        name_th="กรอบกรม",
    )
    assert framework.unit_code == ""


def test_a_second_framework_for_the_same_unit_and_year_is_a_conflict(
    small_map: None,
) -> None:
    framework_draft()
    with pytest.raises(Conflict):
        framework_draft()
    assert Framework.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("unit_code", "9999"),
        ("fiscal_year", 2026),
        ("name_th", "  "),
    ],
)
def test_bad_framework_input_names_the_field_and_saves_nothing(
    small_map: None, field: str, value: Any
) -> None:
    arguments: dict[str, Any] = {
        "fiscal_year": 2569,
        "unit_level": UnitLevel.DISTRICT,
        "unit_code": "5001",
        "name_th": "กรอบ",
    } | {field: value}
    with pytest.raises(InvalidInput) as refused:
        frameworks.framework_create(actor=SYSTEM, **arguments)
    assert refused.value.field == field
    assert not Framework.objects.exists()
    assert not AuditEvent.objects.filter(action="framework.create").exists()


@pytest.mark.parametrize(
    ("direction", "targets", "field"),
    [
        (Direction.HIGHER, (70, 60, 80), "target_standard"),
        (Direction.HIGHER, (60, 80, 80), "target_advanced"),
        (Direction.LOWER, (5, 10, 15), "target_standard"),
        (Direction.LOWER, (15, 10, 12), "target_advanced"),
        (Direction.HIGHER, (60, None, 80), "target_standard"),
    ],
)
def test_targets_out_of_order_in_the_kpis_direction_are_refused_naming_the_field(
    small_map: None, direction: str, targets: tuple[Any, ...], field: str
) -> None:
    framework = framework_draft()
    component = frameworks.component_save(
        actor=SYSTEM,
        framework=framework,
        code="1",
        name_th="มิติ",
        name_en="",
        weight=D(100),
    )
    minimum, standard, advanced = (
        None if value is None else D(value) for value in targets
    )
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        frameworks.kpi_save(
            actor=SYSTEM,
            component=component,
            fields=numeric(
                "1.1",
                "100",
                direction=direction,
                target_minimum=minimum,
                target_standard=standard,
                target_advanced=advanced,
            ),
        )
    assert refused.value.field == field
    assert not Kpi.objects.exists()
    assert AuditEvent.objects.count() == events


def test_publishing_names_every_sum_that_is_off_and_changes_nothing(
    small_map: None,
) -> None:
    built = framework_built(publish=False)
    kpi = built.kpis["1.3.2"]
    Kpi.objects.filter(pk=kpi.pk).update(weight=D(5))
    Component.objects.filter(pk=built.potential.pk).update(weight=D(25))
    MilestoneItem.objects.filter(level=3).delete()
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        frameworks.framework_publish(actor=SYSTEM, framework=built.framework)
    problems = refused.value.extra["problems"]
    assert problems == [
        "The components' weights add up to 95, not 100.",
        "The KPIs of component 2 weigh 30, not its 25.",
        "The sub-KPIs of KPI 1.3 weigh 15, not its 20.",
        "Milestone KPI 2.1 has no criterion at level 3.",
    ]
    built.framework.refresh_from_db()
    assert built.framework.status == FrameworkStatus.DRAFT
    assert not AuditEvent.objects.filter(action="framework.publish").exists()


def test_a_published_framework_refuses_set_up_changes_until_reopened(
    built: Built,
) -> None:
    with pytest.raises(Conflict):
        frameworks.kpi_save(
            actor=SYSTEM,
            component=built.performance,
            fields=numeric("1.4", "10"),
        )
    frameworks.framework_reopen(actor=SYSTEM, framework=built.framework)
    kpi = built.kpis["1.1"]
    changed = frameworks.kpi_save(
        actor=SYSTEM,
        component=built.performance,
        kpi=kpi,
        fields=numeric("1.1", "30", target_advanced=D(90)),
    )
    assert changed.target_advanced == D(90)
    [event] = [each for each in _events("kpi.save") if each.target_id == str(kpi.pk)][
        -1:
    ]
    assert before(event)["target_advanced"] == "80.0000"
    assert after(event)["target_advanced"] == "90"


def test_a_framework_with_a_locked_round_cannot_be_reopened(built: Built) -> None:
    Round.objects.filter(pk=built.rounds[6].pk).update(status="locked")
    with pytest.raises(Conflict):
        frameworks.framework_reopen(actor=SYSTEM, framework=built.framework)
    built.framework.refresh_from_db()
    assert built.framework.status == FrameworkStatus.PUBLISHED


def test_a_round_covers_the_fiscal_years_first_months(small_map: None) -> None:
    framework = framework_draft()
    round = frameworks.round_save(
        actor=SYSTEM, framework=framework, months=9, due_on=date(2026, 7, 15)
    )
    assert (round.period_start, round.period_end) == (
        date(2025, 10, 1),
        date(2026, 6, 30),
    )
    with pytest.raises(InvalidInput) as refused:
        frameworks.round_save(
            actor=SYSTEM, framework=framework, months=7, due_on=date(2026, 7, 15)
        )
    assert refused.value.field == "months"
    with pytest.raises(InvalidInput) as refused:
        frameworks.round_save(
            actor=SYSTEM, framework=framework, months=12, due_on=date(2026, 9, 1)
        )
    assert refused.value.field == "due_on"


def test_copying_last_year_keeps_the_tree_and_links_each_kpi_to_the_old_one(
    built: Built, district_admin: Any
) -> None:
    copy = frameworks.framework_copy(
        actor=district_admin, source=built.framework, fiscal_year=2570
    )
    assert copy.status == FrameworkStatus.DRAFT
    assert copy.copied_from == built.framework
    kpis = {kpi.code: kpi for kpi in Kpi.objects.filter(component__framework=copy)}
    assert set(kpis) == set(built.kpis)
    assert kpis["1.1"].previous_id == built.kpis["1.1"].pk
    assert kpis["1.3.1"].parent_id == kpis["1.3"].pk
    assert MilestoneItem.objects.filter(kpi=kpis["2.1"]).count() == 4
    rounds = {round.months: round for round in copy.rounds.all()}
    assert rounds[12].due_on == date(2027, 10, 15)
    assert rounds[12].period_end == date(2027, 9, 30)
    [event] = _events("framework.copy")
    assert after(event)["kpis"] == 6
    with pytest.raises(Conflict):
        frameworks.framework_copy(
            actor=district_admin, source=built.framework, fiscal_year=2570
        )


def test_kpi_fields_default_the_factor_from_the_unit(small_map: None) -> None:
    framework = framework_draft()
    component = frameworks.component_save(
        actor=SYSTEM,
        framework=framework,
        code="1",
        name_th="มิติ",
        name_en="",
        weight=D(100),
    )
    days = frameworks.kpi_save(
        actor=SYSTEM,
        component=component,
        fields=KpiFields(
            code="1.1",
            name_th="ระยะเวลา",
            weight=D(100),
            measure_unit="days",
            direction=Direction.LOWER,
            target_minimum=D(15),
            target_standard=D(10),
            target_advanced=D(5),
        ),
    )
    assert days.factor == D(1)
