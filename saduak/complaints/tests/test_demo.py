from typing import Any

import pytest

from saduak.accounts.choices import Role
from saduak.complaints.choices import ComplaintStatus, Escalation, Outcome
from saduak.complaints.demo import complaints_seed_demo
from saduak.complaints.models import Complaint, ComplaintCategory
from saduak.complaints.report_rollups import report_rollups_recount

pytestmark = pytest.mark.django_db


def test_the_demo_has_complaints_at_every_state(
    small_map: None, make_staff: Any, citizen: Any
) -> None:
    officer = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    lines = complaints_seed_demo(citizen=citizen, officer=officer, province=province)

    assert len(lines) == 14
    assert ComplaintCategory.objects.filter(parent__isnull=True).count() >= 8
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == set(ComplaintStatus.values)
    outcomes = set(
        Complaint.objects.filter(status=ComplaintStatus.CLOSED).values_list(
            "outcome", flat=True
        )
    )
    assert outcomes == set(Outcome.values)
    escalations = set(Complaint.objects.values_list("escalation", flat=True))
    assert escalations == set(Escalation.values)
    assert Complaint.objects.filter(office__code="pao-50").exists()
    assert Complaint.objects.filter(office__code="ddc-5002").exists()
    assert Complaint.objects.exclude(rating=None).exists()
    assert report_rollups_recount() == 0
    # A second run leaves the demo as it is.
    assert (
        complaints_seed_demo(citizen=citizen, officer=officer, province=province) == []
    )
