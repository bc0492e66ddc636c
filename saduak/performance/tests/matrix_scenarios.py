"""The performance services, for the role x action walk
(tests/test_role_matrix.py). Every framework is district 5001's (seated at
`do-5001`): its district's administrator, its province's staff and HQ set it
up and report; only HQ locks rounds and records PMQA."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action
from saduak.accounts.tests.matrix_walk import Scenario
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.performance.choices import BreakdownLevel, UnitLevel
from saduak.performance.models import (
    BreakdownImport,
    BreakdownRow,
    Component,
    Framework,
    Kpi,
    KpiResult,
    MilestoneCheck,
    MilestoneItem,
    PmqaAgencyAverage,
    PmqaScore,
    ResultEvidence,
    Round,
)
from saduak.performance.selectors.results import result_get_or_new
from saduak.performance.services import (
    evidence,
    frameworks,
    imports,
    pmqa,
    results,
    rounds,
)
from saduak.performance.services.computed import result_compute, round_compute
from saduak.performance.tests.factories import (
    SYSTEM,
    Built,
    computed_framework,
    framework_built,
    framework_draft,
    numeric,
    pmqa_recorded,
)

OFFICE = "do-5001"
# Chiang Mai's own framework is set up and reported by its province and HQ.
PROVINCE_ROLES = frozenset({Role.PROVINCIAL_STAFF, Role.HQ_ADMIN})


def _map(request: Any) -> None:
    request.getfixturevalue("small_map")


def _draft(request: Any) -> Framework:
    _map(request)
    return framework_draft()


def _draft_with_component(request: Any) -> Component:
    framework = _draft(request)
    return frameworks.component_save(
        actor=SYSTEM,
        framework=framework,
        code="1",
        name_th="มิติ",
        name_en="",
        weight=Decimal(100),
    )


def _built(request: Any) -> Built:
    _map(request)
    return framework_built()


def _built_draft(request: Any) -> Built:
    _map(request)
    return framework_built(publish=False)


def _by_office(request: Any) -> Built:
    _map(request)
    return framework_built(breakdown_level=BreakdownLevel.OFFICE)


def _locked(request: Any) -> Built:
    built = _built(request)
    rounds.round_lock(actor=SYSTEM, round=built.rounds[6])
    return built


def _computed(request: Any) -> Built:
    _map(request)
    pmqa_recorded()
    return computed_framework()


def _with_evidence(request: Any) -> ResultEvidence:
    built = _built(request)
    return evidence.evidence_add(
        actor=SYSTEM,
        result=result_get_or_new(built.kpis["1.1"], built.rounds[6]),
        upload=SimpleUploadedFile("plan.pdf", one_page_pdf(), "application/pdf"),
    )


def _province(request: Any) -> Built:
    _map(request)
    return framework_built(
        unit_level=UnitLevel.PROVINCE,
        unit_code="50",
        breakdown_level=BreakdownLevel.DISTRICT,
    )


def _district_file() -> SimpleUploadedFile:
    text = "อำเภอ,จังหวัด,ตัวตั้ง,ตัวหาร\nอ.เมือง,จ.เชียงใหม่,30,40\n"
    return SimpleUploadedFile("ผลงาน.csv", text.encode())


def _read(request: Any) -> BreakdownImport:
    built = _province(request)
    return imports.breakdown_import_read(
        actor=SYSTEM,
        result=result_get_or_new(built.kpis["1.1"], built.rounds[6]),
        upload=_district_file(),
    )


def _import_state(_ctx: Any) -> tuple[Any, ...]:
    return (
        list(BreakdownImport.objects.values_list("status", flat=True)),
        BreakdownRow.objects.count(),
    )


def _framework_state(framework: Framework) -> tuple[Any, ...]:
    fresh = Framework.objects.get(pk=framework.pk)
    return (fresh.status, fresh.name_th, Framework.objects.count())


def _tree_state(built: Any) -> tuple[Any, ...]:
    return (
        Component.objects.count(),
        list(Kpi.objects.order_by("pk").values_list("code", "weight")),
        list(MilestoneItem.objects.order_by("pk").values_list("level", "text_th")),
        Round.objects.count(),
    )


def _results_state(built: Any) -> tuple[Any, ...]:
    return (
        list(
            KpiResult.objects.order_by("pk").values_list(
                "numerator", "denominator", "score", "level_claimed"
            )
        ),
        BreakdownRow.objects.count(),
        list(MilestoneCheck.objects.values_list("met", flat=True)),
        ResultEvidence.objects.count(),
        list(Round.objects.order_by("pk").values_list("status", "unlock_reason")),
    )


def _pmqa_state(_ctx: Any) -> tuple[Any, ...]:
    return (
        list(PmqaScore.objects.values_list("self_score", "assessor_score")),
        list(PmqaAgencyAverage.objects.values_list("average", flat=True)),
    )


def _scenario(
    action: Action,
    name: str,
    setup: Any,
    act: Any,
    state: Any,
    roles: frozenset[Role] | None = None,
) -> Scenario:
    return Scenario(action, name, OFFICE, setup, act, state, roles)


SCENARIOS = [
    _scenario(
        Action.FRAMEWORK_EDIT,
        "framework_create",
        _map,
        lambda actor, ctx, r: frameworks.framework_create(
            actor=actor,
            fiscal_year=2569,
            unit_level=UnitLevel.DISTRICT,
            unit_code="5001",
            name_th="กรอบการประเมิน",
        ),
        lambda ctx: Framework.objects.count(),
    ),
    _scenario(
        Action.FRAMEWORK_EDIT,
        "framework_update",
        _draft,
        lambda actor, framework, r: frameworks.framework_update(
            actor=actor, framework=framework, name_th="ชื่อใหม่", name_en="New"
        ),
        _framework_state,
    ),
    _scenario(
        Action.FRAMEWORK_EDIT,
        "framework_copy",
        _built,
        lambda actor, built, r: frameworks.framework_copy(
            actor=actor, source=built.framework, fiscal_year=2570
        ),
        lambda built: Framework.objects.count(),
    ),
    _scenario(
        Action.FRAMEWORK_PUBLISH,
        "framework_publish",
        _built_draft,
        lambda actor, built, r: frameworks.framework_publish(
            actor=actor, framework=built.framework
        ),
        lambda built: _framework_state(built.framework),
    ),
    _scenario(
        Action.FRAMEWORK_PUBLISH,
        "framework_reopen",
        _built,
        lambda actor, built, r: frameworks.framework_reopen(
            actor=actor, framework=built.framework
        ),
        lambda built: _framework_state(built.framework),
    ),
    _scenario(
        Action.FRAMEWORK_EDIT,
        "component_save",
        _draft,
        lambda actor, framework, r: frameworks.component_save(
            actor=actor,
            framework=framework,
            code="1",
            name_th="มิติ",
            name_en="",
            weight=Decimal(100),
        ),
        _tree_state,
    ),
    _scenario(
        Action.FRAMEWORK_EDIT,
        "component_remove",
        _draft_with_component,
        lambda actor, component, r: frameworks.component_remove(
            actor=actor, component=component
        ),
        _tree_state,
    ),
    _scenario(
        Action.FRAMEWORK_EDIT,
        "kpi_save",
        _draft_with_component,
        lambda actor, component, r: frameworks.kpi_save(
            actor=actor, component=component, fields=numeric("1.1", "100")
        ),
        _tree_state,
    ),
    _scenario(
        Action.FRAMEWORK_EDIT,
        "kpi_remove",
        _built_draft,
        lambda actor, built, r: frameworks.kpi_remove(
            actor=actor, kpi=built.kpis["1.1"]
        ),
        _tree_state,
    ),
    _scenario(
        Action.FRAMEWORK_EDIT,
        "milestone_items_save",
        _built_draft,
        lambda actor, built, r: frameworks.milestone_items_save(
            actor=actor,
            kpi=built.kpis["2.1"],
            items=[frameworks.MilestoneItemFields(1, "เกณฑ์ใหม่")],
        ),
        _tree_state,
    ),
    _scenario(
        Action.FRAMEWORK_EDIT,
        "round_save",
        _draft,
        lambda actor, framework, r: frameworks.round_save(
            actor=actor, framework=framework, months=6, due_on=date(2026, 4, 15)
        ),
        _tree_state,
    ),
    _scenario(
        Action.KPI_RESULT_RECORD,
        "result_record",
        _built,
        lambda actor, built, r: results.result_record(
            actor=actor,
            kpi=built.kpis["1.1"],
            round=built.rounds[6],
            numerator=Decimal(145),
            denominator=Decimal(200),
        ),
        _results_state,
    ),
    _scenario(
        Action.KPI_RESULT_RECORD,
        "breakdown_save",
        _by_office,
        lambda actor, built, r: results.breakdown_save(
            actor=actor,
            result=result_get_or_new(built.kpis["1.1"], built.rounds[6]),
            rows=[
                results.BreakdownInput(
                    office_code="reg-5001",
                    numerator=Decimal(30),
                    denominator=Decimal(40),
                ),
                results.BreakdownInput(
                    office_code="do-5001",
                    numerator=Decimal(20),
                    denominator=Decimal(30),
                ),
            ],
        ),
        _results_state,
    ),
    _scenario(
        Action.KPI_RESULT_RECORD,
        "milestone_check_save",
        _built,
        lambda actor, built, r: results.milestone_check_save(
            actor=actor,
            result=result_get_or_new(built.kpis["2.1"], built.rounds[6]),
            item=MilestoneItem.objects.filter(kpi=built.kpis["2.1"])[0],
            met=True,
            evidence_note="รายงานการประชุม",
        ),
        _results_state,
    ),
    _scenario(
        Action.KPI_RESULT_RECORD,
        "result_compute",
        _computed,
        lambda actor, built, r: result_compute(
            actor=actor, kpi=built.kpis["1.1"], round=built.rounds[12]
        ),
        _results_state,
    ),
    _scenario(
        Action.KPI_RESULT_RECORD,
        "round_compute",
        _computed,
        lambda actor, built, r: round_compute(actor=actor, round=built.rounds[12]),
        _results_state,
    ),
    _scenario(
        Action.KPI_RESULT_RECORD,
        "evidence_add",
        _built,
        lambda actor, built, r: evidence.evidence_add(
            actor=actor,
            result=result_get_or_new(built.kpis["1.1"], built.rounds[6]),
            upload=SimpleUploadedFile("plan.pdf", one_page_pdf(), "application/pdf"),
            description="แผนปฏิบัติการ",
        ),
        _results_state,
    ),
    _scenario(
        Action.KPI_RESULT_RECORD,
        "evidence_remove",
        _with_evidence,
        lambda actor, item, r: evidence.evidence_remove(actor=actor, evidence=item),
        _results_state,
    ),
    _scenario(
        Action.KPI_RESULT_RECORD,
        "breakdown_import_read",
        _province,
        lambda actor, built, r: imports.breakdown_import_read(
            actor=actor,
            result=result_get_or_new(built.kpis["1.1"], built.rounds[6]),
            upload=_district_file(),
        ),
        _import_state,
        PROVINCE_ROLES,
    ),
    _scenario(
        Action.KPI_RESULT_RECORD,
        "breakdown_import_confirm",
        _read,
        lambda actor, imported, r: imports.breakdown_import_confirm(
            actor=actor, imported=imported, choices={}
        ),
        _import_state,
        PROVINCE_ROLES,
    ),
    _scenario(
        Action.KPI_RESULT_RECORD,
        "breakdown_import_discard",
        _read,
        lambda actor, imported, r: imports.breakdown_import_discard(
            actor=actor, imported=imported
        ),
        _import_state,
        PROVINCE_ROLES,
    ),
    _scenario(
        Action.ROUND_LOCK,
        "round_lock",
        _built,
        lambda actor, built, r: rounds.round_lock(actor=actor, round=built.rounds[6]),
        _results_state,
    ),
    _scenario(
        Action.ROUND_LOCK,
        "round_unlock",
        _locked,
        lambda actor, built, r: rounds.round_unlock(
            actor=actor, round=built.rounds[6], reason="แก้ไขตัวเลขที่รายงานผิด"
        ),
        _results_state,
    ),
    _scenario(
        Action.PMQA_RECORD,
        "pmqa_record",
        _map,
        lambda actor, ctx, r: pmqa.pmqa_record(
            actor=actor,
            fiscal_year=2569,
            unit_level=UnitLevel.DISTRICT,
            unit_code="5001",
            scores={1: (Decimal("420.5"), Decimal(410))},
        ),
        _pmqa_state,
    ),
    _scenario(
        Action.PMQA_RECORD,
        "pmqa_averages_record",
        _map,
        lambda actor, ctx, r: pmqa.pmqa_averages_record(
            actor=actor, fiscal_year=2569, averages={1: Decimal("352.4")}
        ),
        _pmqa_state,
    ),
]


# --- GECC round (helper gecc, issue 17) -----------------------------------------------
# The round is HQ's (gecc.manage); a district's administrator volunteers its
# registry office reg-5001 and names its responsible person (gecc.register);
# the office's staff assess (report.fill) and the district sends the reports
# (report.submit). Every scenario is at reg-5001.

GECC_OFFICE = "reg-5001"


def _gecc_draft(request: Any) -> Any:
    from saduak.performance.tests.gecc_setup import draft_round

    _map(request)
    return draft_round(targets=("reg-1001",))


def _gecc_open(request: Any) -> Any:
    from saduak.performance.models import GeccParticipant
    from saduak.performance.tests.gecc_setup import open_round

    _map(request)
    round = open_round()
    return GeccParticipant.objects.select_related("round", "office").get(
        round=round, office__code=GECC_OFFICE
    )


def _gecc_opened_round(request: Any) -> Any:
    from saduak.performance.tests.gecc_setup import open_round

    _map(request)
    return open_round()


def _gecc_volunteering(request: Any) -> Any:
    from saduak.performance.services import gecc
    from saduak.performance.tests.gecc_setup import draft_round

    _map(request)
    return gecc.gecc_round_open(actor="test", round=draft_round(targets=("reg-1001",)))


def _gecc_volunteer(actor: Any, round: Any) -> Any:
    from saduak.areas.models import Office

    return _gecc_services().gecc_volunteer(
        actor=actor, round=round, office=Office.objects.get(code=GECC_OFFICE)
    )


def _gecc_evidence(actor: Any, participant: Any) -> Any:
    from saduak.performance.tests.gecc_setup import photo

    return _gecc_services().gecc_evidence_add(
        actor=actor,
        participant=participant,
        criterion=_gecc_item(participant),
        upload=photo(),
    )


def _gecc_with_clerk(request: Any) -> tuple[Any, Any]:
    participant = _gecc_open(request)
    clerk = request.getfixturevalue("make_staff")(Role.COUNTER_OFFICER, GECC_OFFICE)
    return participant, clerk


def _gecc_with_responsible(request: Any) -> Any:
    from saduak.performance.services import gecc

    participant, clerk = _gecc_with_clerk(request)
    return gecc.gecc_responsible_set(actor="test", participant=participant, user=clerk)


def _gecc_with_evidence(request: Any) -> Any:
    from saduak.performance.models import GeccCriterion
    from saduak.performance.services import gecc
    from saduak.performance.tests.gecc_setup import photo

    participant = _gecc_open(request)
    return gecc.gecc_evidence_add(
        actor="test",
        participant=participant,
        criterion=GeccCriterion.objects.get(round=participant.round, code="P01"),
        upload=photo(),
    )


def _gecc_item(participant: Any, code: str = "P01") -> Any:
    from saduak.performance.models import GeccCriterion

    return GeccCriterion.objects.get(round=participant.round, code=code)


def _gecc_round_state(round: Any) -> tuple[Any, ...]:
    from saduak.performance.models import GeccParticipant, GeccRound

    return (
        list(GeccRound.objects.values_list("title_th", "status", "progress_due_on")),
        sorted(GeccParticipant.objects.values_list("office__code", flat=True)),
    )


def _gecc_office_state(ctx: Any) -> tuple[Any, ...]:
    from saduak.performance.models import (
        GeccAssessment,
        GeccEvidence,
        GeccParticipant,
        ReportAnswer,
    )

    return (
        list(
            GeccParticipant.objects.order_by("pk").values_list(
                "office__code", "responsible_id", "readiness"
            )
        ),
        list(
            GeccAssessment.objects.order_by("pk").values_list(
                "status", "note", "measured_at"
            )
        ),
        GeccEvidence.objects.count(),
        list(ReportAnswer.objects.order_by("pk").values_list("status", "answers")),
    )


def _gecc_scenario(
    action: Action, name: str, setup: Any, act: Any, state: Any
) -> Scenario:
    return Scenario(action, name, GECC_OFFICE, setup, act, state)


def _gecc_services() -> Any:
    from saduak.performance.services import gecc

    return gecc


def _gecc_targets(actor: Any, round: Any) -> Any:
    from saduak.areas.models import Office

    return _gecc_services().gecc_targets_set(
        actor=actor,
        round=round,
        offices=list(Office.objects.filter(code__in=["reg-5001", "reg-1001"])),
    )


def _gecc_create(actor: Any) -> Any:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return _gecc_services().gecc_round_create(
        actor=actor,
        fiscal_year=2571,
        title_th="รอบถัดไป",
        registration_due_on=today + timedelta(days=5),
        progress_due_on=today + timedelta(days=20),
    )


def _gecc_update(actor: Any, round: Any) -> Any:
    from datetime import timedelta

    return _gecc_services().gecc_round_update(
        actor=actor,
        round=round,
        title_th="ชื่อใหม่",
        registration_due_on=round.registration_due_on,
        progress_due_on=round.progress_due_on + timedelta(days=3),
    )


SCENARIOS += [
    _gecc_scenario(
        Action.GECC_MANAGE,
        "gecc_round_create",
        _map,
        lambda actor, ctx, r: _gecc_create(actor),
        _gecc_round_state,
    ),
    _gecc_scenario(
        Action.GECC_MANAGE,
        "gecc_round_update",
        _gecc_draft,
        lambda actor, round, r: _gecc_update(actor, round),
        _gecc_round_state,
    ),
    _gecc_scenario(
        Action.GECC_MANAGE,
        "gecc_targets_set",
        _gecc_draft,
        lambda actor, round, r: _gecc_targets(actor, round),
        _gecc_round_state,
    ),
    _gecc_scenario(
        Action.GECC_MANAGE,
        "gecc_round_open",
        _gecc_draft,
        lambda actor, round, r: _gecc_services().gecc_round_open(
            actor=actor, round=round
        ),
        _gecc_round_state,
    ),
    _gecc_scenario(
        Action.GECC_MANAGE,
        "gecc_round_close",
        _gecc_opened_round,
        lambda actor, round, r: _gecc_services().gecc_round_close(
            actor=actor, round=round
        ),
        _gecc_round_state,
    ),
    _gecc_scenario(
        Action.GECC_REGISTER,
        "gecc_volunteer",
        _gecc_volunteering,
        lambda actor, round, r: _gecc_volunteer(actor, round),
        _gecc_round_state,
    ),
    _gecc_scenario(
        Action.GECC_REGISTER,
        "gecc_responsible_set",
        _gecc_with_clerk,
        lambda actor, ctx, r: _gecc_services().gecc_responsible_set(
            actor=actor, participant=ctx[0], user=ctx[1]
        ),
        _gecc_office_state,
    ),
    _gecc_scenario(
        Action.REPORT_FILL,
        "gecc_assess",
        _gecc_open,
        lambda actor, participant, r: _gecc_services().gecc_assess(
            actor=actor,
            participant=participant,
            criterion=_gecc_item(participant),
            status="met",
            note="ครบ",
        ),
        _gecc_office_state,
    ),
    _gecc_scenario(
        Action.REPORT_FILL,
        "gecc_evidence_add",
        _gecc_open,
        lambda actor, participant, r: _gecc_evidence(actor, participant),
        _gecc_office_state,
    ),
    _gecc_scenario(
        Action.REPORT_FILL,
        "gecc_evidence_remove",
        _gecc_with_evidence,
        lambda actor, evidence, r: _gecc_services().gecc_evidence_remove(
            actor=actor, evidence=evidence
        ),
        _gecc_office_state,
    ),
    _gecc_scenario(
        Action.REPORT_FILL,
        "gecc_outcomes_fill",
        _gecc_open,
        lambda actor, participant, r: _gecc_services().gecc_outcomes_fill(
            actor=actor, participant=participant
        ),
        _gecc_office_state,
    ),
    _gecc_scenario(
        Action.REPORT_FILL,
        "gecc_readiness_save",
        _gecc_open,
        lambda actor, participant, r: _gecc_services().gecc_readiness_save(
            actor=actor, participant=participant, raw={"counters_open": "3"}
        ),
        _gecc_office_state,
    ),
    _gecc_scenario(
        Action.REPORT_SUBMIT,
        "gecc_report_submit",
        _gecc_with_responsible,
        lambda actor, participant, r: _gecc_services().gecc_report_submit(
            actor=actor, participant=participant, kind="gecc_registration"
        ),
        _gecc_office_state,
    ),
]


# --- Report forms (helper "forms", issue 17): the shared form editor hosted by
# a draft directive request (Chiang Mai's own, issued by pao-50) and by a GECC
# round being prepared (HQ's). The seats are district 5001's: its province's
# staff issue for pao-50, its district's administrator may not. ---------------

REPORT_FORM = {
    "sections": [
        {
            "key": "counts",
            "title": {"th": "จำนวน", "en": "Counts"},
            "fields": [
                {
                    "key": "visitors",
                    "type": "number",
                    "label": {"th": "ผู้มาติดต่อ", "en": "Visitors"},
                    "required": True,
                }
            ],
        }
    ]
}


def _draft_request(request: Any) -> Any:
    from saduak.performance.tests.form_factories import draft_request

    _map(request)
    return draft_request("pao-50")


def _draft_round(request: Any) -> Any:
    from saduak.performance.tests.form_factories import draft_round

    _map(request)
    return draft_round()


def _request_form_state(report: Any) -> Any:
    from saduak.performance.models import ReportRequest

    return ReportRequest.objects.get(pk=report.pk).form


def _round_form_state(round: Any) -> Any:
    from saduak.performance.models import GeccRound

    return GeccRound.objects.get(pk=round.pk).readiness_form


def _forms_scenarios() -> list[Scenario]:
    from saduak.forms_engine import editing
    from saduak.performance.services import request_forms

    def add_section(form: Any) -> Any:
        return editing.section_add(
            form, key="notes", title={"th": "หมายเหตุ", "en": "Notes"}
        )

    return [
        Scenario(
            Action.DIRECTIVE_ISSUE,
            "request_form_set",
            OFFICE,
            _draft_request,
            lambda actor, report, r: request_forms.request_form_set(
                actor=actor, request=report, form=REPORT_FORM
            ),
            _request_form_state,
        ),
        Scenario(
            Action.DIRECTIVE_ISSUE,
            "request_form_edit",
            OFFICE,
            _draft_request,
            lambda actor, report, r: request_forms.request_form_edit(
                actor=actor,
                request=report,
                operation=add_section,
            ),
            _request_form_state,
        ),
        Scenario(
            Action.GECC_MANAGE,
            "gecc_readiness_form_set",
            OFFICE,
            _draft_round,
            lambda actor, round, r: request_forms.gecc_readiness_form_set(
                actor=actor, round=round, form=REPORT_FORM
            ),
            _round_form_state,
        ),
        Scenario(
            Action.GECC_MANAGE,
            "gecc_readiness_form_edit",
            OFFICE,
            _draft_round,
            lambda actor, round, r: request_forms.gecc_readiness_form_edit(
                actor=actor,
                round=round,
                operation=add_section,
            ),
            _round_form_state,
        ),
    ]


SCENARIOS += _forms_scenarios()


# ---- issue 17, core: report collection (request.forward, report.*, and
# directive.issue through request_*); the scenarios are in collection_matrix.py.
from saduak.performance.tests.collection_matrix import (  # noqa: E402
    COLLECTION_SCENARIOS,
)

SCENARIOS += COLLECTION_SCENARIOS

# ---- issue 17, directives: letterhead_save and directive_* (directive.issue);
# the scenarios are in directive_matrix.py.
from saduak.performance.tests.directive_matrix import (  # noqa: E402
    DIRECTIVE_SCENARIOS,
)

SCENARIOS += DIRECTIVE_SCENARIOS
