from datetime import timedelta
from typing import Any

import pytest

from saduak.accounts.choices import Role
from saduak.complaints.choices import ComplaintStatus
from saduak.complaints.models import Complaint
from saduak.complaints.selectors.complaints import (
    complaint_duplicates,
    complaint_get_by_tracking,
    complaint_get_for_staff,
    complaints_for_staff,
    complaints_of_citizen,
)
from saduak.complaints.services import handling
from saduak.complaints.similarity import similarity
from saduak.complaints.tests.factories import file_complaint, make_category
from saduak.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_staff_see_the_complaints_their_reach_holds(
    category: Any, make_staff: Any
) -> None:
    here = file_complaint(category=category, description="หนึ่ง")
    there = file_complaint(category=category, description="สอง", district_code="5002")
    bangkok = file_complaint(category=category, description="สาม", district_code="1001")

    def seen(role: Role, office: str) -> set[int]:
        return {c.pk for c in complaints_for_staff(user=make_staff(role, office))}

    assert seen(Role.COUNTER_OFFICER, "ddc-5001") == {here.pk}
    assert seen(Role.DISTRICT_ADMIN, "do-5002") == {there.pk}
    assert seen(Role.PROVINCIAL_STAFF, "pao-50") == {here.pk, there.pk}
    assert seen(Role.HQ_ADMIN, "hq") == {here.pk, there.pk, bangkok.pk}
    assert seen(Role.AUDITOR, "hq") == {here.pk, there.pk, bangkok.pk}

    officer = make_staff(Role.COUNTER_OFFICER, "ddc-5001")
    assert (
        complaint_get_for_staff(reference=here.reference.lower(), user=officer) == here
    )
    with pytest.raises(NotFound):
        complaint_get_for_staff(reference=there.reference, user=officer)


def test_the_province_still_sees_what_it_took_over(
    category: Any, make_staff: Any
) -> None:
    complaint = file_complaint(category=category)
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    handling.complaint_take_over(complaint=complaint, officer=province, reason="ติดตาม")
    district = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    assert list(complaints_for_staff(user=province)) == [complaint]
    assert list(complaints_for_staff(user=district)) == []


def test_the_staff_list_filters(category: Any, make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    first = file_complaint(category=category, description="ถนนพังหน้าวัด")
    lights = make_category("street-lights", name_th="ไฟดับ")
    second = file_complaint(category=lights, description="ไฟดับทั้งซอย")
    handling.complaint_accept(complaint=second, officer=hq)
    Complaint.objects.filter(pk=first.pk).update(is_overdue=True, escalation=1)

    def refs(**filters: Any) -> list[str]:
        return [c.reference for c in complaints_for_staff(user=hq, **filters)]

    assert refs() == [second.reference, first.reference]
    assert refs(status="open") == [second.reference, first.reference]
    assert refs(status=ComplaintStatus.ACCEPTED) == [second.reference]
    assert refs(overdue=True) == [first.reference]
    assert refs(escalated=False) == [second.reference]
    assert refs(category=lights.pk) == [second.reference]
    assert refs(category=category.parent_id) == [second.reference, first.reference]
    assert refs(channel="line") == []
    assert refs(q="หน้าวัด") == [first.reference]
    assert refs(q=f" {second.reference.lower()} ") == [second.reference]


def test_the_tracking_link_finds_its_complaint_only(category: Any) -> None:
    complaint = file_complaint(category=category)
    assert complaint_get_by_tracking(token=complaint.tracking_token) == complaint
    for token in ("", "short", complaint.tracking_token[:-1] + "?", "x" * 500):
        with pytest.raises(NotFound):
            complaint_get_by_tracking(token=token)


def test_a_citizen_sees_their_own_complaints(category: Any, make_user: Any) -> None:
    me, other = make_user(), make_user()
    mine = file_complaint(citizen=me, category=category)
    file_complaint(citizen=other, category=category)
    assert list(complaints_of_citizen(user=me)) == [mine]


def test_similarity_works_on_thai_without_spaces() -> None:
    assert similarity("ไฟดับทั้งซอยวัดเกต", "ไฟดับทั้งซอย วัดเกต!") == 1.0
    assert similarity("ไฟดับทั้งซอยวัดเกต", "ถนนเป็นหลุมหน้าตลาด") < 0.3
    assert similarity("Street light out", "street LIGHT out.") == 1.0
    assert similarity("", "x") == 0.0


def test_possible_duplicates_are_bounded_by_category_place_and_time(
    category: Any, make_user: Any
) -> None:
    original = file_complaint(
        citizen=make_user(), category=category, description="ไฟดับทั้งซอยวัดเกตมาสามวันแล้ว"
    )
    same = file_complaint(
        citizen=make_user(), category=category, description="ไฟดับทั้งซอยวัดเกตสามวันแล้ว"
    )
    file_complaint(citizen=make_user(), category=category, description="ถนนเป็นหลุมใหญ่")
    file_complaint(
        citizen=make_user(),
        category=category,
        description="ไฟดับทั้งซอยวัดเกตมาสามวันแล้ว",
        district_code="5002",
    )
    other_category = make_category("street-lights")
    file_complaint(
        citizen=make_user(),
        category=other_category,
        description="ไฟดับทั้งซอยวัดเกตมาสามวันแล้ว",
    )
    old = file_complaint(
        citizen=make_user(), category=category, description="ไฟดับทั้งซอยวัดเกตมาสามวัน"
    )
    Complaint.objects.filter(pk=old.pk).update(
        received_at=original.received_at - timedelta(days=31)
    )

    found = complaint_duplicates(complaint=original)
    assert [pair[0].pk for pair in found] == [same.pk]
    assert 0.3 <= found[0][1] <= 1


def test_the_category_tree_for_forms_and_open311(small_map: None) -> None:
    from django.core.management import call_command

    from saduak.complaints.selectors.categories import (
        complaint_categories,
        complaint_category_get,
        complaint_category_groups,
    )

    call_command("load_complaint_categories", stdout=None)
    groups = list(complaint_category_groups())
    assert [group.code for group in groups][:2] == ["infrastructure", "environment"]
    assert groups[0].leaves[0].code == "road-damage"  # type: ignore[attr-defined]
    assert len(complaint_categories()) == 31
    road = complaint_category_get(code="road-damage")
    assert [a.code for a in road.attributes.all()] == ["hazard"]
    road.is_active = False
    road.save(update_fields=["is_active"])
    with pytest.raises(NotFound):
        complaint_category_get(code="road-damage")
    with pytest.raises(NotFound):
        complaint_category_get(code="infrastructure")
