"""The GECC certification round of registry offices (ศูนย์ราชการสะดวก,
../shared/DOMAIN.md 3.9; docs/performance-collection.md "GECC round").

HQ prepares a fiscal year's round (title, the registration and progress
deadlines, the criteria copied from `data/gecc_criteria.json`, the readiness
form built with the form builder), names its target registry offices and
opens it: the two collections are report requests of the shared mechanism
(services/collection.py), sent directly to the participating offices, so their
provinces certify and consolidate them like any report. A district's
administrator may volunteer one of its registry offices and names its
responsible person: an account of the district's staff, never a password.
The office assesses each criterion (met, partly, not yet; a note; photos or
documents), fills the outcome items from Saduak's own data (core/measures.py)
and the readiness form, and sends its registration and progress reports."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.choices import Role
from saduak.accounts.matrix import REGISTRY_OFFICES, Action, Actor, ensure_may
from saduak.accounts.models import StaffRole, User
from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput
from saduak.core.measures import OFFICE, Measured, MeasureScope, measure_source_get
from saduak.core.uploads.store import (
    MB,
    delete_stored_on_error,
    encrypted_file_store,
    storage_delete,
)
from saduak.forms_engine.answers import answers_check_complete, answers_clean
from saduak.forms_engine.definition import FormDefinition, form_from_definition
from saduak.performance.choices import (
    GECC_GROUP_SIZES,
    GeccGroup,
    GeccItemStatus,
    GeccParticipation,
    GeccRoundStatus,
    RequestKind,
    RequestRoute,
    RequestStatus,
)
from saduak.performance.credentials_check import refuse_secret_values
from saduak.performance.models import (
    GeccAssessment,
    GeccCriterion,
    GeccEvidence,
    GeccParticipant,
    GeccRound,
    ReportAnswer,
    ReportRequest,
)
from saduak.performance.services import collection
from saduak.performance.services.common import HQ_OFFICE_CODE, clean_fiscal_year

CRITERIA_FILE = Path(__file__).resolve().parent.parent / "data" / "gecc_criteria.json"
TITLE_LIMIT = 300
NOTE_LIMIT = 2000
DESCRIPTION_LIMIT = 300
# Photos and documents of an assessed item.
ALLOWED_TYPES = ["pdf", "jpg", "png", "webp"]
ACCEPTED_FILES = "application/pdf,image/jpeg,image/png,image/webp"
MAX_BYTES = 20 * MB
STORAGE_PREFIX = "performance-gecc"
# The staff of a district who may be named responsible for one of its offices.
RESPONSIBLE_ROLES = frozenset({Role.COUNTER_OFFICER, Role.DISTRICT_ADMIN})
# An outcome item's measure: its factor (a share is shown in percent).
FACTORS = {"percent": Decimal(100)}
# How far back an outcome item is measured when the fiscal year has not begun.
MEASURE_DAYS = 365
REPORT_KINDS = (RequestKind.GECC_REGISTRATION, RequestKind.GECC_PROGRESS)
GROUP_PREFIX = {
    GeccGroup.PHYSICAL: "physical",
    GeccGroup.BASIC: "basic",
    GeccGroup.ADVANCED: "advanced",
    GeccGroup.OUTCOME: "outcome",
}


# --- The criteria data file ----------------------------------------------------------


@dataclass(frozen=True)
class CriterionText:
    group: str
    code: str
    text_th: str
    text_en: str
    measure_key: str = ""


@cache
def criteria_from_file(path: Path = CRITERIA_FILE) -> tuple[CriterionText, ...]:
    """The standard's items from the data file, in order, checked: each part
    has as many items as GECC_GROUP_SIZES says, codes unique, Thai text
    present, an outcome item's measure a registered KPI source."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items: list[CriterionText] = []
    for group, size in GECC_GROUP_SIZES.items():
        rows = data["groups"].get(str(group), [])
        if len(rows) != size:
            raise ValueError(f"{path}: {group} has {len(rows)} items, not {size}")
        for row in rows:
            if not row.get("th"):
                raise ValueError(f"{path}: {row.get('code')} has no Thai text")
            items.append(
                CriterionText(
                    str(group),
                    row["code"],
                    row["th"],
                    row.get("en", ""),
                    row.get("measure", ""),
                )
            )
    codes = [item.code for item in items]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{path}: two items have the same code")
    return tuple(items)


def criteria_check(round: GeccRound) -> None:
    """Refuses (`Conflict`) a round whose criteria do not have the standard's
    number of items in each part."""
    counts = dict(
        round.criteria.order_by()
        .values_list("group")
        .annotate(items=Count("id"))
        .values_list("group", "items")
    )
    wrong = [
        str(group.label)
        for group, size in GECC_GROUP_SIZES.items()
        if counts.get(str(group), 0) != size
    ]
    if wrong:
        raise Conflict(
            _(
                "The round's criteria do not have the standard's number of items"
                " in: %(parts)s."
            )
            % {"parts": ", ".join(wrong)}
        )


# --- Forms the round generates for its two reports -----------------------------------


def _number(key: str, th: str, en: str) -> dict[str, Any]:
    return {
        "key": key,
        "type": "number",
        "label": {"th": th, "en": en},
        "required": True,
        "min": 0,
    }


def registration_form() -> dict[str, Any]:
    """The registration report: who is responsible (from their account)."""
    return {
        "sections": [
            {
                "key": "registration",
                "title": {"th": "การลงทะเบียนศูนย์ราชการสะดวก", "en": "GECC registration"},
                "fields": [
                    {
                        "key": "responsible_name",
                        "type": "text",
                        "label": {"th": "ชื่อผู้รับผิดชอบ", "en": "Responsible person"},
                        "required": True,
                    },
                    {
                        "key": "responsible_position",
                        "type": "text",
                        "label": {"th": "ตำแหน่ง", "en": "Position"},
                    },
                    {
                        "key": "responsible_phone",
                        "type": "text",
                        "label": {"th": "โทรศัพท์", "en": "Telephone"},
                    },
                    {
                        "key": "participation",
                        "type": "text",
                        "label": {"th": "การเข้าร่วม", "en": "Taking part"},
                    },
                ],
            }
        ]
    }


PART_NAMES = {
    GeccGroup.PHYSICAL: ("ด้านกายภาพ", "physical"),
    GeccGroup.BASIC: ("คุณภาพพื้นฐาน", "basic quality"),
    GeccGroup.ADVANCED: ("คุณภาพขั้นสูง", "advanced quality"),
    GeccGroup.OUTCOME: ("ด้านผลลัพธ์", "outcome"),
}
STATUS_NAMES = {
    GeccItemStatus.MET: ("ผ่าน", "met"),
    GeccItemStatus.PARTLY: ("ผ่านบางส่วน", "partly met"),
    GeccItemStatus.NOT_YET: ("ยังไม่ผ่าน", "not yet met"),
}


def progress_key(group: str, status: str) -> str:
    return f"{GROUP_PREFIX[GeccGroup(group)]}_{status}"


def progress_form() -> dict[str, Any]:
    """The progress report: items met, partly met and not yet met per part,
    and whether the readiness form is filled (counted by the province like
    any report's numbers and yes/no answers)."""
    fields: list[dict[str, Any]] = []
    for group, (part_th, part_en) in PART_NAMES.items():
        for status, (status_th, status_en) in STATUS_NAMES.items():
            fields.append(
                _number(
                    progress_key(group, status),
                    f"{part_th}: {status_th} (ข้อ)",
                    f"Items {status_en}, {part_en}",
                )
            )
    fields.append(
        {
            "key": "readiness_done",
            "type": "yesno",
            "label": {"th": "กรอกแบบประเมินความพร้อมแล้ว", "en": "Readiness form filled"},
            "required": True,
        }
    )
    return {
        "sections": [
            {
                "key": "progress",
                "title": {
                    "th": "ความก้าวหน้าการประเมินตนเอง",
                    "en": "Self-assessment progress",
                },
                "fields": fields,
            }
        ]
    }


# --- Helpers ---------------------------------------------------------------------------


def _hq() -> Office:
    return Office.objects.get(code=HQ_OFFICE_CODE)


def _ensure_manage(actor: Actor) -> None:
    ensure_may(actor, Action.GECC_MANAGE, office=_hq())


def _round_audit(
    actor: Actor,
    action: str,
    round: GeccRound,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=round,
        before=before,
        after=after,
        office=_hq(),
    )


def _office_audit(
    actor: Actor,
    action: str,
    participant: GeccParticipant,
    *,
    target: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target if target is not None else participant,
        before=before,
        after={"round": participant.round.fiscal_year, **(after or {})},
        office=participant.office,
    )


def _round_locked(round: GeccRound) -> GeccRound:
    return GeccRound.objects.select_for_update().get(pk=round.pk)


def _ensure_draft(round: GeccRound) -> None:
    if round.status != GeccRoundStatus.DRAFT:
        raise Conflict(_("The round is open: its preparation can no longer change."))


def _ensure_open(round: GeccRound) -> None:
    if round.status != GeccRoundStatus.OPEN:
        raise Conflict(
            _("The round is not open: nothing can be assessed or reported now.")
        )


def _title(value: str, field: str, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("Give the title in Thai."), field=field)
    if len(text) > TITLE_LIMIT:
        raise InvalidInput(
            _("At most %(limit)s characters.") % {"limit": TITLE_LIMIT}, field=field
        )
    return text


def _deadlines(registration_due_on: date, progress_due_on: date) -> None:
    today = timezone.localdate()
    if registration_due_on < today:
        raise InvalidInput(
            _("The deadline has passed: choose today or a later day."),
            field="registration_due_on",
        )
    if progress_due_on <= registration_due_on:
        raise InvalidInput(
            _("The progress deadline must come after the registration deadline."),
            field="progress_due_on",
        )


def _province_of(office: Office) -> str:
    if not office.province_id:
        raise InvalidInput(
            _("%(office)s is not an active registry office.")
            % {"office": f"{office.code} {office.name}"},
            field="office",
        )
    return office.province_id


def _registry_office(office: Office, field: str = "office") -> None:
    if office.kind not in REGISTRY_OFFICES or not office.is_active:
        raise InvalidInput(
            _("%(office)s is not an active registry office.")
            % {"office": f"{office.code} {office.name}"},
            field=field,
        )


# --- HQ: prepare, name the targets, open -----------------------------------------------


@transaction.atomic
def gecc_round_create(
    *,
    actor: Actor,
    fiscal_year: int,
    title_th: str,
    title_en: str = "",
    registration_due_on: date,
    progress_due_on: date,
) -> GeccRound:
    """Prepares a fiscal year's round (a draft) with the standard's criteria
    copied from the data file. Refused: a year that has a round, a deadline
    in the past, the progress deadline not after the registration one.
    Permission: gecc.manage (HQ). Audit: gecc_round.create."""
    _ensure_manage(actor)
    clean_fiscal_year(fiscal_year)
    title_th = _title(title_th, "title_th", required=True)
    title_en = _title(title_en, "title_en", required=False)
    _deadlines(registration_due_on, progress_due_on)
    if GeccRound.objects.filter(fiscal_year=fiscal_year).exists():
        raise InvalidInput(
            _("The fiscal year %(year)s already has a GECC round.")
            % {"year": fiscal_year},
            field="fiscal_year",
        )
    round = GeccRound.objects.create(
        fiscal_year=fiscal_year,
        title_th=title_th,
        title_en=title_en,
        registration_due_on=registration_due_on,
        progress_due_on=progress_due_on,
    )
    GeccCriterion.objects.bulk_create(
        GeccCriterion(
            round=round,
            group=item.group,
            code=item.code,
            position=position,
            text_th=item.text_th,
            text_en=item.text_en,
            measure_key=item.measure_key,
        )
        for position, item in enumerate(criteria_from_file(), start=1)
    )
    criteria_check(round)
    _round_audit(
        actor,
        "gecc_round.create",
        round,
        after={
            "fiscal_year": fiscal_year,
            "title_th": title_th,
            "title_en": title_en,
            "registration_due_on": registration_due_on,
            "progress_due_on": progress_due_on,
            "criteria": round.criteria.count(),
        },
    )
    return round


@transaction.atomic
def gecc_round_update(
    *,
    actor: Actor,
    round: GeccRound,
    title_th: str,
    title_en: str = "",
    registration_due_on: date,
    progress_due_on: date,
) -> GeccRound:
    """Changes a draft round's title and deadlines (same checks as creating).
    Permission: gecc.manage. Audit: gecc_round.update (before and after)."""
    _ensure_manage(actor)
    round = _round_locked(round)
    _ensure_draft(round)
    title_th = _title(title_th, "title_th", required=True)
    title_en = _title(title_en, "title_en", required=False)
    _deadlines(registration_due_on, progress_due_on)
    fields = ("title_th", "title_en", "registration_due_on", "progress_due_on")
    before = {name: getattr(round, name) for name in fields}
    round.title_th, round.title_en = title_th, title_en
    round.registration_due_on = registration_due_on
    round.progress_due_on = progress_due_on
    round.save(update_fields=[*fields, "updated_at"])
    _round_audit(
        actor,
        "gecc_round.update",
        round,
        before=before,
        after={name: getattr(round, name) for name in fields},
    )
    return round


def offices_from_codes(text: str) -> list[Office]:
    """The offices named by a pasted list of office codes (separated by
    spaces, commas or new lines). Unknown codes and offices that are not
    active registry offices are refused, all named, on "codes"."""
    codes = list(dict.fromkeys(text.replace(",", " ").split()))
    if not codes:
        raise InvalidInput(_("Paste at least one office code."), field="codes")
    found = {office.code: office for office in Office.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise InvalidInput(
            _("No office has these codes: %(codes)s.") % {"codes": ", ".join(unknown)},
            field="codes",
        )
    wrong = [
        code
        for code in codes
        if found[code].kind not in REGISTRY_OFFICES or not found[code].is_active
    ]
    if wrong:
        raise InvalidInput(
            _("These are not active registry offices: %(codes)s.")
            % {"codes": ", ".join(wrong)},
            field="codes",
        )
    return [found[code] for code in codes]


@transaction.atomic
def gecc_targets_set(
    *, actor: Actor, round: GeccRound, offices: Sequence[Office]
) -> GeccRound:
    """Makes `offices` the round's target registry offices (named by HQ) while
    it is being prepared: new ones are added, targets no longer named are
    removed; volunteers stay. Refused, naming them: offices that are not
    active registry offices (`offices_from_codes` reads a pasted list).
    Permission: gecc.manage. Audit: gecc_round.targets (added, removed)."""
    _ensure_manage(actor)
    round = _round_locked(round)
    _ensure_draft(round)
    wrong = [
        f"{office.code}"
        for office in offices
        if office.kind not in REGISTRY_OFFICES or not office.is_active
    ]
    if wrong:
        raise InvalidInput(
            _("These are not active registry offices: %(codes)s.")
            % {"codes": ", ".join(wrong)},
            field="offices",
        )
    wanted = {office.pk: office for office in offices}
    current = {
        participant.office_id: participant
        for participant in round.participants.filter(
            participation=GeccParticipation.TARGET
        ).select_related("office")
    }
    volunteers = set(
        round.participants.filter(
            participation=GeccParticipation.VOLUNTEER
        ).values_list("office_id", flat=True)
    )
    removed = [current[pk] for pk in current if pk not in wanted]
    added = [
        office
        for pk, office in wanted.items()
        if pk not in current and pk not in volunteers
    ]
    GeccParticipant.objects.filter(pk__in=[p.pk for p in removed]).delete()
    GeccParticipant.objects.bulk_create(
        GeccParticipant(
            round=round,
            office=office,
            district_id=office.district_id,
            province_id=_province_of(office),
            participation=GeccParticipation.TARGET,
        )
        for office in added
    )
    round.save(update_fields=["updated_at"])
    _round_audit(
        actor,
        "gecc_round.targets",
        round,
        after={
            "added": sorted(office.code for office in added),
            "removed": sorted(p.office.code for p in removed),
            "targets": len(wanted),
        },
    )
    return round


@transaction.atomic
def gecc_round_close(*, actor: Actor, round: GeccRound) -> GeccRound:
    """Closes an open round: its two requests are closed (no more reports,
    late ones refused) and nothing more can be assessed. Refused unless
    open. Permission: gecc.manage. Audit: gecc_round.close (plus each
    request's report_request.close)."""
    _ensure_manage(actor)
    round = _round_locked(round)
    _ensure_open(round)
    for request in (round.registration, round.progress):
        if request is not None and request.status == RequestStatus.SENT:
            collection.request_close(actor=actor, request=request)
    round.status = GeccRoundStatus.CLOSED
    round.save(update_fields=["status", "updated_at"])
    _round_audit(
        actor,
        "gecc_round.close",
        round,
        before={"status": GeccRoundStatus.OPEN},
        after={"status": GeccRoundStatus.CLOSED},
    )
    return round


@transaction.atomic
def gecc_round_open(*, actor: Actor, round: GeccRound) -> GeccRound:
    """Opens a prepared round: creates its two report requests (registration,
    due `registration_due_on`; self-assessment progress, due
    `progress_due_on`), each with the form the round generates, route direct
    to the participating offices, and sends both now (the progress one keeps
    its later deadline). Refused: not a draft, no participant, criteria not
    the standard's size, a deadline passed (the collection refuses it too).
    Permission: gecc.manage. Audit: gecc_round.open (plus the requests'
    own create and send events)."""
    _ensure_manage(actor)
    round = _round_locked(round)
    _ensure_draft(round)
    criteria_check(round)
    offices = [
        participant.office
        for participant in round.participants.select_related("office").order_by(
            "office__code"
        )
    ]
    if not offices:
        raise Conflict(_("Name at least one target registry office first."))
    _deadlines(round.registration_due_on, round.progress_due_on)
    hq = _hq()
    requests: dict[str, ReportRequest] = {}
    titles = {
        RequestKind.GECC_REGISTRATION: (
            "ลงทะเบียนศูนย์ราชการสะดวก",
            "GECC registration",
            registration_form(),
            round.registration_due_on,
        ),
        RequestKind.GECC_PROGRESS: (
            "ความก้าวหน้าการประเมินตนเองศูนย์ราชการสะดวก",
            "GECC self-assessment progress",
            progress_form(),
            round.progress_due_on,
        ),
    }
    for kind, (title_th, title_en, form, due_on) in titles.items():
        request = collection.request_create(
            actor=actor,
            issuer=hq,
            kind=kind,
            fiscal_year=round.fiscal_year,
            title_th=f"{title_th} {round.fiscal_year}",
            title_en=f"{title_en} {round.fiscal_year}",
            form=form,
            due_on=due_on,
            route=RequestRoute.DIRECT,
        )
        requests[kind] = collection.request_send(
            actor=actor, request=request, offices=offices
        )
    round.registration = requests[RequestKind.GECC_REGISTRATION]
    round.progress = requests[RequestKind.GECC_PROGRESS]
    round.status = GeccRoundStatus.OPEN
    round.opened_at = timezone.now()
    round.opened_by = actor if isinstance(actor, User) else None
    round.save(
        update_fields=[
            "registration",
            "progress",
            "status",
            "opened_at",
            "opened_by",
            "updated_at",
        ]
    )
    _round_audit(
        actor,
        "gecc_round.open",
        round,
        after={
            "offices": len(offices),
            "registration": str(round.registration.public_id),
            "progress": str(round.progress.public_id),
        },
    )
    return round


# --- An office: volunteer, responsible person ------------------------------------------


@transaction.atomic
def gecc_volunteer(
    *, actor: Actor, round: GeccRound, office: Office
) -> GeccParticipant:
    """A district's administrator volunteers one of its registry offices for
    an open round: the office joins as a volunteer and gets an answer to each
    of the round's sent requests. Refused: the round not open, not a registry
    office, already taking part. Permission: gecc.register at the office.
    Audit: gecc_office.volunteer."""
    ensure_may(actor, Action.GECC_REGISTER, office=office)
    round = _round_locked(round)
    _ensure_open(round)
    _registry_office(office)
    if round.participants.filter(office=office).exists():
        raise Conflict(
            _("%(office)s already takes part in this round.") % {"office": office.name}
        )
    participant = GeccParticipant.objects.create(
        round=round,
        office=office,
        district_id=office.district_id,
        province_id=_province_of(office),
        participation=GeccParticipation.VOLUNTEER,
    )
    for request in (round.registration, round.progress):
        if request is not None and request.status == RequestStatus.SENT:
            collection.answers_add_offices(
                actor=actor, request=request, offices=[office]
            )
    _office_audit(actor, "gecc_office.volunteer", participant)
    return participant


def responsible_candidates(office: Office) -> "list[User]":
    """Active accounts holding an active counter or district role at an
    office of `office`'s district (its own staff when it has no district),
    by name."""
    where = (
        Q(office__district_id=office.district_id)
        if office.district_id
        else Q(office=office)
    )
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=StaffRole.objects.filter(
                where,
                is_active=True,
                office__is_active=True,
                role__in=RESPONSIBLE_ROLES,
            ).values("user_id"),
        ).order_by("first_name", "last_name", "pk")
    )


@transaction.atomic
def gecc_responsible_set(
    *, actor: Actor, participant: GeccParticipant, user: User
) -> GeccParticipant:
    """Names the office's responsible person: an account of its district's
    staff (picked, never typed; Saduak never asks for a password). Refused for
    anyone else. Permission: gecc.register at the office.
    Audit: gecc_office.responsible (before and after)."""
    ensure_may(actor, Action.GECC_REGISTER, office=participant.office)
    participant = (
        GeccParticipant.objects.select_for_update(of=("self",))
        .select_related("round", "office", "responsible")
        .get(pk=participant.pk)
    )
    if participant.round.status == GeccRoundStatus.CLOSED:
        raise Conflict(_("The round is closed."))
    if user.pk not in {
        person.pk for person in responsible_candidates(participant.office)
    }:
        raise InvalidInput(
            _(
                "Choose someone on the staff of the office's district: they"
                " need their own Saduak account there."
            ),
            field="responsible",
        )
    before = participant.responsible.full_name if participant.responsible else ""
    participant.responsible = user
    participant.responsible_named_at = timezone.now()
    participant.save(
        update_fields=["responsible", "responsible_named_at", "updated_at"]
    )
    _office_audit(
        actor,
        "gecc_office.responsible",
        participant,
        before={"responsible": before},
        after={"responsible": user.full_name, "responsible_id": user.pk},
    )
    return participant


# --- Self-assessment -------------------------------------------------------------------


def _participant_for_fill(
    actor: Actor, participant: GeccParticipant
) -> GeccParticipant:
    ensure_may(actor, Action.REPORT_FILL, office=participant.office)
    participant = (
        GeccParticipant.objects.select_for_update(of=("self",))
        .select_related("round", "office")
        .get(pk=participant.pk)
    )
    _ensure_open(participant.round)
    return participant


def _criterion_of(participant: GeccParticipant, criterion: GeccCriterion) -> None:
    if criterion.round_id != participant.round_id:
        raise InvalidInput(_("This item is of another round."), field="criterion")


@transaction.atomic
def gecc_assess(
    *,
    actor: Actor,
    participant: GeccParticipant,
    criterion: GeccCriterion,
    status: str,
    note: str = "",
) -> GeccAssessment:
    """Records the office's assessment of one item: met, partly or not yet
    (or cleared: not assessed), with a note. Refused: the round not open, an
    item of another round, an unknown status, a note too long.
    Permission: report.fill at the office. Audit: gecc_office.assess."""
    participant = _participant_for_fill(actor, participant)
    _criterion_of(participant, criterion)
    if status not in GeccItemStatus.values:
        raise InvalidInput(_("Choose met, partly met or not yet met."), field="status")
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise InvalidInput(
            _("At most %(limit)s characters.") % {"limit": NOTE_LIMIT}, field="note"
        )
    assessment, _created = GeccAssessment.objects.select_for_update().get_or_create(
        participant=participant, criterion=criterion
    )
    before = {"status": assessment.status, "note": assessment.note}
    assessment.status, assessment.note = status, note
    assessment.updated_at = timezone.now()
    assessment.updated_by = actor if isinstance(actor, User) else None
    assessment.save(update_fields=["status", "note", "updated_at", "updated_by"])
    _office_audit(
        actor,
        "gecc_office.assess",
        participant,
        target=assessment,
        before=before,
        after={"criterion": criterion.code, "status": status, "note": note},
    )
    return assessment


def gecc_evidence_add(
    *,
    actor: Actor,
    participant: GeccParticipant,
    criterion: GeccCriterion,
    upload: UploadedFile,
    description: str = "",
) -> GeccEvidence:
    """Stores a photo or document showing one item (encrypted, core/uploads).
    Refused on "upload": not a PDF, JPEG, PNG or WebP by its content, over
    20 MB, unreadable; the round not open. Permission: report.fill at the
    office. Audit: gecc_office.evidence_add (name, type, size, SHA-256)."""
    description = (description or "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        raise InvalidInput(
            _("At most %(limit)s characters.") % {"limit": DESCRIPTION_LIMIT},
            field="description",
        )
    with delete_stored_on_error(), transaction.atomic():
        participant = _participant_for_fill(actor, participant)
        _criterion_of(participant, criterion)
        stored = encrypted_file_store(
            upload,
            allowed_types=ALLOWED_TYPES,
            max_bytes=MAX_BYTES,
            field="upload",
            prefix=STORAGE_PREFIX,
        )
        assessment, _created = GeccAssessment.objects.get_or_create(
            participant=participant, criterion=criterion
        )
        evidence = GeccEvidence.objects.create(
            assessment=assessment,
            description=description,
            uploaded_by=actor if isinstance(actor, User) else None,
            uploaded_at=timezone.now(),
            **stored.fields(),
        )
        _office_audit(
            actor,
            "gecc_office.evidence_add",
            participant,
            target=evidence,
            after={
                "criterion": criterion.code,
                "name": evidence.original_name,
                "type": evidence.content_type,
                "size": evidence.size,
                "sha256": evidence.sha256,
            },
        )
    return evidence


@transaction.atomic
def gecc_evidence_remove(*, actor: Actor, evidence: GeccEvidence) -> None:
    """Removes an evidence file while the round is open; the stored object is
    deleted after commit. Permission: report.fill at the office.
    Audit: gecc_office.evidence_remove."""
    participant = _participant_for_fill(actor, evidence.assessment.participant)
    storage_name = evidence.storage_name
    _office_audit(
        actor,
        "gecc_office.evidence_remove",
        participant,
        target=evidence,
        before={
            "criterion": evidence.assessment.criterion.code,
            "name": evidence.original_name,
            "sha256": evidence.sha256,
        },
    )
    evidence.delete()
    transaction.on_commit(lambda: storage_delete(storage_name), robust=True)


def measure_period(round: GeccRound, today: date) -> tuple[date, date]:
    """The days an outcome item is measured over: from the start of the
    round's fiscal year (1 October of the year before, C.E.) to today, or the
    last 365 days when the fiscal year has not begun."""
    start = date(round.fiscal_year - 543 - 1, 10, 1)
    if start > today:
        start = today - timedelta(days=MEASURE_DAYS - 1)
    return start, today


def outcome_scope(
    participant: GeccParticipant, key: str, start: date, end: date
) -> MeasureScope:
    """The office itself for a source that measures offices; its district
    otherwise (the happiness votes are given at the district's offices)."""
    source = measure_source_get(key)
    office = participant.office
    if (
        source is not None
        and OFFICE in source.levels
        and not key.startswith("feedback.")
    ):
        return MeasureScope(OFFICE, office.code, Q(office_id=office.pk), start, end)
    if office.district_id:
        return MeasureScope(
            "district",
            office.district_id,
            Q(district_id=office.district_id),
            start,
            end,
        )
    return MeasureScope(OFFICE, office.code, Q(office_id=office.pk), start, end)


def measured_value(measured: Measured, unit: str) -> Decimal | None:
    if measured.denominator is None:
        return measured.numerator
    if not measured.denominator:
        return None
    factor = FACTORS.get(unit, Decimal(1))
    value = measured.numerator * factor / measured.denominator
    return value.quantize(Decimal("0.0001"))


@transaction.atomic
def gecc_outcomes_fill(
    *, actor: Actor, participant: GeccParticipant, today: date | None = None
) -> list[GeccAssessment]:
    """Fills the outcome items that name a KPI source from Saduak's own data
    (the district's happiness index, the office's booking use, its visitors
    called within the waiting target), over `measure_period`, recording
    `measured_value` (None: nothing to measure yet) and `measured_at`. The
    office still chooses met / partly / not yet. Permission: report.fill.
    Audit: gecc_office.outcomes (the values)."""
    participant = _participant_for_fill(actor, participant)
    today = today or timezone.localdate()
    start, end = measure_period(participant.round, today)
    now = timezone.now()
    filled: list[GeccAssessment] = []
    values: dict[str, str | None] = {}
    for criterion in participant.round.criteria.filter(group=GeccGroup.OUTCOME).exclude(
        measure_key=""
    ):
        source = measure_source_get(criterion.measure_key)
        if source is None:
            continue
        scope = outcome_scope(participant, criterion.measure_key, start, end)
        value = measured_value(source.compute(scope), source.measure_unit)
        assessment, _created = GeccAssessment.objects.select_for_update().get_or_create(
            participant=participant, criterion=criterion
        )
        assessment.measured_value = value
        assessment.measured_at = now
        assessment.save(update_fields=["measured_value", "measured_at"])
        filled.append(assessment)
        values[criterion.code] = None if value is None else str(value)
    _office_audit(
        actor,
        "gecc_office.outcomes",
        participant,
        after={"values": values, "start": start, "end": end},
    )
    return filled


# --- The readiness form ----------------------------------------------------------------


def readiness_definition(round: GeccRound) -> FormDefinition | None:
    """The round's readiness form, or None while HQ has not built one."""
    if not round.readiness_form or not round.readiness_form.get("sections"):
        return None
    return form_from_definition(round.readiness_form)


def readiness_done(round: GeccRound, participant: GeccParticipant) -> bool:
    form = readiness_definition(round)
    if form is None:
        return True
    if participant.readiness_saved_at is None:
        return False
    return not answers_check_complete(
        form, participant.readiness, attachments_by_field={}
    )


@transaction.atomic
def gecc_readiness_save(
    *, actor: Actor, participant: GeccParticipant, raw: Mapping[str, Any]
) -> GeccParticipant:
    """Saves the office's answers to the round's readiness form (partial
    answers allowed), cleaned by the form engine. Refused: no readiness form
    yet, the round not open, an answer that is not valid (`extra["errors"]`
    by field key; nothing saved). Permission: report.fill.
    Audit: gecc_office.readiness (the keys answered)."""
    participant = _participant_for_fill(actor, participant)
    form = readiness_definition(participant.round)
    if form is None:
        raise Conflict(_("HQ has not built the readiness form yet."))
    fields = [item for section in form.sections for item in section.fields]
    cleaned, errors = answers_clean(form, raw, fields=fields)
    if errors:
        raise InvalidInput(
            _("Some answers need correcting."),
            code="answers-invalid",
            extra={"errors": errors},
        )
    refuse_secret_values(cleaned, form_definition=participant.round.readiness_form)
    participant.readiness = {**participant.readiness, **cleaned}
    participant.readiness_saved_at = timezone.now()
    participant.save(update_fields=["readiness", "readiness_saved_at", "updated_at"])
    _office_audit(
        actor,
        "gecc_office.readiness",
        participant,
        after={
            "answered": sorted(
                key for key, value in cleaned.items() if value is not None
            )
        },
    )
    return participant


# --- The two reports -------------------------------------------------------------------


def progress_counts(participant: GeccParticipant) -> dict[str, int]:
    """Items met, partly met and not yet met per part (one grouped query)."""
    counts = {
        progress_key(group, status): 0
        for group in GECC_GROUP_SIZES
        for status in STATUS_NAMES
    }
    rows = (
        GeccAssessment.objects.filter(participant=participant)
        .exclude(status="")
        .order_by()
        .values_list("criterion__group", "status")
        .annotate(items=Count("id"))
    )
    for group, status, items in rows:
        counts[progress_key(group, status)] = items
    return counts


def report_answers(participant: GeccParticipant, kind: str) -> dict[str, Any]:
    """What the office's registration or progress answer says, from its
    state in the round."""
    if kind == RequestKind.GECC_REGISTRATION:
        person = participant.responsible
        if person is None:
            raise InvalidInput(
                _("Name the office's responsible person first."), field="responsible"
            )
        return {
            "responsible_name": person.full_name,
            "responsible_position": person.position or None,
            "responsible_phone": person.phone or None,
            "participation": str(participant.get_participation_display()),
        }
    answers: dict[str, Any] = dict(progress_counts(participant))
    answers["readiness_done"] = (
        "yes" if readiness_done(participant.round, participant) else "no"
    )
    return answers


def report_answer_of(participant: GeccParticipant, kind: str) -> ReportAnswer | None:
    round = participant.round
    request = (
        round.registration if kind == RequestKind.GECC_REGISTRATION else round.progress
    )
    if request is None:
        return None
    return ReportAnswer.objects.filter(
        request=request, office=participant.office
    ).first()


def gecc_report_submit(
    *, actor: Actor, participant: GeccParticipant, kind: str
) -> ReportAnswer:
    """Fills the office's registration or progress answer from its state in
    the round and submits it to the province (collection.answer_save, then
    answer_submit: late after the deadline, refused once the request is
    closed). Refused: the round not open, no answer for the office, no
    responsible person (registration). Permission: report.submit at the
    office. Audit: the collection's report_answer.save and .submit."""
    if kind not in REPORT_KINDS:
        raise InvalidInput(
            _("Choose the registration or the progress report."), field="kind"
        )
    ensure_may(actor, Action.REPORT_SUBMIT, office=participant.office)
    with transaction.atomic():
        participant = (
            GeccParticipant.objects.select_related("round", "office", "responsible")
            .select_for_update(of=("self",))
            .get(pk=participant.pk)
        )
        _ensure_open(participant.round)
        answer = report_answer_of(participant, kind)
        if answer is None:
            raise Conflict(_("This office has no such report in the round."))
        answers = report_answers(participant, kind)
        answer = collection.answer_save(
            actor=actor, answer=answer, answers=answers, generated=True
        )
        return collection.answer_submit(actor=actor, answer=answer, generated=True)
