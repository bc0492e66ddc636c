from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.core.uploads.store import encrypted_file_open
from saduak.performance.choices import RoundStatus
from saduak.performance.models import MilestoneItem, ResultEvidence, Round
from saduak.performance.selectors.results import result_get_or_new
from saduak.performance.services.evidence import evidence_add, evidence_remove
from saduak.performance.tests.factories import SYSTEM, Built, after


def _pdf(name: str = "แผนงาน.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, one_page_pdf(), "application/pdf")


def test_evidence_is_stored_encrypted_and_audited(
    built: Built, district_admin: Any
) -> None:
    kpi = built.kpis["2.1"]
    item = MilestoneItem.objects.filter(kpi=kpi).first()
    evidence = evidence_add(
        actor=district_admin,
        result=result_get_or_new(kpi, built.rounds[6]),
        upload=_pdf(),
        description="แผนปฏิบัติการ",
        item=item,
    )
    assert evidence.uploaded_by == district_admin
    assert evidence.item == item
    assert b"".join(encrypted_file_open(evidence)) == one_page_pdf()
    [event] = AuditEvent.objects.filter(action="evidence.add")
    assert after(event)["name"] == "แผนงาน.pdf"
    assert event.district_code == "5001"


def test_a_file_that_is_not_a_document_is_refused_and_nothing_kept(
    built: Built,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        evidence_add(
            actor=SYSTEM,
            result=result_get_or_new(built.kpis["1.1"], built.rounds[6]),
            upload=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00not a pdf"),
        )
    assert refused.value.field == "upload"
    assert not ResultEvidence.objects.exists()
    assert not AuditEvent.objects.filter(action="evidence.add").exists()


def test_evidence_is_removed_with_its_file_while_the_round_is_open(
    built: Built, django_capture_on_commit_callbacks: Any
) -> None:
    evidence = evidence_add(
        actor=SYSTEM,
        result=result_get_or_new(built.kpis["1.1"], built.rounds[6]),
        upload=_pdf(),
    )
    Round.objects.filter(pk=built.rounds[6].pk).update(status=RoundStatus.LOCKED)
    with pytest.raises(Conflict):
        evidence_remove(actor=SYSTEM, evidence=evidence)
    assert default_storage.exists(evidence.storage_name)
    Round.objects.filter(pk=built.rounds[6].pk).update(status=RoundStatus.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(actor=SYSTEM, evidence=evidence)
    assert not ResultEvidence.objects.exists()
    assert not default_storage.exists(evidence.storage_name)
    assert AuditEvent.objects.filter(action="evidence.remove").count() == 1


def test_rotating_keys_rewraps_evidence(built: Built) -> None:
    from io import StringIO

    evidence_add(
        actor=SYSTEM,
        result=result_get_or_new(built.kpis["1.1"], built.rounds[6]),
        upload=_pdf(),
    )
    out = StringIO()
    call_command("performance_rotate_keys", stdout=out)
    assert "0 left under other keys" in out.getvalue()
