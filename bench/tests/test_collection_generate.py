"""The bench's load of a directive in progress (bench/app/collection_generator.py):
the staff it adds hold the roles the services check, the directive is sent
and forwarded by the services (their audit events are there), and what it
writes past the services afterwards is what they would have left: each
status with its timestamps, people and history lines, answers the form
engine accepts as complete, late only when submitted after the deadline.
Also the bench-only progress endpoint that stands in for the dashboard."""

import json
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.app.collection_generator import (
    TITLE_EN,
    bench_staff,
    collection_generate,
)
from bench.app.management.commands import collection_generate as command
from saduak.accounts.choices import Role
from saduak.accounts.models import StaffRole
from saduak.audit.models import AuditEvent
from saduak.forms_engine.answers import answers_check_complete
from saduak.forms_engine.definition import form_from_definition
from saduak.identity.step_up import PASSED_AT_KEY
from saduak.notifications.models import Notification
from saduak.performance.choices import AnswerStatus, LegStatus
from saduak.performance.demo_collection import REPORT_FORM
from saduak.performance.models import AnswerStep, ReportAnswer, ReportRequest

pytestmark = pytest.mark.django_db


def test_the_staff_hold_the_roles_the_services_check(small_map):
    staff = bench_staff()
    assert set(staff.provinces) == {"10", "50"}
    assert set(staff.districts) == {"do-1001", "do-5001", "do-5002"}
    roles = set(StaffRole.objects.values_list("office__code", "role"))
    assert ("hq", Role.HQ_ADMIN) in roles
    assert ("pao-50", Role.PROVINCIAL_STAFF) in roles
    assert ("do-5002", Role.DISTRICT_ADMIN) in roles
    assert all(person.email and person.position for person in staff.districts.values())
    # Made once: a second call finds the same people.
    again = bench_staff()
    assert again.hq == staff.hq and again.districts == staff.districts


def test_the_load_is_what_the_services_would_have_left(small_map, settings):
    settings.STAFF_SECOND_FACTOR_REQUIRED = False
    out = StringIO()
    call_command(command.Command(), "--seed=5", stdout=out)
    request = ReportRequest.objects.get(title_en=TITLE_EN)
    assert (
        f"directive {request.public_id}: 3 answers over 2 provinces" in out.getvalue()
    )
    # Sent and forwarded by the services: their audit events, their legs.
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("report_request.send") == 1
    assert actions.count("request_leg.forward") == 2
    assert set(request.legs.values_list("status", flat=True)) == {LegStatus.FORWARDED}
    assert Notification.objects.filter(recipient__email__startswith="bench.").exists()
    # The clock moved back: the deadline passed.
    assert request.sent_at.date() < request.due_on < timezone.localdate()

    definition = form_from_definition(REPORT_FORM)
    for answer in ReportAnswer.objects.filter(request=request):
        steps = list(answer.steps.values_list("kind", flat=True))
        assert answer.due_on == request.due_on
        if answer.status == AnswerStatus.NEW:
            assert steps == [] and answer.read_at is None
            continue
        assert steps[0] == "read" and answer.read_at
        if answer.status in (AnswerStatus.SUBMITTED, AnswerStatus.CERTIFIED):
            assert (
                answers_check_complete(
                    definition, answer.answers, attachments_by_field={}
                )
                == {}
            )
            assert answer.submitted_at and answer.submitted_by
            assert answer.late == (answer.submitted_at.date() > answer.due_on)
        if answer.status == AnswerStatus.CERTIFIED:
            assert answer.certifier_position and steps[-1] == "certified"


def test_a_bigger_share_of_states_on_more_answers(small_map):
    made = collection_generate(seed=2)
    assert made.answers == 3 and made.provinces == 2
    made = collection_generate(seed=3, replace=True)
    assert ReportRequest.objects.filter(title_en=TITLE_EN).count() == 1
    assert sum(made.by_status.values()) == made.answers
    assert AnswerStep.objects.filter(answer__request__title_en=TITLE_EN).exists()


def test_the_bench_progress_endpoint_reads_the_selector(small_map, settings):
    settings.ROOT_URLCONF = "bench.app.urls"
    made = collection_generate(seed=1)
    client = Client()
    client.force_login(bench_staff().hq)
    session = client.session
    session[PASSED_AT_KEY] = time.time()
    session.save()
    path = reverse("bench-collection-progress", args=[made.public_id])
    country = json.loads(client.get(path, {"level": "country"}).content)
    assert [row["code"] for row in country["rows"]] == ["10", "50"]
    assert country["total"]["expected"] == 3
    province = json.loads(client.get(path, {"level": "province", "code": "50"}).content)
    assert [row["code"] for row in province["rows"]] == ["5001", "5002"]
    # Staff only.
    assert Client().get(path).status_code in (302, 403)
