"""A GECC round for the tests: FY 2570, HQ's targets reg-5001 (Chiang Mai)
and reg-1001 (Bangkok), deadlines 10 and 30 days ahead."""

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from saduak.areas.models import Office
from saduak.core.uploads.sample_files import one_page_pdf, png_of_one_colour
from saduak.performance.models import GeccRound
from saduak.performance.services import gecc

SYSTEM = "test"
YEAR = 2570
TARGETS = ("reg-5001", "reg-1001")

READINESS_FORM: dict[str, Any] = {
    "sections": [
        {
            "key": "ready",
            "title": {"th": "ความพร้อม", "en": "Readiness"},
            "fields": [
                {
                    "key": "counters_open",
                    "type": "number",
                    "label": {"th": "จำนวนช่องบริการ", "en": "Counters open"},
                    "required": True,
                },
                {
                    "key": "plan_ready",
                    "type": "yesno",
                    "label": {"th": "มีแผนพัฒนาแล้ว", "en": "Improvement plan ready"},
                    "required": True,
                },
            ],
        }
    ]
}


def draft_round(
    actor: Any = SYSTEM, *, targets: tuple[str, ...] = TARGETS
) -> GeccRound:
    today = timezone.localdate()
    round = gecc.gecc_round_create(
        actor=actor,
        fiscal_year=YEAR,
        title_th="ศูนย์ราชการสะดวก ปี 2570",
        title_en="GECC 2570",
        registration_due_on=today + timedelta(days=10),
        progress_due_on=today + timedelta(days=30),
    )
    if targets:
        gecc.gecc_targets_set(
            actor=actor,
            round=round,
            offices=list(Office.objects.filter(code__in=targets)),
        )
    return round


def open_round(actor: Any = SYSTEM, *, readiness: bool = True) -> GeccRound:
    round = draft_round(actor)
    if readiness:
        GeccRound.objects.filter(pk=round.pk).update(readiness_form=READINESS_FORM)
        round.refresh_from_db()
    return gecc.gecc_round_open(actor=actor, round=round)


def photo(name: str = "ป้าย.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_of_one_colour(8), "image/png")


def document(name: str = "คำสั่ง.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, one_page_pdf(), "application/pdf")
