"""The framework set-up pages end to end with the test client: the list,
creating and copying, the framework page with its weight sums, components,
KPIs, criteria, rounds, publishing and reopening; refusals re-render with 400
and the message on the field; frameworks outside the viewer's reach are 404;
buttons follow the matrix."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse as reverse_any
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.performance.choices import FrameworkStatus, KpiKind
from saduak.performance.models import Component, Framework, Kpi, MilestoneItem, Round

pytestmark = pytest.mark.django_db


def reverse(name: str, args: Any = None) -> str:
    """The Thai address (no prefix), whatever language an earlier test left
    active."""
    with translation.override("th"):
        return reverse_any(name, args=args)


YEAR = 2569
EN = "/en"


def url(name: str, *args: Any) -> str:
    return reverse(f"performance:{name}", args=args)


def en(name: str, *args: Any) -> str:
    return EN + url(name, *args)


@pytest.fixture
def hq(make_staff):
    return make_staff(Role.HQ_ADMIN, "hq")


@pytest.fixture
def hq_client(hq, client_for):
    return client_for(hq)


def create(client, unit="country", name="คำรับรองกรม", year=YEAR):
    return client.post(
        url("framework-create"),
        {
            "new-fiscal_year": year,
            "new-unit": unit,
            "new-name_th": name,
            "new-name_en": "Department agreement",
        },
    )


def framework_of(unit_level="country", unit_code="", year=YEAR) -> Framework:
    return Framework.objects.get(
        fiscal_year=year, unit_level=unit_level, unit_code=unit_code
    )


def add_component(client, framework, code, weight, name="ด้านผลการดำเนินงาน"):
    return client.post(
        url("component-add", framework.public_id),
        {
            "component-code": code,
            "component-name_th": name,
            "component-name_en": "",
            "component-weight": weight,
            "component-position": 0,
        },
    )


def kpi_data(**changes: Any) -> dict[str, Any]:
    data = {
        "code": "1.1",
        "position": 0,
        "name_th": "ร้อยละของคำขอที่พิจารณาเสร็จภายในกำหนด",
        "name_en": "Share of applications decided on time",
        "description_th": "",
        "description_en": "",
        "weight": "40",
        "parent": "",
        "owner": "",
        "collector": "",
        "kind": KpiKind.NUMERIC,
        "direction": "higher",
        "measure_unit": "percent",
        "numerator_label_th": "คำขอที่เสร็จภายในกำหนด",
        "numerator_label_en": "",
        "denominator_label_th": "คำขอทั้งหมด",
        "denominator_label_en": "",
        "factor": "100",
        "target_minimum": "70",
        "target_standard": "80",
        "target_advanced": "90",
        "origin": "typed",
        "source_key": "",
        "breakdown_level": "",
    }
    data.update(changes)
    return data


def add_kpi(client, framework, component_code, **changes):
    return client.post(
        url("kpi-new", framework.public_id, component_code), kpi_data(**changes)
    )


@pytest.fixture
def draft(hq_client) -> Framework:
    """The department's draft: component 1 (70) with KPI 1.1 (40) and
    component 2 (30) with nothing yet."""
    assert create(hq_client).status_code == 302
    framework = framework_of()
    assert add_component(hq_client, framework, "1", "70").status_code == 302
    assert add_component(hq_client, framework, "2", "30").status_code == 302
    assert add_kpi(hq_client, framework, "1").status_code == 302
    return framework


# --- The list, creating, copying -------------------------------------------------


def test_the_list_shows_the_years_frameworks_and_the_form_to_create_one(
    hq_client, draft
):
    response = hq_client.get(url("frameworks"), {"year": YEAR})
    assert response.status_code == 200
    page = response.content.decode()
    assert "คำรับรองกรม" in page
    assert 'name="new-name_th"' in page
    assert "ปีงบประมาณ 2569" in page


def test_hq_creates_a_framework_and_lands_on_its_page(hq_client, hq):
    response = create(hq_client)
    framework = framework_of()
    assert response.status_code == 302
    assert response["Location"] == url("framework", framework.public_id)
    assert framework.status == FrameworkStatus.DRAFT
    assert AuditEvent.objects.filter(action="framework.create", actor=hq).exists()


def test_a_framework_without_its_thai_name_is_refused_on_the_field(hq_client):
    response = create(hq_client, name="")
    assert response.status_code == 400
    assert response.context["form"].errors["name_th"]
    assert not Framework.objects.exists()


def test_a_second_framework_for_the_same_unit_and_year_is_refused(hq_client, draft):
    response = create(hq_client, name="อีกฉบับ")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Framework.objects.count() == 1


def test_a_district_administrator_creates_only_its_own_districts_framework(
    make_staff, client_for
):
    officer = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    page = officer.get(url("frameworks")).content.decode()
    assert 'value="5001"' in page
    assert 'value="5002"' not in page
    assert 'value="country"' not in page
    assert create(officer, unit="5002").status_code == 400
    assert create(officer, unit="5001", name="คำรับรองอำเภอ").status_code == 302
    assert framework_of("district", "5001").district_id == "5001"


def test_a_counter_officer_sees_no_form_to_create_a_framework(make_staff, client_for):
    officer = client_for(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    response = officer.get(url("frameworks"))
    assert response.status_code == 200
    assert 'name="new-name_th"' not in response.content.decode()


def test_last_years_framework_is_offered_for_copying_and_copied_as_a_draft(
    hq_client, draft
):
    page = hq_client.get(url("frameworks"), {"year": YEAR + 1}).content.decode()
    assert url("framework-copy", draft.public_id) in page
    response = hq_client.post(url("framework-copy", draft.public_id))
    copied = framework_of(year=YEAR + 1)
    assert response.status_code == 302
    assert response["Location"] == url("framework", copied.public_id)
    assert copied.copied_from == draft
    assert (
        Kpi.objects.get(component__framework=copied).previous.component.framework
        == draft
    )
    page = hq_client.get(url("frameworks"), {"year": YEAR + 1}).content.decode()
    assert url("framework-copy", draft.public_id) not in page


def test_copying_twice_into_the_same_year_says_why_and_copies_nothing(hq_client, draft):
    hq_client.post(url("framework-copy", draft.public_id))
    response = hq_client.post(url("framework-copy", draft.public_id), follow=True)
    assert Framework.objects.filter(fiscal_year=YEAR + 1).count() == 1
    assert response.redirect_chain[-1][0] == f"{url('frameworks')}?year={YEAR + 1}"
    refusal = list(response.context["messages"])[-1]
    assert refusal.level_tag == "error"
    assert str(YEAR + 1) in refusal.message


# --- Reach -------------------------------------------------------------------------


def test_a_framework_outside_the_viewers_reach_is_not_found(
    hq_client, make_staff, client_for
):
    create(hq_client, unit="1001", name="คำรับรองเขตพระนคร")
    framework = framework_of("district", "1001")
    officer = client_for(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    assert officer.get(url("framework", framework.public_id)).status_code == 404
    assert (
        officer.post(url("framework-publish", framework.public_id)).status_code == 404
    )
    assert officer.post(url("framework-copy", framework.public_id)).status_code == 404


def test_a_province_reads_the_departments_framework_without_any_button(
    draft, make_staff, client_for
):
    province = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    response = province.get(url("framework", draft.public_id))
    assert response.status_code == 200
    page = response.content.decode()
    assert "คำรับรองกรม" in page
    assert url("framework-publish", draft.public_id) not in page
    assert url("component-add", draft.public_id) not in page
    assert url("kpi-new", draft.public_id, "1") not in page
    kpi = Kpi.objects.get(code="1.1")
    page = province.get(url("kpi", kpi.public_id)).content.decode()
    assert url("kpi-edit", kpi.public_id) not in page
    assert province.post(url("framework-publish", draft.public_id)).status_code == 403


def test_an_unknown_framework_is_not_found(hq_client):
    missing = "00000000-0000-4000-8000-000000000000"
    assert hq_client.get(url("framework", missing)).status_code == 404
    assert hq_client.get(url("kpi", missing)).status_code == 404


# --- The framework page --------------------------------------------------------------


def test_the_framework_page_shows_each_sum_of_weights_that_is_off(hq_client, draft):
    response = hq_client.get(url("framework", draft.public_id))
    page = response.content.decode()
    assert response.status_code == 200
    assert "ผลรวมไม่ตรง" in page
    problems = response.context["problems"]
    assert len(problems) == 2
    assert any("40" in problem and "70" in problem for problem in problems)
    assert all(problem in page for problem in problems)
    assert response.context["blocks"][0].kpis_weight == Decimal("40")


def test_the_sub_kpis_sit_under_their_parent_with_their_sum(hq_client, draft):
    parent = Kpi.objects.get(code="1.1")
    add_kpi(
        hq_client, draft, "1", code="1.1.1", weight="15", parent=str(parent.public_id)
    )
    response = hq_client.get(url("framework", draft.public_id))
    nodes = response.context["blocks"][0].nodes
    assert [(node.kpi.code, node.depth) for node in nodes] == [("1.1", 0), ("1.1.1", 1)]
    assert nodes[0].children_weight == Decimal("15")
    assert "ps-depth-1" in response.content.decode()


def test_a_component_with_a_code_the_framework_has_is_refused(hq_client, draft):
    response = add_component(hq_client, draft, "1", "10")
    assert response.status_code == 400
    assert response.context["component_form"].errors["code"]
    assert Component.objects.filter(framework=draft).count() == 2


def test_a_component_weight_above_100_is_refused_on_the_field(hq_client, draft):
    response = add_component(hq_client, draft, "3", "120")
    assert response.status_code == 400
    assert response.context["component_form"].errors["weight"]


def test_a_components_weight_is_changed_on_its_page(hq_client, draft):
    page = url("component", draft.public_id, "2")
    assert hq_client.get(page).status_code == 200
    response = hq_client.post(
        page,
        {
            "code": "ignored",
            "name_th": "ด้านศักยภาพ",
            "name_en": "",
            "weight": "25",
            "position": 1,
        },
    )
    assert response.status_code == 302
    component = Component.objects.get(framework=draft, code="2")
    assert component.weight == Decimal("25")
    assert component.name_th == "ด้านศักยภาพ"


def test_a_component_is_removed_with_its_kpis(hq_client, draft):
    response = hq_client.post(url("component-remove", draft.public_id, "1"))
    assert response.status_code == 302
    assert not Kpi.objects.filter(component__framework=draft).exists()


def test_publishing_lists_every_problem_and_changes_nothing(hq_client, draft):
    response = hq_client.post(url("framework-publish", draft.public_id))
    assert response.status_code == 400
    problems = response.context["publish_problems"]
    assert len(problems) >= 2
    assert "publish-problems-title" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.DRAFT
    assert not AuditEvent.objects.filter(action="framework.publish").exists()


def test_a_framework_whose_weights_add_up_is_published_and_reopened(hq_client, draft):
    add_kpi(hq_client, draft, "1", code="1.2", weight="30")
    add_kpi(hq_client, draft, "2", code="2.1", weight="30")
    page = hq_client.get(url("framework", draft.public_id))
    assert page.context["problems"] == []
    response = hq_client.post(url("framework-publish", draft.public_id))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.PUBLISHED
    page = hq_client.get(url("framework", draft.public_id)).content.decode()
    assert url("framework-reopen", draft.public_id) in page
    assert url("component-add", draft.public_id) not in page
    assert hq_client.post(url("framework-reopen", draft.public_id)).status_code == 302
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.DRAFT


def test_the_framework_is_renamed(hq_client, draft):
    response = hq_client.post(
        url("framework-rename", draft.public_id),
        {"name-name_th": "คำรับรองการปฏิบัติราชการ", "name-name_en": "Agreement"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name_th == "คำรับรองการปฏิบัติราชการ"


# --- KPIs ----------------------------------------------------------------------------


def test_unordered_targets_are_refused_on_the_field_in_thai(hq_client, draft):
    response = add_kpi(
        hq_client, draft, "1", code="1.2", weight="30", target_standard="60"
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "target_standard" in errors
    assert not Kpi.objects.filter(code="1.2").exists()


def test_lower_is_better_targets_must_fall(hq_client, draft):
    response = add_kpi(
        hq_client,
        draft,
        "2",
        code="2.1",
        weight="30",
        direction="lower",
        measure_unit="days",
        factor="",
        target_minimum="10",
        target_standard="7",
        target_advanced="5",
    )
    assert response.status_code == 302
    kpi = Kpi.objects.get(code="2.1")
    assert kpi.factor == Decimal(1)
    response = hq_client.post(
        url("kpi-edit", kpi.public_id),
        kpi_data(
            code="2.1",
            weight="30",
            direction="lower",
            measure_unit="days",
            target_minimum="5",
            target_standard="7",
            target_advanced="10",
        ),
    )
    assert response.status_code == 400
    assert "target_standard" in response.context["form"].errors


def test_a_numeric_kpi_without_its_targets_is_refused_on_the_missing_one(
    hq_client, draft
):
    response = add_kpi(
        hq_client, draft, "1", code="1.2", weight="30", target_advanced=""
    )
    assert response.status_code == 400
    assert "target_advanced" in response.context["form"].errors


def test_a_kpi_without_a_name_is_refused_with_its_message_in_english(hq_client, draft):
    response = hq_client.post(
        en("kpi-new", draft.public_id, "1"), kpi_data(code="1.2", name_th="")
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_the_owner_is_picked_from_staff_of_the_unit_with_role_and_office(
    hq_client, hq, make_staff, make_user
):
    create(hq_client, unit="50", name="คำรับรองจังหวัดเชียงใหม่")
    framework = framework_of("province", "50")
    add_component(hq_client, framework, "1", "100")
    inside = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    outside = make_staff(Role.DISTRICT_ADMIN, "do-1001")
    response = hq_client.get(url("kpi-new", framework.public_id, "1"))
    choices = dict(response.context["form"].fields["owner"].choices)
    assert str(inside.pk) in choices
    assert str(outside.pk) not in choices
    assert "do-5001" not in choices[str(inside.pk)]
    assert inside.full_name in choices[str(inside.pk)]
    response = add_kpi(
        hq_client,
        framework,
        "1",
        weight="100",
        owner=str(inside.pk),
        collector=str(outside.pk),
    )
    assert response.status_code == 400
    assert "collector" in response.context["form"].errors
    response = add_kpi(
        hq_client,
        framework,
        "1",
        weight="100",
        owner=str(inside.pk),
        collector=str(inside.pk),
    )
    assert response.status_code == 302
    kpi = Kpi.objects.get(component__framework=framework)
    assert kpi.owner == inside
    page = hq_client.get(url("kpi", kpi.public_id)).content.decode()
    assert inside.full_name in page


def test_a_computed_kpi_picks_its_source_among_the_registered_ones(hq_client, draft):
    from saduak.core.measures import Measured, MeasureSource, measure_source_register

    measure_source_register(
        MeasureSource(
            key="tests.served",
            label="ผู้รับบริการ",
            description="จำนวนผู้รับบริการที่หน่วยบริการเคลื่อนที่",
            numerator_label="ผู้รับบริการ",
            denominator_label=None,
            measure_unit="count",
            compute=lambda scope: Measured(Decimal(1)),
        )
    )
    form_page = hq_client.get(url("kpi-new", draft.public_id, "2")).content.decode()
    assert "จำนวนผู้รับบริการที่หน่วยบริการเคลื่อนที่" in form_page
    response = add_kpi(
        hq_client,
        draft,
        "2",
        code="2.1",
        weight="30",
        measure_unit="count",
        origin="computed",
        source_key="tests.served",
        target_minimum="100",
        target_standard="200",
        target_advanced="300",
    )
    assert response.status_code == 302
    kpi = Kpi.objects.get(code="2.1")
    assert kpi.source_key == "tests.served"
    page = hq_client.get(url("kpi", kpi.public_id)).content.decode()
    assert "จำนวนผู้รับบริการที่หน่วยบริการเคลื่อนที่" in page
    response = add_kpi(
        hq_client, draft, "2", code="2.2", weight="5", origin="computed", source_key=""
    )
    assert response.status_code == 400
    assert "source_key" in response.context["form"].errors


def test_a_milestone_kpis_criteria_are_saved_per_level(hq_client, draft):
    response = add_kpi(
        hq_client,
        draft,
        "2",
        code="2.1",
        weight="30",
        kind="milestone",
        target_minimum="",
        target_standard="",
        target_advanced="",
    )
    assert response.status_code == 302
    kpi = Kpi.objects.get(code="2.1")
    page = hq_client.get(url("kpi", kpi.public_id))
    assert page.status_code == 200
    response = hq_client.post(
        url("kpi-milestones", kpi.public_id),
        {
            "level_1_th": "มีแผนพัฒนาองค์กร\nแต่งตั้งคณะทำงาน",
            "level_1_en": "A development plan",
            "level_2_th": "ดำเนินการตามแผนครบทุกกิจกรรม",
            "level_2_en": "",
            "level_3_th": "ประเมินผลและปรับปรุง",
            "level_3_en": "",
        },
    )
    assert response.status_code == 302
    items = list(MilestoneItem.objects.filter(kpi=kpi).order_by("level", "position"))
    assert [(item.level, item.text_th) for item in items] == [
        (1, "มีแผนพัฒนาองค์กร"),
        (1, "แต่งตั้งคณะทำงาน"),
        (2, "ดำเนินการตามแผนครบทุกกิจกรรม"),
        (3, "ประเมินผลและปรับปรุง"),
    ]
    assert items[0].text_en == "A development plan"
    page = hq_client.get(url("kpi", kpi.public_id)).content.decode()
    assert "แต่งตั้งคณะทำงาน" in page


def test_more_english_criteria_than_thai_ones_are_refused(hq_client, draft):
    add_kpi(hq_client, draft, "2", code="2.1", weight="30", kind="milestone")
    kpi = Kpi.objects.get(code="2.1")
    response = hq_client.post(
        url("kpi-milestones", kpi.public_id),
        {"level_1_th": "หนึ่ง", "level_1_en": "one\ntwo"},
    )
    assert response.status_code == 400
    assert "level_1_en" in response.context["milestone_form"].errors
    assert not MilestoneItem.objects.exists()


def test_a_kpi_is_removed(hq_client, draft):
    kpi = Kpi.objects.get(code="1.1")
    response = hq_client.post(url("kpi-remove", kpi.public_id))
    assert response.status_code == 302
    assert response["Location"] == url("framework", draft.public_id)
    assert not Kpi.objects.exists()


# --- Rounds --------------------------------------------------------------------------


def test_a_round_is_added_and_its_due_date_changed(hq_client, draft):
    response = hq_client.post(
        url("round-add", draft.public_id),
        {"round-months": 6, "round-due_on": "2026-04-15"},
    )
    assert response.status_code == 302
    round = Round.objects.get(framework=draft)
    assert (round.period_start, round.period_end) == (
        date(2025, 10, 1),
        date(2026, 3, 31),
    )
    page = url("round", draft.public_id, 6)
    assert hq_client.get(page).status_code == 200
    assert hq_client.post(page, {"due_on": "2026-04-30"}).status_code == 302
    round.refresh_from_db()
    assert round.due_on == date(2026, 4, 30)
    assert hq_client.get(url("round", draft.public_id, 9)).status_code == 404


def test_a_round_due_before_its_last_day_is_refused_on_the_field(hq_client, draft):
    response = hq_client.post(
        url("round-add", draft.public_id),
        {"round-months": 6, "round-due_on": "2026-03-01"},
    )
    assert response.status_code == 400
    assert "due_on" in response.context["round_form"].errors
    assert not Round.objects.exists()


def test_a_round_of_five_months_is_refused(hq_client, draft):
    response = hq_client.post(
        url("round-add", draft.public_id),
        {"round-months": 5, "round-due_on": "2026-04-15"},
    )
    assert response.status_code == 400
    assert "months" in response.context["round_form"].errors


# --- The staff home ------------------------------------------------------------------


def test_the_staff_home_has_the_frameworks_tile(hq_client, draft, settings):
    response = hq_client.get(reverse("areas:staff-home"))
    page = response.content.decode()
    assert url("frameworks") in page


def test_a_published_framework_links_to_its_results_and_reports(hq_client, draft):
    add_kpi(hq_client, draft, "1", code="1.2", weight="30")
    add_kpi(hq_client, draft, "2", code="2.1", weight="30")
    hq_client.post(
        url("round-add", draft.public_id),
        {"round-months": 6, "round-due_on": "2026-04-15"},
    )
    page = hq_client.get(url("framework", draft.public_id)).content.decode()
    results = reverse("performance-results:round", args=[draft.public_id, 6])
    dashboard = reverse("performance-reports:dashboard", args=[draft.public_id])
    assert results not in page
    assert dashboard not in page
    hq_client.post(url("framework-publish", draft.public_id))
    page = hq_client.get(url("framework", draft.public_id)).content.decode()
    assert results in page
    assert dashboard in page
    assert reverse("performance-reports:framework-pdf", args=[draft.public_id]) in page
    kpi = Kpi.objects.get(code="1.1")
    page = hq_client.get(url("kpi", kpi.public_id)).content.decode()
    assert reverse("performance-results:result", args=[kpi.public_id, 6]) in page
    assert reverse("performance-reports:kpi-pdf", args=[kpi.public_id]) in page
