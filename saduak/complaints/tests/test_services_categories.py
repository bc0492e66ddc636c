from typing import Any

import pytest
from django.core.management import call_command

from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.complaints.models import ComplaintCategory
from saduak.complaints.services.categories import (
    complaint_categories_load,
    complaint_category_save,
)
from saduak.complaints.services.keys import (
    open311_key_hash,
    open311_key_issue,
    open311_key_revoke,
)
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.identity.models import Partner

pytestmark = pytest.mark.django_db


def test_the_national_tree_loads_in_thai_and_english(
    small_map: None, capsys: Any
) -> None:
    call_command("load_complaint_categories")
    assert "Loaded 9 groups and 31 categories." in capsys.readouterr().out
    groups = ComplaintCategory.objects.filter(parent__isnull=True)
    leaves = ComplaintCategory.objects.filter(parent__isnull=False)
    assert groups.count() == 9 and leaves.count() == 31
    assert (
        not leaves.filter(name_en="").exists()
        and not leaves.filter(name_th="").exists()
    )
    assert leaves.get(code="id-card").handling_office_kind == "district_registry"
    assert leaves.get(code="road-damage").attributes.get(code="hazard").required
    assert AuditEvent.objects.filter(action="complaint_category.save").count() == 40
    result = complaint_categories_load(actor="test")
    assert (result.groups, result.categories) == (9, 31)
    assert ComplaintCategory.objects.count() == 40


def test_hq_saves_a_category_with_targets_and_questions(make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    group = complaint_category_save(actor=hq, code="water", name_th="น้ำ")
    leaf = complaint_category_save(
        actor=hq,
        code="water-meter",
        name_th="มาตรวัดน้ำ",
        name_en="Water meters",
        parent=group,
        acknowledge_days=2,
        resolve_days=10,
        attributes=[
            {
                "code": "meter",
                "datatype": "string",
                "required": True,
                "description_th": "เลขมาตร",
            }
        ],
    )
    assert leaf.parent == group and leaf.resolve_days == 10
    assert list(leaf.attributes.values_list("code", flat=True)) == ["meter"]
    audit = AuditEvent.objects.filter(action="complaint_category.save").latest("id")
    assert audit.actor_id == hq.pk and audit.before is None
    assert (audit.after or {})["resolve_days"] == 10 and (audit.after or {})[
        "attributes"
    ] == ["meter"]
    changed = complaint_category_save(
        actor=hq,
        code="water-meter",
        name_th="มาตรวัดน้ำ",
        parent=group,
        resolve_days=20,
        attributes=[],
    )
    assert changed.resolve_days == 20 and not changed.attributes.exists()
    audit = AuditEvent.objects.filter(action="complaint_category.save").latest("id")
    assert (audit.before or {})["resolve_days"] == 10 and (audit.after or {})[
        "resolve_days"
    ] == 20


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "Bad Code"}, "code"),
        ({"name_th": ""}, "name_th"),
        ({"resolve_days": 0}, "resolve_days"),
        ({"acknowledge_days": 20, "resolve_days": 10}, "acknowledge_days"),
        ({"handling_office_kind": "headquarters"}, "handling_office_kind"),
        (
            {
                "attributes": [
                    {"code": "x", "datatype": "colour", "description_th": "?"}
                ]
            },
            "attributes",
        ),
        (
            {
                "attributes": [
                    {"code": "x", "datatype": "singlevaluelist", "description_th": "?"}
                ]
            },
            "attributes",
        ),
    ],
)
def test_bad_category_input_is_refused(
    make_staff: Any, fields: dict[str, Any], field: str
) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    values = {"code": "ok", "name_th": "ตกลง", **fields}
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        complaint_category_save(actor=hq, **values)
    assert refused.value.field == field
    assert not ComplaintCategory.objects.exists()
    assert AuditEvent.objects.count() == events


def test_only_hq_manages_categories(make_staff: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        complaint_category_save(
            actor=make_staff(Role.PROVINCIAL_STAFF, "pao-50"), code="x", name_th="x"
        )
    assert not ComplaintCategory.objects.exists()


def test_a_key_is_shown_once_and_stored_as_its_hash(make_staff: Any) -> None:
    hq = make_staff(Role.HQ_ADMIN, "hq")
    partner = Partner.objects.create(
        name_th="กรมทางหลวงชนบท", kind="agency", purpose_th="ร้องเรียน"
    )
    key, raw = open311_key_issue(actor=hq, partner=partner, name="ระบบรับเรื่อง")
    assert raw.startswith("o311_") and len(raw) > 40
    assert key.key_hash == open311_key_hash(raw) and raw not in key.key_hash
    assert key.key_prefix == raw[:12]
    audit = AuditEvent.objects.get(action="open311_key.issue")
    assert raw not in str(audit.after)
    with pytest.raises(InvalidInput):
        open311_key_issue(actor=hq, partner=partner, name="  ")
    revoked = open311_key_revoke(actor=hq, key=key)
    assert revoked.revoked_at is not None
    assert AuditEvent.objects.filter(action="open311_key.revoke").count() == 1
    with pytest.raises(Conflict):
        open311_key_revoke(actor=hq, key=key)
