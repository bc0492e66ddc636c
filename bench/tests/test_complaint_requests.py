"""The complaint scenarios' requests against the app itself (test client): the
lists they measure answer 200 with the spec's list, and the filing they send
is accepted and stored once, so a bench run measures work, not refusals."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from bench import complaint_scenarios as scenarios
from bench.app.complaints_generator import EVERYDAY, complaints_generate
from saduak.complaints.choices import Channel
from saduak.complaints.models import Complaint
from saduak.complaints.services.keys import open311_key_issue
from saduak.identity.models import Partner, PartnerKind


@pytest.fixture
def loaded(small_map: None) -> None:
    call_command("load_complaint_categories", stdout=StringIO())
    complaints_generate(count=120, days=365, seed=2, replace=True)


@pytest.mark.django_db
def test_the_measured_lists_answer_the_specs_list(loaded):
    codes = EVERYDAY
    paths = [
        *scenarios.filtered_list_paths(list(codes), date.today())[:12],
        *scenarios.paged_list_paths(list(codes), date.today())[:3],
        scenarios.REQUESTS_PATH,
    ]
    client = Client()
    answered = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, response.content[:300]
        items = json.loads(response.content)
        assert isinstance(items, list)
        answered += len(items)
        for item in items:
            assert set(item) >= {"service_request_id", "status", "requested_datetime"}
    assert answered > 0


@pytest.mark.django_db
def test_the_filing_is_accepted_and_stored_once(loaded):
    partner = Partner.objects.create(
        name_th="หน่วยงานทดสอบ", kind=PartnerKind.AGENCY, purpose_th="ทดสอบ"
    )
    _key, raw = open311_key_issue(actor="bench", partner=partner, name="bench")
    client = Client()
    for number, (code, answers) in enumerate(
        [("road-damage", {"hazard": "yes"}), ("noise", {})]
    ):
        body = scenarios.file_body(
            key=raw,
            code=code,
            subdistrict="500101",
            marker="benchtest",
            number=number,
            answers=answers,
        )
        response = client.post(
            scenarios.REQUESTS_PATH,
            data=body,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200, response.content
        (item,) = json.loads(response.content)
        stored = Complaint.objects.get(reference=item["service_request_id"])
        assert stored.channel == Channel.OPEN311
        assert stored.subdistrict_id == "500101"
    assert Complaint.objects.filter(description__startswith="benchtest").count() == 2
