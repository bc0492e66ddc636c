from typing import Any

import pytest
from django.db.models import Count

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.social.choices import (
    CaseOutcome,
    CaseStatus,
    HouseholdStatus,
    ImportStatus,
    ReferralStatus,
    SourceKind,
)
from saduak.social.demo import social_seed_demo
from saduak.social.models import (
    Case,
    CommunityForum,
    ServiceRecord,
    SourceImport,
    TargetHousehold,
    TargetingCounts,
)
from saduak.social.rollups import targeting_counts_rebuild

pytestmark = pytest.mark.django_db


def test_the_demo_takes_mueang_chiang_mai_from_five_sources_to_closed_cases(
    small_map: None, make_staff: Any
) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    worker = make_staff(Role.SOCIAL_WORKER, "do-5001")

    lines = social_seed_demo(hq=hq, province_staff=province, worker=worker)

    imports = SourceImport.objects.filter(year=2569, province_id="50")
    assert set(imports.values_list("kind", flat=True)) == set(SourceKind.values)
    assert set(imports.values_list("status", flat=True)) == {ImportStatus.APPLIED}
    households = TargetHousehold.objects.filter(rule_set__year=2569)
    assert households.count() > 50
    assert f"{households.count()} households found" in lines[0]
    assert CommunityForum.objects.count() == 1
    statuses = dict(households.values_list("status").annotate(n=Count("pk")).order_by())
    assert statuses[HouseholdStatus.CONFIRMED] == 7
    assert statuses[HouseholdStatus.SELECTED] == 2
    assert statuses[HouseholdStatus.REMOVED] == 1
    assert ServiceRecord.objects.count() == 3
    followed = Case.objects.get(status=CaseStatus.OPEN)
    assert followed.referrals.get().status == ReferralStatus.ACCEPTED
    assert followed.plan_steps.count() == 1
    closed = Case.objects.get(status=CaseStatus.CLOSED)
    assert closed.outcome == CaseOutcome.SELF_RELIANT
    assert list(
        closed.assessments.order_by("assessed_on").values_list("capability", flat=True)
    ) == ["B", "A"]
    assert closed.follow_ups.filter(done_on__isnull=False).count() == 2
    # The statistics are the rows: a rebuild has nothing to repair.
    assert (
        targeting_counts_rebuild(
            rule_set=followed.household.rule_set, province_code="50"
        )
        == 0
    )
    totals = TargetingCounts.objects.filter(dimension="")
    assert sum(row.found for row in totals) == households.count()
    assert AuditEvent.objects.filter(action="social.case.close").count() == 1

    # Seeding again adds nothing.
    social_seed_demo(hq=hq, province_staff=province, worker=worker)
    assert SourceImport.objects.count() == imports.count()
    assert Case.objects.count() == 2
