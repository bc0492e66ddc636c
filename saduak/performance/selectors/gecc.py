"""Reads of the GECC round: the rounds, an office's checklist, HQ's progress
per province and office against the two deadlines, and the share of items
met per criterion across the country (each a fixed number of queries,
pattern C of docs/layout.md 8.4)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from saduak.accounts.matrix import REGISTRY_OFFICES, Action, Actor, may
from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.areas.models import Office
from saduak.core.errors import NotFound
from saduak.performance.choices import (
    AnswerStatus,
    GeccGroup,
    GeccItemStatus,
    GeccRoundStatus,
)
from saduak.performance.models import (
    GeccAssessment,
    GeccCriterion,
    GeccEvidence,
    GeccParticipant,
    GeccRound,
    ReportAnswer,
)

DONE = frozenset({AnswerStatus.SUBMITTED, AnswerStatus.CERTIFIED})


def rounds_list() -> QuerySet[GeccRound]:
    return GeccRound.objects.order_by("-fiscal_year")


def round_get(*, fiscal_year: int) -> GeccRound:
    found = (
        GeccRound.objects.select_related("registration", "progress")
        .filter(fiscal_year=fiscal_year)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def participant_get(
    *, user: Actor, round: GeccRound, office_code: str
) -> GeccParticipant:
    """The office's place in the round; NotFound when it does not take part
    or the user's reach does not cover it."""
    participant = (
        GeccParticipant.objects.select_related(
            "round", "office", "responsible", "province", "district"
        )
        .filter(round=round, office__code=office_code)
        .first()
    )
    if participant is None or not office_readable(user, participant.office):
        raise NotFound()
    return participant


def office_readable(user: Actor, office: Office) -> bool:
    if not isinstance(user, User):
        return False
    return read_reach(user).covers_office(office)


def volunteer_offices(*, user: Actor, round: GeccRound) -> list[Office]:
    """Registry offices the user may volunteer that are not yet in the round."""
    if round.status != GeccRoundStatus.OPEN or not may(user, Action.GECC_REGISTER):
        return []
    taken = GeccParticipant.objects.filter(round=round).values("office_id")
    candidates = Office.objects.filter(
        is_active=True, kind__in=REGISTRY_OFFICES
    ).exclude(pk__in=taken)
    reach = read_reach(user) if isinstance(user, User) else None
    if reach is None or reach.is_empty:
        return []
    if not reach.everything:
        candidates = candidates.filter(district_id__in=reach.districts)
    return [
        office
        for office in candidates.order_by("code")[:200]
        if may(user, Action.GECC_REGISTER, office=office)
    ]


def my_participants(*, user: Actor, round: GeccRound) -> list[GeccParticipant]:
    """The round's offices in a province's or district's reach (HQ follows
    them all on the progress page instead: none here)."""
    if not isinstance(user, User):
        return []
    reach = read_reach(user)
    if reach.everything or reach.is_empty:
        return []
    return list(
        GeccParticipant.objects.filter(reach.q(), round=round)
        .select_related("office", "responsible")
        .order_by("office__code")
    )


# --- An office's checklist ----------------------------------------------------------


@dataclass
class ChecklistItem:
    criterion: GeccCriterion
    assessment: GeccAssessment | None

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else ""

    @property
    def note(self) -> str:
        return self.assessment.note if self.assessment else ""

    @property
    def evidence(self) -> list[GeccEvidence]:
        return list(self.assessment.evidence.all()) if self.assessment else []


@dataclass
class ChecklistPart:
    group: str
    label: str
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def assessed(self) -> int:
        return sum(1 for item in self.items if item.status)


def office_checklist(participant: GeccParticipant) -> list[ChecklistPart]:
    """The round's items grouped by part, each with the office's assessment
    and its evidence (three queries)."""
    assessments = {
        assessment.criterion_id: assessment
        for assessment in GeccAssessment.objects.filter(
            participant=participant
        ).prefetch_related(
            Prefetch("evidence", queryset=GeccEvidence.objects.order_by("pk"))
        )
    }
    parts = {
        group.value: ChecklistPart(group.value, str(group.label)) for group in GeccGroup
    }
    for criterion in GeccCriterion.objects.filter(
        round_id=participant.round_id
    ).order_by("position"):
        parts[criterion.group].items.append(
            ChecklistItem(criterion, assessments.get(criterion.pk))
        )
    return list(parts.values())


# --- HQ's progress ------------------------------------------------------------------


@dataclass
class OfficeProgress:
    participant: GeccParticipant
    assessed: int = 0
    registration_status: str = ""
    registration_late: bool = False
    progress_status: str = ""
    progress_late: bool = False
    registration_overdue: bool = False
    progress_overdue: bool = False

    @property
    def office(self) -> Office:
        return self.participant.office

    @property
    def responsible_named(self) -> bool:
        return self.participant.responsible_id is not None

    @property
    def registered(self) -> bool:
        return self.registration_status in DONE

    @property
    def registration_label(self) -> str:
        return _status_label(self.registration_status)

    @property
    def progress_label(self) -> str:
        return _status_label(self.progress_status)


def _status_label(status: str) -> str:
    return str(AnswerStatus(status).label) if status else ""


@dataclass
class ProvinceProgress:
    code: str
    name: str
    offices: int = 0
    responsible_named: int = 0
    registered: int = 0
    registration_certified: int = 0
    registration_overdue: int = 0
    progress_submitted: int = 0
    progress_certified: int = 0
    progress_overdue: int = 0
    late: int = 0
    assessed: int = 0
    items: int = 0

    @property
    def assessed_share(self) -> float | None:
        return self.assessed / self.items if self.items else None


@dataclass
class RoundProgress:
    provinces: list[ProvinceProgress]
    offices: list[OfficeProgress]
    total: ProvinceProgress


def _overdue(status: str, due_on: date, today: date) -> bool:
    return (
        status not in DONE
        and status not in (AnswerStatus.EXCUSED, "")
        and due_on < today
    )


def round_progress(
    round: GeccRound, *, province_code: str = "", today: date | None = None
) -> RoundProgress:
    """Per office and per province: responsible named, items assessed, the
    registration and progress answers (submitted, certified, late, overdue
    against their deadlines). Four queries whatever the number of offices."""
    today = today or timezone.localdate()
    participants = GeccParticipant.objects.filter(round=round).select_related(
        "office", "province", "responsible"
    )
    if province_code:
        participants = participants.filter(province_id=province_code)
    rows = {
        participant.pk: OfficeProgress(participant)
        for participant in participants.order_by("province_id", "office__code")
    }
    assessed = (
        GeccAssessment.objects.filter(participant__round=round)
        .exclude(status="")
        .order_by()
        .values_list("participant_id")
        .annotate(items=Count("id"))
    )
    for participant_id, items in assessed:
        if participant_id in rows:
            rows[participant_id].assessed = items
    by_office = {row.participant.office_id: row for row in rows.values()}
    request_ids = [
        pk for pk in (round.registration_id, round.progress_id) if pk is not None
    ]
    answers = (
        ReportAnswer.objects.filter(request_id__in=request_ids)
        .order_by()
        .values_list("request_id", "office_id", "status", "late", "due_on")
    )
    for request_id, office_id, status, late, due_on in answers:
        row = by_office.get(office_id)
        if row is None:
            continue
        if request_id == round.registration_id:
            row.registration_status, row.registration_late = status, late
            row.registration_overdue = _overdue(status, due_on, today)
        else:
            row.progress_status, row.progress_late = status, late
            row.progress_overdue = _overdue(status, due_on, today)
    items = GeccCriterion.objects.filter(round=round).count()
    provinces: dict[str, ProvinceProgress] = {}
    total = ProvinceProgress("", "")
    for row in rows.values():
        province = row.participant.province
        unit = provinces.get(province.code)
        if unit is None:
            unit = provinces[province.code] = ProvinceProgress(
                province.code, province.name
            )
        for target in (unit, total):
            target.offices += 1
            target.responsible_named += row.responsible_named
            target.registered += row.registered
            target.registration_certified += (
                row.registration_status == AnswerStatus.CERTIFIED
            )
            target.registration_overdue += row.registration_overdue
            target.progress_submitted += row.progress_status in DONE
            target.progress_certified += row.progress_status == AnswerStatus.CERTIFIED
            target.progress_overdue += row.progress_overdue
            target.late += row.registration_late + row.progress_late
            target.assessed += row.assessed
            target.items += items
    return RoundProgress(
        sorted(provinces.values(), key=lambda unit: unit.code),
        list(rows.values()),
        total,
    )


# --- The share of items met per criterion ----------------------------------------------


@dataclass
class CriterionShare:
    criterion: GeccCriterion
    offices: int
    met: int = 0
    partly: int = 0
    not_yet: int = 0

    @property
    def not_assessed(self) -> int:
        return self.offices - self.met - self.partly - self.not_yet

    def share(self, count: int) -> float | None:
        return count / self.offices if self.offices else None

    @property
    def met_share(self) -> float | None:
        return self.share(self.met)

    @property
    def partly_share(self) -> float | None:
        return self.share(self.partly)

    @property
    def not_yet_share(self) -> float | None:
        return self.share(self.not_yet)


def criteria_share(round: GeccRound) -> list[CriterionShare]:
    """For each item of the round, how many of its offices met it, partly met
    it, have not yet met it (one grouped query over the assessments, plus the
    items and the number of offices)."""
    offices = GeccParticipant.objects.filter(round=round).count()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        GeccAssessment.objects.filter(criterion__round=round)
        .exclude(status="")
        .order_by()
        .values_list("criterion_id", "status")
        .annotate(items=Count("id"))
    )
    for criterion_id, status, items in rows:
        counts[criterion_id][status] = items
    return [
        CriterionShare(
            criterion,
            offices,
            met=counts[criterion.pk].get(GeccItemStatus.MET, 0),
            partly=counts[criterion.pk].get(GeccItemStatus.PARTLY, 0),
            not_yet=counts[criterion.pk].get(GeccItemStatus.NOT_YET, 0),
        )
        for criterion in GeccCriterion.objects.filter(round=round).order_by("position")
    ]
