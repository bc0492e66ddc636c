"""The GECC round's services: HQ prepares, names targets and opens a round
(two report requests sent directly to the offices); a district volunteers an
office and names its responsible person (an account of the district's
staff); the office assesses, adds evidence, fills outcome items from the
measures and the readiness form, and sends its two reports. Every refusal
changes nothing and writes no audit event."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.appointments.models import OfficeDayStats
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.performance.choices import (
    AnswerStatus,
    GeccGroup,
    GeccItemStatus,
    GeccParticipation,
    GeccRoundStatus,
    RequestKind,
    RequestRoute,
    RequestStatus,
)
from saduak.performance.consolidation import consolidate
from saduak.performance.models import (
    GeccAssessment,
    GeccCriterion,
    GeccEvidence,
    GeccParticipant,
    GeccRound,
    ReportAnswer,
)
from saduak.performance.services import collection, gecc
from saduak.performance.tests.factories import after, before
from saduak.performance.tests.gecc_setup import (
    SYSTEM,
    TARGETS,
    YEAR,
    document,
    draft_round,
    open_round,
    photo,
)

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def participant(round: GeccRound, code: str) -> GeccParticipant:
    return GeccParticipant.objects.select_related("round", "office").get(
        round=round, office__code=code
    )


def criterion(round: GeccRound, code: str) -> GeccCriterion:
    return GeccCriterion.objects.get(round=round, code=code)


# --- HQ prepares ------------------------------------------------------------------


def test_the_data_file_has_the_standards_parts_in_thai_and_english() -> None:
    items = gecc.criteria_from_file()
    sizes = {
        group: sum(1 for item in items if item.group == group) for group in GeccGroup
    }
    assert sizes == {"physical": 14, "basic": 30, "advanced": 20, "outcome": 3}
    assert all(item.text_th and item.text_en for item in items)
    assert [item.measure_key for item in items if item.group == "outcome"] == [
        "feedback.happiness_mean",
        "appointments.booking_use",
        "appointments.called_within_target",
    ]


def test_hq_prepares_a_round_with_the_criteria_copied_and_audited(
    small_map: None, hq_admin: Any
) -> None:
    round = draft_round(hq_admin, targets=())
    assert round.status == GeccRoundStatus.DRAFT
    counts = {
        group: GeccCriterion.objects.filter(round=round, group=group).count()
        for group in GeccGroup
    }
    assert counts == {"physical": 14, "basic": 30, "advanced": 20, "outcome": 3}
    outcome = criterion(round, "R02")
    assert outcome.measure_key == "appointments.booking_use"
    [event] = events("gecc_round.create")
    assert event.actor_id == hq_admin.pk
    assert after(event)["criteria"] == 67
    changed = gecc.gecc_round_update(
        actor=hq_admin,
        round=round,
        title_th="ชื่อใหม่",
        title_en="New",
        registration_due_on=round.registration_due_on,
        progress_due_on=round.progress_due_on + timedelta(days=5),
    )
    assert changed.title_th == "ชื่อใหม่"
    [event] = events("gecc_round.update")
    assert before(event)["title_th"] == "ศูนย์ราชการสะดวก ปี 2570"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"registration_due_on": -1}, "registration_due_on"),
        ({"progress_due_on": 5}, "progress_due_on"),
        ({"title_th": " "}, "title_th"),
    ],
)
def test_a_round_with_bad_deadlines_or_no_title_is_refused(
    small_map: None, changes: dict[str, Any], field: str
) -> None:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "title_th": "รอบ",
        "registration_due_on": today + timedelta(days=10),
        "progress_due_on": today + timedelta(days=30),
    }
    for name, value in changes.items():
        values[name] = (
            value if isinstance(value, str) else today + timedelta(days=value)
        )
    with pytest.raises(InvalidInput) as refused:
        gecc.gecc_round_create(actor=SYSTEM, fiscal_year=YEAR, **values)
    assert refused.value.field == field
    assert not GeccRound.objects.exists()
    assert not events("gecc_round.create")


def test_only_hq_prepares_a_round_and_a_year_has_one(
    small_map: None, make_staff: Any
) -> None:
    with pytest.raises((PermissionDeniedError, NotFound)):
        draft_round(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))
    assert not GeccRound.objects.exists()
    draft_round()
    with pytest.raises(InvalidInput) as refused:
        draft_round()
    assert refused.value.field == "fiscal_year"
    assert GeccRound.objects.count() == 1


def test_targets_from_a_pasted_list_name_every_unknown_or_wrong_code(
    small_map: None,
) -> None:
    offices = gecc.offices_from_codes("reg-5001, reg-1001\nreg-5001")
    assert [office.code for office in offices] == ["reg-5001", "reg-1001"]
    with pytest.raises(InvalidInput, match="reg-9999.*nope"):
        gecc.offices_from_codes("reg-5001 reg-9999 nope")
    with pytest.raises(InvalidInput, match="do-5001, ddc-5002"):
        gecc.offices_from_codes("reg-5001 do-5001 ddc-5002")
    with pytest.raises(InvalidInput):
        gecc.offices_from_codes("  ")


def test_targets_are_replaced_and_a_non_registry_office_refused(
    small_map: None,
) -> None:
    round = draft_round()
    assert sorted(round.participants.values_list("office__code", flat=True)) == sorted(
        TARGETS
    )
    gecc.gecc_targets_set(
        actor=SYSTEM,
        round=round,
        offices=list(Office.objects.filter(code__in=["reg-5001", "reg-5002"])),
    )
    assert sorted(round.participants.values_list("office__code", flat=True)) == [
        "reg-5001",
        "reg-5002",
    ]
    last = events("gecc_round.targets")[-1]
    assert after(last) == {"added": ["reg-5002"], "removed": ["reg-1001"], "targets": 2}
    with pytest.raises(InvalidInput, match="do-5001"):
        gecc.gecc_targets_set(
            actor=SYSTEM,
            round=round,
            offices=list(Office.objects.filter(code__in=["reg-5001", "do-5001"])),
        )
    assert round.participants.count() == 2
    assert len(events("gecc_round.targets")) == 2


# --- HQ opens ---------------------------------------------------------------------


def test_opening_sends_both_reports_directly_to_the_offices(
    small_map: None, hq_admin: Any
) -> None:
    round = open_round(hq_admin)
    assert round.status == GeccRoundStatus.OPEN and round.opened_by == hq_admin
    assert round.registration is not None and round.progress is not None
    registration, progress = round.registration, round.progress
    assert registration.kind == RequestKind.GECC_REGISTRATION
    assert progress.kind == RequestKind.GECC_PROGRESS
    assert (registration.due_on, progress.due_on) == (
        round.registration_due_on,
        round.progress_due_on,
    )
    for request in (registration, progress):
        assert request.route == RequestRoute.DIRECT
        assert request.status == RequestStatus.SENT
        assert sorted(request.answers.values_list("office__code", flat=True)) == sorted(
            TARGETS
        )
        assert sorted(request.legs.values_list("province_id", flat=True)) == [
            "10",
            "50",
        ]
    [event] = events("gecc_round.open")
    assert after(event)["offices"] == 2
    assert len(events("report_request.send")) == 2
    with pytest.raises(Conflict):
        gecc.gecc_round_open(actor=hq_admin, round=round)
    with pytest.raises(Conflict):
        gecc.gecc_targets_set(actor=hq_admin, round=round, offices=[])


def test_a_round_without_offices_is_not_opened(small_map: None) -> None:
    round = draft_round(targets=())
    with pytest.raises(Conflict):
        gecc.gecc_round_open(actor=SYSTEM, round=round)
    round.refresh_from_db()
    assert round.status == GeccRoundStatus.DRAFT and round.registration is None
    assert not events("gecc_round.open")


# --- A district volunteers and names its responsible person -------------------------


def test_a_district_volunteers_its_registry_office_and_gets_both_answers(
    small_map: None, make_staff: Any
) -> None:
    round = open_round()
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    office = Office.objects.get(code="reg-5002")
    joined = gecc.gecc_volunteer(actor=admin, round=round, office=office)
    assert joined.participation == GeccParticipation.VOLUNTEER
    assert joined.province_id == "50" and joined.district_id == "5002"
    assert set(
        ReportAnswer.objects.filter(office=office).values_list(
            "request__kind", "status"
        )
    ) == {
        (RequestKind.GECC_REGISTRATION, AnswerStatus.NEW),
        (RequestKind.GECC_PROGRESS, AnswerStatus.NEW),
    }
    [event] = events("gecc_office.volunteer")
    assert event.actor_id == admin.pk and event.district_code == "5002"
    with pytest.raises(Conflict):
        gecc.gecc_volunteer(actor=admin, round=round, office=office)


def test_a_volunteer_outside_the_district_or_not_a_registry_office_is_refused(
    small_map: None, make_staff: Any
) -> None:
    round = open_round()
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5002")
    with pytest.raises((PermissionDeniedError, NotFound)):
        gecc.gecc_volunteer(
            actor=admin, round=round, office=Office.objects.get(code="reg-1001")
        )
    with pytest.raises((PermissionDeniedError, InvalidInput)):
        gecc.gecc_volunteer(
            actor=admin, round=round, office=Office.objects.get(code="do-5002")
        )
    counter = make_staff(Role.COUNTER_OFFICER, "reg-5002")
    with pytest.raises(PermissionDeniedError):
        gecc.gecc_volunteer(
            actor=counter, round=round, office=Office.objects.get(code="reg-5002")
        )
    assert round.participants.count() == 2
    assert not ReportAnswer.objects.filter(office__code="reg-5002").exists()
    assert not events("gecc_office.volunteer")


def test_no_volunteer_while_the_round_is_being_prepared(
    small_map: None, make_staff: Any
) -> None:
    round = draft_round()
    with pytest.raises(Conflict):
        gecc.gecc_volunteer(
            actor=make_staff(Role.DISTRICT_ADMIN, "do-5002"),
            round=round,
            office=Office.objects.get(code="reg-5002"),
        )
    assert round.participants.count() == 2


def test_the_responsible_person_is_an_account_of_the_districts_staff(
    small_map: None, make_staff: Any
) -> None:
    round = open_round()
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    clerk = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    outsider = make_staff(Role.COUNTER_OFFICER, "reg-5002")
    place = participant(round, "reg-5001")
    candidates = gecc.responsible_candidates(place.office)
    assert clerk in candidates and admin in candidates and outsider not in candidates
    with pytest.raises(InvalidInput) as refused:
        gecc.gecc_responsible_set(actor=admin, participant=place, user=outsider)
    assert refused.value.field == "responsible"
    place.refresh_from_db()
    assert place.responsible is None and not events("gecc_office.responsible")
    with pytest.raises(PermissionDeniedError):
        gecc.gecc_responsible_set(actor=clerk, participant=place, user=clerk)
    named = gecc.gecc_responsible_set(actor=admin, participant=place, user=clerk)
    assert named.responsible == clerk and named.responsible_named_at is not None
    [event] = events("gecc_office.responsible")
    assert after(event)["responsible"] == clerk.full_name
    assert event.district_code == "5001"


# --- The self-assessment ----------------------------------------------------------


def test_an_office_assesses_items_with_a_note_and_evidence(
    small_map: None, make_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    round = open_round()
    clerk = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    place = participant(round, "reg-5001")
    item = criterion(round, "P01")
    assessment = gecc.gecc_assess(
        actor=clerk,
        participant=place,
        criterion=item,
        status=GeccItemStatus.PARTLY,
        note="ป้ายด้านถนนยังเล็ก",
    )
    assert (assessment.status, assessment.updated_by) == ("partly", clerk)
    [event] = events("gecc_office.assess")
    assert after(event)["criterion"] == "P01" and event.district_code == "5001"
    shown = gecc.gecc_evidence_add(
        actor=clerk,
        participant=place,
        criterion=item,
        upload=photo(),
        description="ป้าย",
    )
    assert shown.assessment == assessment and shown.content_type == "image/png"
    gecc.gecc_evidence_add(
        actor=clerk,
        participant=place,
        criterion=criterion(round, "B04"),
        upload=document(),
    )
    assert GeccAssessment.objects.get(criterion__code="B04").status == ""
    [added, _second] = events("gecc_office.evidence_add")
    assert after(added)["name"] == "ป้าย.png"
    with django_capture_on_commit_callbacks(execute=True):
        gecc.gecc_evidence_remove(actor=clerk, evidence=shown)
    assert GeccEvidence.objects.count() == 1
    assert len(events("gecc_office.evidence_remove")) == 1


def test_a_bad_assessment_or_file_or_another_office_is_refused(
    small_map: None, make_staff: Any
) -> None:
    round = open_round()
    clerk = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    place = participant(round, "reg-5001")
    item = criterion(round, "P01")
    with pytest.raises(InvalidInput):
        gecc.gecc_assess(actor=clerk, participant=place, criterion=item, status="maybe")
    with pytest.raises(InvalidInput) as refused:
        gecc.gecc_evidence_add(
            actor=clerk,
            participant=place,
            criterion=item,
            upload=photo("x.png").__class__("x.png", b"MZ not a picture"),
        )
    assert refused.value.field == "upload"
    with pytest.raises((PermissionDeniedError, NotFound)):
        gecc.gecc_assess(
            actor=clerk,
            participant=participant(round, "reg-1001"),
            criterion=item,
            status=GeccItemStatus.MET,
        )
    assert not GeccAssessment.objects.exclude(status="").exists()
    assert not GeccEvidence.objects.exists()
    assert not events("gecc_office.assess") and not events("gecc_office.evidence_add")


def test_outcome_items_are_filled_from_the_offices_figures(
    small_map: None, make_staff: Any
) -> None:
    round = open_round()
    clerk = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    place = participant(round, "reg-5001")
    office = place.office
    today = date(2026, 12, 20)
    for day, booked, walked, within, histogram in (
        (date(2026, 11, 2), 3, 1, 2, [1, 1, 0, 1]),
        (date(2026, 12, 1), 1, 3, 4, [2, 2, 1]),
        # Before the fiscal year (2570 starts on 1 October 2026): not counted.
        (date(2026, 9, 30), 50, 0, 0, [9]),
    ):
        OfficeDayStats.objects.create(
            office=office,
            district_id="5001",
            province_id="50",
            day=day,
            appointment_arrivals=booked,
            walk_ins=walked,
            served_within_target=within,
            wait_histogram=histogram,
        )
    filled = gecc.gecc_outcomes_fill(actor=clerk, participant=place, today=today)
    values = {a.criterion.code: a.measured_value for a in filled}
    # (3 + 1) of (4 + 4) came with a booking; (2 + 4) of (3 + 5) called in time;
    # no happiness votes yet.
    assert values == {"R01": None, "R02": Decimal("50.0000"), "R03": Decimal("75.0000")}
    assert all(a.measured_at is not None for a in filled)
    [event] = events("gecc_office.outcomes")
    assert after(event)["values"] == {"R01": None, "R02": "50.0000", "R03": "75.0000"}


def test_the_readiness_form_is_cleaned_by_the_form_engine(
    small_map: None, make_staff: Any
) -> None:
    round = open_round()
    clerk = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    place = participant(round, "reg-5001")
    with pytest.raises(InvalidInput) as refused:
        gecc.gecc_readiness_save(
            actor=clerk, participant=place, raw={"counters_open": "สาม"}
        )
    assert "counters_open" in refused.value.extra["errors"]
    place.refresh_from_db()
    assert place.readiness == {} and not events("gecc_office.readiness")
    assert not gecc.readiness_done(round, place)
    gecc.gecc_readiness_save(actor=clerk, participant=place, raw={"counters_open": "3"})
    place.refresh_from_db()
    assert place.readiness == {"counters_open": 3}
    assert not gecc.readiness_done(round, place)
    gecc.gecc_readiness_save(actor=clerk, participant=place, raw={"plan_ready": "yes"})
    place.refresh_from_db()
    assert gecc.readiness_done(round, place)
    assert len(events("gecc_office.readiness")) == 2


# --- The two reports --------------------------------------------------------------


def test_the_registration_report_carries_the_responsible_persons_account(
    small_map: None, make_staff: Any
) -> None:
    round = open_round()
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    place = participant(round, "reg-5001")
    with pytest.raises(InvalidInput) as refused:
        gecc.gecc_report_submit(
            actor=admin, participant=place, kind=RequestKind.GECC_REGISTRATION
        )
    assert refused.value.field == "responsible"
    assert not events("report_answer.submit")
    clerk = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    clerk.position = "เจ้าพนักงานปกครอง"
    clerk.phone = "0812345678"
    clerk.save()
    gecc.gecc_responsible_set(actor=admin, participant=place, user=clerk)
    answer = gecc.gecc_report_submit(
        actor=admin, participant=place, kind=RequestKind.GECC_REGISTRATION
    )
    assert answer.status == AnswerStatus.SUBMITTED
    assert answer.answers["responsible_name"] == clerk.full_name
    assert answer.answers["responsible_position"] == "เจ้าพนักงานปกครอง"
    assert answer.answers["responsible_phone"] == "0812345678"
    assert len(events("report_answer.submit")) == 1
    with pytest.raises(PermissionDeniedError):
        gecc.gecc_report_submit(
            actor=clerk, participant=place, kind=RequestKind.GECC_PROGRESS
        )


def test_closing_the_round_closes_both_reports_and_the_assessment(
    small_map: None, make_staff: Any
) -> None:
    round = open_round()
    hq = make_staff(Role.HQ_ADMIN, "hq")
    clerk = make_staff(Role.COUNTER_OFFICER, "reg-5001")
    place = participant(round, "reg-5001")
    with pytest.raises((PermissionDeniedError, NotFound)):
        gecc.gecc_round_close(actor=clerk, round=round)
    assert not events("gecc_round.close")
    gecc.gecc_round_close(actor=hq, round=round)
    round.refresh_from_db()
    assert round.status == GeccRoundStatus.CLOSED
    assert round.registration is not None and round.progress is not None
    assert round.registration.status == RequestStatus.CLOSED
    assert round.progress.status == RequestStatus.CLOSED
    assert len(events("gecc_round.close")) == 1
    assert len(events("report_request.close")) == 2
    criterion = round.criteria.order_by("position").first()
    assert criterion is not None
    with pytest.raises(Conflict):
        gecc.gecc_assess(
            actor=clerk, participant=place, criterion=criterion, status="met"
        )
    with pytest.raises(Conflict):
        gecc.gecc_round_close(actor=hq, round=round)


def test_a_gecc_report_cannot_be_typed_or_sent_apart_from_the_assessment(
    small_map: None, make_staff: Any
) -> None:
    round = open_round()
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    answer = ReportAnswer.objects.get(request=round.progress, office__code="reg-5001")
    with pytest.raises(Conflict) as typed:
        collection.answer_save(
            actor=admin, answer=answer, answers={"physical_met": "14"}
        )
    assert typed.value.code == "report-generated"
    with pytest.raises(Conflict):
        collection.answer_submit(actor=admin, answer=answer)
    answer.refresh_from_db()
    assert answer.answers == {}
    assert answer.status == AnswerStatus.NEW
    assert not events("report_answer.save")
    assert not events("report_answer.submit")


def test_the_progress_report_counts_items_per_part(
    small_map: None, make_staff: Any
) -> None:
    round = open_round()
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    place = participant(round, "reg-5001")
    marks = {
        "P01": "met",
        "P02": "met",
        "P03": "partly",
        "B01": "not_yet",
        "A05": "met",
        "R01": "partly",
        "B02": "",
    }
    for code, status in marks.items():
        gecc.gecc_assess(
            actor=admin,
            participant=place,
            criterion=criterion(round, code),
            status=status,
        )
    answer = gecc.gecc_report_submit(
        actor=admin, participant=place, kind=RequestKind.GECC_PROGRESS
    )
    expected = dict.fromkeys(
        [
            f"{part}_{status}"
            for part in ("physical", "basic", "advanced", "outcome")
            for status in ("met", "partly", "not_yet")
        ],
        0,
    )
    expected.update(
        physical_met=2,
        physical_partly=1,
        basic_not_yet=1,
        advanced_met=1,
        outcome_partly=1,
    )
    assert {key: answer.answers[key] for key in expected} == expected
    assert answer.answers["readiness_done"] == "no"
    assert answer.status == AnswerStatus.SUBMITTED


def test_a_registration_after_its_deadline_is_taken_late_and_refused_once_closed(
    small_map: None, make_staff: Any
) -> None:
    round = open_round()
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    place = participant(round, "reg-5001")
    gecc.gecc_responsible_set(actor=admin, participant=place, user=admin)
    late_day = round.registration_due_on + timedelta(days=1)
    with time_machine.travel(timezone.make_aware(datetime.combine(late_day, time(10)))):
        answer = gecc.gecc_report_submit(
            actor=admin, participant=place, kind=RequestKind.GECC_REGISTRATION
        )
    assert answer.status == AnswerStatus.SUBMITTED and answer.late
    assert round.progress is not None
    collection.request_close(actor=SYSTEM, request=round.progress)
    before_events = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        gecc.gecc_report_submit(
            actor=admin, participant=place, kind=RequestKind.GECC_PROGRESS
        )
    progress = ReportAnswer.objects.get(request=round.progress, office=place.office)
    assert progress.status == AnswerStatus.NEW and progress.answers == {}
    assert AuditEvent.objects.count() == before_events


def test_the_province_consolidates_the_progress_counts_like_any_report() -> None:
    answers = [
        {"office": "reg-5001", "answers": {"physical_met": 2, "readiness_done": "yes"}},
        {"office": "reg-5002", "answers": {"physical_met": 3, "readiness_done": "no"}},
    ]
    result = consolidate(gecc.progress_form(), answers)
    assert result["physical_met"]["total"] == 5
    assert result["readiness_done"]["counts"] == {"yes": 1, "no": 1}
    registration = consolidate(
        gecc.registration_form(),
        [{"office": "reg-5001", "answers": {"responsible_name": "สมชาย รักงาน"}}],
    )
    assert registration["responsible_name"]["items"] == [
        {"office": "reg-5001", "text": "สมชาย รักงาน"}
    ]
