"""The result pages end to end with the test client: a round's results, a
KPI's result entry (figures, checklist, breakdown, evidence, recompute),
HQ's lock and unlock; refusals re-render with the message on the field and
nothing saved; 404 outside the viewer's reach; 403 for a role without the
right; the KPI's owner records without the matrix role."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.performance.choices import BreakdownLevel, RoundStatus
from saduak.performance.models import (
    BreakdownRow,
    KpiResult,
    MilestoneCheck,
    ResultEvidence,
)
from saduak.performance.tests.results_setup import (
    department_framework,
    province_framework,
)

pytestmark = pytest.mark.django_db

PDF = one_page_pdf(b"% the working group's appointment order " * 40)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """A private storage of this test's own, no antivirus, the dev key."""
    root = tmp_path / "private"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    settings.CLAMD_ADDRESS = ""
    settings.ESERVICES_MASTER_KEYS = ""
    return root


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def owner(make_staff):
    """A counter officer named as the owner of KPIs 1.1 and 2.1."""
    return make_staff(Role.COUNTER_OFFICER, "reg-5001")


@pytest.fixture
def setup(owner):
    return department_framework(owner=owner)


@pytest.fixture
def hq(make_staff):
    return make_staff(Role.HQ_ADMIN, "hq")


def round_url(setup, name="round"):
    return reverse(
        f"performance-results:{name}",
        args=[setup.framework.public_id, setup.round.months],
    )


def result_url(kpi, months=6, name="result"):
    return reverse(f"performance-results:{name}", args=[kpi.public_id, months])


def events(action):
    return list(AuditEvent.objects.filter(action=action))


# --- The round page -------------------------------------------------------


def test_the_round_page_lists_every_kpi_with_who_reports_it_and_its_status(
    setup, owner, client_for
):
    response = client_for(owner).get(round_url(setup))
    assert response.status_code == 200
    text = response.content.decode()
    for kpi in (setup.approvals, setup.waiting, setup.plan, setup.served):
        assert kpi.name_en in text
    assert owner.full_name in text
    assert "Not reported" in text
    assert "weight 100 not reported yet" in text
    mine = response.context["mine"]
    assert [row.kpi.code for row in mine] == ["1.1", "2.1"]


def test_the_round_page_speaks_thai_without_a_prefix(setup, owner, client_for):
    with translation.override("th"):
        url = round_url(setup)
    response = client_for(owner).get(url)
    assert response.status_code == 200
    assert "ยังไม่รายงาน" in response.content.decode()


def test_a_province_framework_is_404_for_staff_of_another_province(
    client_for, make_staff
):
    other = province_framework("50")
    outsider = make_staff(Role.PROVINCIAL_STAFF, "pao-10")
    client = client_for(outsider)
    url = reverse("performance-results:round", args=[other.framework.public_id, 6])
    assert client.get(url).status_code == 404
    assert client.get(result_url(other.kpi)).status_code == 404


def test_a_round_that_does_not_exist_is_404(setup, owner, client_for):
    url = reverse("performance-results:round", args=[setup.framework.public_id, 9])
    assert client_for(owner).get(url).status_code == 404


# --- Figures ----------------------------------------------------------------


def test_the_owner_records_a_numeric_result_without_the_matrix_role(
    setup, owner, client_for
):
    client = client_for(owner)
    page = client.get(result_url(setup.approvals))
    assert "Applications approved on time" in page.content.decode()
    assert "All applications" in page.content.decode()
    response = client.post(
        result_url(setup.approvals),
        {
            "numerator": "๑,๗๐๐",
            "denominator": "2000",
            "measures": "Weekly follow-up of late applications",
            "factors": "",
            "obstacles": "Two officers on leave",
            "note": "",
        },
    )
    assert response.status_code == 302
    result = KpiResult.objects.get(kpi=setup.approvals, round=setup.round)
    assert result.numerator == Decimal(1700)
    assert result.value == Decimal(85)
    assert result.score == Decimal(75)
    assert result.obstacles == "Two officers on leave"
    event = events("kpi_result.record")[0]
    assert event.actor == owner
    page = client.get(result_url(setup.approvals)).content.decode()
    assert "75.00" in page


def test_a_days_kpi_asks_for_the_value_alone(setup, hq, client_for):
    client = client_for(hq)
    form = client.get(result_url(setup.waiting)).context["result_form"]
    assert "denominator" not in form.fields
    response = client.post(result_url(setup.waiting), {"numerator": "6"})
    assert response.status_code == 302
    result = KpiResult.objects.get(kpi=setup.waiting)
    assert result.value == Decimal(6)
    assert result.score is not None and result.score > Decimal(75)


def test_a_denominator_of_zero_is_refused_on_its_field_and_nothing_is_saved(
    setup, owner, client_for
):
    response = client_for(owner).post(
        result_url(setup.approvals), {"numerator": "10", "denominator": "0"}
    )
    assert response.status_code == 400
    assert response.context["result_form"].errors["denominator"]
    assert not KpiResult.objects.filter(kpi=setup.approvals, entered_at__isnull=False)
    assert events("kpi_result.record") == []


def test_letters_for_a_figure_are_refused_in_thai(setup, owner, client_for):
    with translation.override("th"):
        url = result_url(setup.approvals)
    response = client_for(owner).post(url, {"numerator": "abc", "denominator": "1"})
    assert response.status_code == 400
    assert "พิมพ์เป็นตัวเลข" in response.content.decode()
    assert not KpiResult.objects.filter(kpi=setup.approvals).exists()


def test_a_counter_officer_not_named_on_the_kpi_is_refused(
    setup, client_for, make_staff
):
    stranger = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    client = client_for(stranger)
    page = client.get(result_url(setup.waiting))
    assert page.status_code == 200
    assert page.context["may_record"] is False
    response = client.post(result_url(setup.waiting), {"numerator": "6"})
    assert response.status_code == 403
    assert not KpiResult.objects.filter(kpi=setup.waiting).exists()


# --- Milestones -------------------------------------------------------------


def milestone_post(items, met, level, **texts):
    data = {"level_claimed": str(level), **texts}
    for item in items:
        if item.pk in met:
            data[f"met_{item.pk}"] = "on"
            data[f"evidence_{item.pk}"] = f"Order no. {item.pk}/2569"
    return data


def test_the_owner_records_a_milestone_checklist_and_its_level(
    setup, owner, client_for
):
    level_one = [item.pk for item in setup.items if item.level == 1]
    response = client_for(owner).post(
        result_url(setup.plan),
        milestone_post(setup.items, level_one, 1, measures="Working group met"),
    )
    assert response.status_code == 302
    result = KpiResult.objects.get(kpi=setup.plan)
    assert result.level_claimed == 1
    assert result.level_reached == 1
    assert result.score == Decimal(50)
    assert MilestoneCheck.objects.filter(result=result, met=True).count() == 2
    assert len(events("milestone_check.save")) == 2


def test_a_level_claimed_without_its_lower_levels_is_refused_and_nothing_saved(
    setup, owner, client_for
):
    only_level_two = [item.pk for item in setup.items if item.level == 2]
    response = client_for(owner).post(
        result_url(setup.plan), milestone_post(setup.items, only_level_two, 2)
    )
    assert response.status_code == 400
    errors = response.context["result_form"].errors["level_claimed"]
    assert "level 1" in errors[0]
    assert not MilestoneCheck.objects.exists()
    assert events("milestone_check.save") == []


# --- Evidence ---------------------------------------------------------------


def test_evidence_is_added_downloaded_by_a_reader_and_removed(
    setup, owner, client_for, make_staff
):
    client = client_for(owner)
    item = setup.items[0]
    response = client.post(
        result_url(setup.plan, name="evidence-add"),
        {
            "upload": SimpleUploadedFile("order.pdf", PDF, "application/pdf"),
            "description": "Appointment order",
            "item": str(item.pk),
        },
    )
    assert response.status_code == 302
    evidence = ResultEvidence.objects.get()
    assert evidence.item == item
    assert events("evidence.add")
    download = client_for(make_staff(Role.HQ_ADMIN, "hq")).get(
        reverse("performance-results:evidence", args=[evidence.public_id])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    removed = client.post(
        reverse("performance-results:evidence-remove", args=[evidence.public_id])
    )
    assert removed.status_code == 302
    assert not ResultEvidence.objects.exists()
    assert events("evidence.remove")


def test_a_file_that_is_not_evidence_is_refused_on_the_field(setup, owner, client_for):
    response = client_for(owner).post(
        result_url(setup.plan, name="evidence-add"),
        {"upload": SimpleUploadedFile("run.exe", b"MZ\x90\x00" * 100)},
    )
    assert response.status_code == 400
    assert response.context["evidence_form"].errors["upload"]
    assert not ResultEvidence.objects.exists()


def test_evidence_of_a_framework_outside_reach_is_404(client_for, make_staff, citizen):
    province = province_framework("50")
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    client_for(staff).post(
        result_url(province.kpi, name="evidence-add"),
        {"upload": SimpleUploadedFile("order.pdf", PDF, "application/pdf")},
    )
    evidence = ResultEvidence.objects.get()
    outsider = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-10"))
    url = reverse("performance-results:evidence", args=[evidence.public_id])
    assert outsider.get(url).status_code == 404
    assert client_for(citizen).get(url).status_code == 404


# --- Breakdown --------------------------------------------------------------


def breakdown_post(rows, extra=2):
    data = {
        "rows-TOTAL_FORMS": str(len(rows) + extra),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "2000",
    }
    for index, (unit, numerator, denominator) in enumerate(rows):
        data[f"rows-{index}-unit"] = unit
        data[f"rows-{index}-numerator"] = numerator
        data[f"rows-{index}-denominator"] = denominator
    return data


def test_a_province_types_its_districts_rows_and_the_result_takes_the_sums(
    client_for, make_staff
):
    province = province_framework("50")
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    client = client_for(staff)
    page = client.get(result_url(province.kpi))
    choices = dict(page.context["breakdown_formset"].forms[0].fields["unit"].choices)
    assert set(choices) - {""} == {"5001", "5002"}
    response = client.post(
        result_url(province.kpi, name="breakdown"),
        breakdown_post([("5001", "30", "40"), ("5002", "20", "20")]),
    )
    assert response.status_code == 302
    result = KpiResult.objects.get(kpi=province.kpi)
    assert (result.numerator, result.denominator) == (Decimal(50), Decimal(60))
    assert BreakdownRow.objects.filter(result=result).count() == 2
    assert events("breakdown.save")


def test_a_breakdown_that_does_not_add_up_is_refused_with_both_totals(
    client_for, make_staff
):
    province = province_framework("50")
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    client = client_for(staff)
    client.post(result_url(province.kpi), {"numerator": "50", "denominator": "60"})
    response = client.post(
        result_url(province.kpi, name="breakdown"),
        breakdown_post([("5001", "30", "40"), ("5002", "10", "20")]),
    )
    assert response.status_code == 400
    message = response.context["breakdown_error"]
    assert "40" in message and "50" in message
    assert not BreakdownRow.objects.exists()
    assert events("breakdown.save") == []


def test_a_unit_twice_in_the_table_is_refused_on_the_row(client_for, make_staff):
    province = province_framework("50")
    client = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    response = client.post(
        result_url(province.kpi, name="breakdown"),
        breakdown_post([("5001", "30", "40"), ("5001", "20", "20")]),
    )
    assert response.status_code == 400
    formset = response.context["breakdown_formset"]
    assert formset.forms[1].errors["unit"]
    assert not BreakdownRow.objects.exists()


def test_a_province_reads_only_its_own_rows_of_the_department_kpi(
    setup, hq, client_for, make_staff
):
    hq_client = client_for(hq)
    saved = hq_client.post(
        result_url(setup.approvals, name="breakdown"),
        breakdown_post([("10", "900", "1000"), ("50", "800", "1000")]),
    )
    assert saved.status_code == 302
    province = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    page = province.get(result_url(setup.approvals))
    rows = page.context["breakdown_rows"]
    assert [row.province_id for row in rows] == ["50"]
    assert page.context["breakdown_partial"] is True
    assert page.context["breakdown_editable"] is False
    assert b'name="rows-TOTAL_FORMS"' not in page.content


def test_rows_the_owner_does_not_read_are_kept_when_the_owner_saves_the_table(
    setup, hq, owner, client_for
):
    client_for(hq).post(
        result_url(setup.approvals, name="breakdown"),
        breakdown_post([("10", "900", "1000"), ("50", "800", "1000")]),
    )
    owner_client = client_for(owner)
    assert owner_client.get(result_url(setup.approvals)).context["breakdown_rows"] == []
    # The owner (reading only their own office) saves the table with no rows
    # of their own: the provinces' rows stay as they were.
    response = owner_client.post(
        result_url(setup.approvals, name="breakdown"), breakdown_post([])
    )
    assert response.status_code == 302
    assert sorted(BreakdownRow.objects.values_list("province_id", "numerator")) == [
        ("10", Decimal(900)),
        ("50", Decimal(800)),
    ]


# --- Computed KPIs ----------------------------------------------------------


def test_hq_recomputes_a_computed_kpi_from_its_source(setup, hq, client_for):
    client = client_for(hq)
    page = client.get(result_url(setup.served)).content.decode()
    assert "ร้อยละคำขอที่ให้บริการทันเวลา (ทดสอบ)" in page
    response = client.post(result_url(setup.served, name="compute"))
    assert response.status_code == 302
    result = KpiResult.objects.get(kpi=setup.served)
    assert result.value == Decimal(90)
    assert result.score == Decimal(100)
    steps = client.get(result_url(setup.served)).context["steps"]
    assert steps


# --- Lock and unlock --------------------------------------------------------


def test_hq_locks_the_round_and_results_are_refused_with_the_reason(
    setup, hq, owner, client_for
):
    response = client_for(hq).post(round_url(setup, "lock"))
    assert response.status_code == 302
    setup.round.refresh_from_db()
    assert setup.round.status == RoundStatus.LOCKED
    owner_client = client_for(owner)
    page = owner_client.get(result_url(setup.approvals))
    assert "This round is locked." in page.content.decode()
    assert b'name="numerator"' not in page.content
    refused = owner_client.post(
        result_url(setup.approvals), {"numerator": "10", "denominator": "20"}
    )
    assert refused.status_code == 409
    assert refused.context["result_form"].errors
    assert not KpiResult.objects.filter(kpi=setup.approvals, entered_at__isnull=False)


def test_only_hq_locks_a_round(setup, client_for, make_staff):
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    client = client_for(province)
    assert client.get(round_url(setup)).context["may_lock"] is False
    assert client.post(round_url(setup, "lock")).status_code == 403
    setup.round.refresh_from_db()
    assert setup.round.status == RoundStatus.OPEN


def test_an_unlock_needs_a_reason_which_is_shown_and_audited(setup, hq, client_for):
    client = client_for(hq)
    client.post(round_url(setup, "lock"))
    short = client.post(round_url(setup, "unlock"), {"unlock-reason": "typo"})
    assert short.status_code == 400
    assert short.context["unlock_form"].errors["reason"]
    setup.round.refresh_from_db()
    assert setup.round.status == RoundStatus.LOCKED
    reason = "Chiang Mai sent corrected figures for KPI 1.1"
    response = client.post(round_url(setup, "unlock"), {"unlock-reason": reason})
    assert response.status_code == 302
    setup.round.refresh_from_db()
    assert setup.round.status == RoundStatus.OPEN
    assert reason in client.get(round_url(setup)).content.decode()
    assert events("round.unlock")[0].after["reason"] == reason


def test_a_facility_keeps_its_district_when_the_table_is_saved_again(
    client_for, make_staff
):
    from saduak.performance.services.breakdown import BreakdownInput, breakdown_save

    province = province_framework("50")
    province.kpi.breakdown_level = BreakdownLevel.FACILITY
    province.kpi.save(update_fields=["breakdown_level"])
    staff = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    client = client_for(staff)
    client.post(result_url(province.kpi), {"numerator": "50", "denominator": "60"})
    result = KpiResult.objects.get(kpi=province.kpi)
    breakdown_save(
        actor=staff,
        result=result,
        rows=[
            BreakdownInput(
                label="รพ.สต. บ้านใหม่",
                district_code="5001",
                numerator=Decimal(30),
                denominator=Decimal(40),
            ),
            BreakdownInput(
                label="รพ.สต. ดอนแก้ว",
                district_code="5002",
                numerator=Decimal(20),
                denominator=Decimal(20),
            ),
        ],
    )
    data = {
        "rows-TOTAL_FORMS": "2",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "2000",
        "rows-0-label": "รพ.สต. บ้านใหม่",
        "rows-0-numerator": "25",
        "rows-0-denominator": "35",
        "rows-1-label": "รพ.สต. ดอนแก้ว",
        "rows-1-numerator": "25",
        "rows-1-denominator": "25",
    }
    response = client.post(result_url(province.kpi, name="breakdown"), data)
    assert response.status_code == 302
    rows = BreakdownRow.objects.filter(result=result).order_by("district_id")
    assert [(row.label, row.district_id, row.numerator) for row in rows] == [
        ("รพ.สต. บ้านใหม่", "5001", Decimal(25)),
        ("รพ.สต. ดอนแก้ว", "5002", Decimal(25)),
    ]
