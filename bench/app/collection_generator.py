"""The bench's load of a directive in progress over the whole map
(docs/bench-collection.md): HQ's directive sent through the 77 provinces,
each forwarding it to its districts (928 answers on the full map), then
the answers moved on as the offices and provinces would have: read,
acknowledged, submitted (some late), sent back, certified.

The staff (an HQ administrator, one provincial staff member per province,
one district administrator per district office, each with an e-mail so
that every notification is queued) are written with bulk_create (no audit
trail: the bench measures the sending and the pages, not the set-up). The
request itself is made, sent and forwarded by the app's own services
(`request_create`, `request_send`, `leg_forward`), timed. What the offices
did afterwards is written in bulk, as the answer services would have left
it: the status, its timestamps and people, the answers cleaned by the form
engine, one history line (`AnswerStep`) per step. The clock is moved back
first: the request was sent `SENT_DAYS_AGO` days ago and its deadline passed
`OVERDUE_DAYS` days ago, so that the dashboard has overdue and late
answers to count."""

import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.models import StaffRole, User
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.core.personal_id import with_check_digit
from saduak.forms_engine.answers import answers_clean
from saduak.forms_engine.definition import form_from_definition
from saduak.performance.choices import (
    AnswerStatus,
    AnswerStepKind,
    RequestRoute,
)
from saduak.performance.demo_collection import (
    LETTERHEADS,
    REPORT_FORM,
    report_answers,
)
from saduak.performance.models import (
    AnswerStep,
    Directive,
    Letterhead,
    ReportAnswer,
    ReportRequest,
    RequestLeg,
)
from saduak.performance.services.collection import leg_forward, request_update
from saduak.performance.services.directives import (
    directive_create,
    directive_send,
    letterhead_save,
)

TITLE_TH = "รายงานผลการออกหน่วยบริการเคลื่อนที่ (โหลดทดสอบ)"
TITLE_EN = "Mobile-unit service days report (load test)"
SENT_DAYS_AGO = 20
OVERDUE_DAYS = 2
# Where the answers stand, by share (the rest stay new); one district in
# forty is excluded by its province with a reason when forwarded.
STATUS_SHARES = (
    (AnswerStatus.READ, 0.10),
    (AnswerStatus.ACKNOWLEDGED, 0.15),
    (AnswerStatus.SUBMITTED, 0.25),
    (AnswerStatus.RETURNED, 0.05),
    (AnswerStatus.CERTIFIED, 0.35),
)
EXCLUDE_EVERY = 40
HQ_TWELVE = "789999999999"


class NothingToLoad(Exception):
    """The map has no district offices: run load_areas first."""


@dataclass
class Staff:
    hq: User
    provinces: dict[str, User] = field(default_factory=dict)
    districts: dict[str, User] = field(default_factory=dict)


@dataclass(frozen=True)
class GeneratedCollection:
    public_id: str
    provinces: int
    answers: int
    by_status: dict[str, int]
    excused: int
    late: int
    staff: int
    send_seconds: float
    forward_seconds: float
    seconds: float


def _person(twelve: str, first: str, last: str, email: str, position: str) -> User:
    user = User(
        personal_id=with_check_digit(twelve),
        first_name=first,
        last_name=last,
        email=email,
        position=position,
    )
    user.set_unusable_password()
    return user


def bench_staff() -> Staff:
    """An HQ administrator, one provincial staff member at each active
    province's office and one district administrator at each active district
    office, each with an e-mail address and a position; made once (found
    again by their personal IDs)."""
    hq_office = Office.objects.get(kind=OfficeKind.HEADQUARTERS)
    wanted: list[tuple[User, Role, Office]] = []
    hq = _person(
        HQ_TWELVE,
        "ผู้อำนวยการ",
        "ทดสอบโหลด",
        "bench.hq@example.org",
        "ผู้อำนวยการส่วนทดสอบ",
    )
    wanted.append((hq, Role.HQ_ADMIN, hq_office))
    offices = Office.objects.filter(
        is_active=True,
        kind__in=[OfficeKind.PROVINCIAL_OFFICE, OfficeKind.DISTRICT_OFFICE],
    ).order_by("code")
    for office in offices:
        digits = office.code.split("-", 1)[1]
        if office.kind == OfficeKind.PROVINCIAL_OFFICE:
            twelve, role, position = (
                f"7800000000{digits}",
                Role.PROVINCIAL_STAFF,
                "เจ้าพนักงานปกครองชำนาญงาน",
            )
        else:
            twelve, role, position = (
                f"78100000{digits}",
                Role.DISTRICT_ADMIN,
                "ปลัดอำเภอ",
            )
        person = _person(
            twelve, "เจ้าหน้าที่", office.code, f"bench.{office.code}@example.org", position
        )
        wanted.append((person, role, office))
    if len(wanted) == 1:
        raise NothingToLoad("The map has no offices: run load_areas first.")
    existing = set(
        User.objects.filter(
            personal_id__in=[user.personal_id for user, _role, _office in wanted]
        ).values_list("personal_id", flat=True)
    )
    with transaction.atomic():
        User.objects.bulk_create(
            [user for user, _r, _o in wanted if user.personal_id not in existing]
        )
        ids = dict(
            User.objects.filter(
                personal_id__in=[user.personal_id for user, _r, _o in wanted]
            ).values_list("personal_id", "pk")
        )
        StaffRole.objects.bulk_create(
            [
                StaffRole(user_id=ids[user.personal_id], role=role, office=office)
                for user, role, office in wanted
            ],
            ignore_conflicts=True,
        )
    people = User.objects.in_bulk(list(ids.values()))
    staff = Staff(hq=people[ids[hq.personal_id]])
    for user, _role, office in wanted[1:]:
        person = people[ids[user.personal_id]]
        if office.kind == OfficeKind.PROVINCIAL_OFFICE:
            staff.provinces[str(office.province_id)] = person
        else:
            staff.districts[office.code] = person
    return staff


def directive_draft(
    hq: User,
    *,
    title_th: str = TITLE_TH,
    route: str = RequestRoute.THROUGH_PROVINCES,
    offices: Sequence[Office] = (),
) -> Directive:
    """HQ's draft directive (the report form of the demo's directive, due in
    two weeks, signed by `hq`), made by the services; HQ's letterhead is set
    first if it has none."""
    issuer = Office.objects.get(kind=OfficeKind.HEADQUARTERS)
    if not Letterhead.objects.filter(office=issuer).exists():
        letterhead_save(actor=hq, office=issuer, **LETTERHEADS["hq"])
    directive = directive_create(
        actor=hq,
        issuer=issuer,
        title_th=title_th,
        title_en=TITLE_EN,
        instructions="รายงานจำนวนวันและจำนวนผู้รับบริการของหน่วยบริการเคลื่อนที่",
        due_on=timezone.localdate() + timedelta(days=14),
        addressee="ผู้ว่าราชการจังหวัด ทุกจังหวัด",
        body="ขอให้รายงานผลการออกหน่วยบริการเคลื่อนที่ตามแบบรายงานที่แนบ",
        route=route,
        offices=offices,
        signer=hq,
    )
    request_update(actor=hq, request=directive.request, form=REPORT_FORM)
    directive.refresh_from_db()
    return directive


def collection_generate(*, seed: int = 1, replace: bool = False) -> GeneratedCollection:
    """Sends one directive through every province to every district office
    and leaves its answers in progress (see the module's docstring).
    `replace` deletes the bench's earlier directives first."""
    started = time.perf_counter()
    rng = random.Random(seed)
    staff = bench_staff()
    if replace:
        ReportRequest.objects.filter(title_en=TITLE_EN).delete()
    directive = directive_draft(staff.hq)
    clock = time.perf_counter()
    request = directive_send(actor=staff.hq, directive=directive).request
    send_seconds = time.perf_counter() - clock
    districts_of: dict[str, list[str]] = {}
    for code, province in Office.objects.filter(
        kind=OfficeKind.DISTRICT_OFFICE, is_active=True
    ).values_list("district_id", "province_id"):
        districts_of.setdefault(province, []).append(code)
    legs = list(request.legs.select_related("province", "office").order_by("province"))
    clock = time.perf_counter()
    excluded_count = 0
    for n, leg in enumerate(legs):
        districts = sorted(districts_of.get(leg.province_id, []))
        excluded = {}
        if n % 7 == 3 and len(districts) > 2:
            excluded[districts[-1]] = "อำเภอนี้ไม่มีหน่วยบริการเคลื่อนที่ในปีงบประมาณนี้"
            excluded_count += 1
        leg_forward(
            actor=staff.provinces[leg.province_id],
            leg=leg,
            cover_note="ขอให้อำเภอรายงานภายในกำหนด",
            excluded=excluded,
        )
    forward_seconds = time.perf_counter() - clock
    _advance(request, staff, rng)
    statuses = Counter(
        ReportAnswer.objects.filter(request=request).values_list("status", flat=True)
    )
    return GeneratedCollection(
        public_id=str(request.public_id),
        provinces=len(legs),
        answers=sum(statuses.values()),
        by_status=dict(sorted(statuses.items())),
        excused=statuses.get(AnswerStatus.EXCUSED, 0),
        late=ReportAnswer.objects.filter(request=request, late=True).count(),
        staff=1 + len(staff.provinces) + len(staff.districts),
        send_seconds=send_seconds,
        forward_seconds=forward_seconds,
        seconds=time.perf_counter() - started,
    )


def _pick(rng: random.Random) -> str:
    roll = rng.random()
    for status, share in STATUS_SHARES:
        if roll < share:
            return status
        roll -= share
    return AnswerStatus.NEW


@transaction.atomic
def _advance(request: ReportRequest, staff: Staff, rng: random.Random) -> None:
    """Moves the clock back and the answers on (see the module's docstring)."""
    now = timezone.now()
    sent_at = now - timedelta(days=SENT_DAYS_AGO)
    due_on = timezone.localdate() - timedelta(days=OVERDUE_DAYS)
    ReportRequest.objects.filter(pk=request.pk).update(sent_at=sent_at, due_on=due_on)
    RequestLeg.objects.filter(request=request).update(
        due_on=due_on, read_at=sent_at, forwarded_at=sent_at + timedelta(days=1)
    )
    ReportAnswer.objects.filter(request=request).update(due_on=due_on)
    definition = form_from_definition(REPORT_FORM)
    fields = [item for section in definition.sections for item in section.fields]
    changed: list[ReportAnswer] = []
    steps: list[AnswerStep] = []
    answers = ReportAnswer.objects.filter(request=request).exclude(
        status=AnswerStatus.EXCUSED
    )
    for answer in answers.select_related("office").order_by("office__code"):
        status = _pick(rng)
        if status == AnswerStatus.NEW:
            continue
        person = staff.districts.get(answer.office.code)
        certifier = staff.provinces[answer.province_id]
        at = sent_at + timedelta(days=1, minutes=rng.randrange(24 * 60))
        _step(steps, answer, AnswerStepKind.READ, at, person)
        answer.read_at = at
        answer.status = status
        if status != AnswerStatus.READ:
            at += timedelta(hours=rng.randrange(1, 48))
            _step(steps, answer, AnswerStepKind.ACKNOWLEDGED, at, person)
            answer.acknowledged_at, answer.acknowledged_by = at, person
        if status in (
            AnswerStatus.SUBMITTED,
            AnswerStatus.RETURNED,
            AnswerStatus.CERTIFIED,
        ):
            at = min(
                at + timedelta(days=rng.randrange(1, SENT_DAYS_AGO)),
                now - timedelta(hours=3),
            )
            cleaned, errors = answers_clean(
                definition, report_answers(rng), fields=fields
            )
            assert not errors, errors
            answer.answers = cleaned
            answer.saved_at = answer.submitted_at = at
            answer.submitted_by = person
            answer.late = timezone.localtime(at).date() > due_on
            _step(steps, answer, AnswerStepKind.SUBMITTED, at, person)
        if status == AnswerStatus.RETURNED:
            at += timedelta(hours=2)
            answer.returned_at = at
            answer.return_comment = "ตารางรายเดือนไม่ครบทุกเดือน กรุณาเพิ่มเติม"
            _step(steps, answer, AnswerStepKind.RETURNED, at, certifier, "ไม่ครบ")
        if status == AnswerStatus.CERTIFIED:
            at += timedelta(hours=2)
            answer.certified_at, answer.certified_by = at, certifier
            answer.certifier_name = certifier.get_full_name()
            answer.certifier_position = certifier.position
            _step(steps, answer, AnswerStepKind.CERTIFIED, at, certifier)
        changed.append(answer)
    ReportAnswer.objects.bulk_update(
        changed,
        [
            "status",
            "read_at",
            "acknowledged_at",
            "acknowledged_by",
            "answers",
            "saved_at",
            "submitted_at",
            "submitted_by",
            "late",
            "returned_at",
            "return_comment",
            "certified_at",
            "certified_by",
            "certifier_name",
            "certifier_position",
        ],
        batch_size=500,
    )
    AnswerStep.objects.bulk_create(steps, batch_size=2000)


def _step(
    steps: list[AnswerStep],
    answer: ReportAnswer,
    kind: str,
    at: datetime,
    actor: User | None,
    comment: str = "",
) -> None:
    steps.append(
        AnswerStep(answer=answer, kind=kind, at=at, actor=actor, comment=comment)
    )


def report_line(made: GeneratedCollection) -> str:
    """The loader's one-line report (printed by the command, read by the
    bench)."""
    statuses = ", ".join(f"{status} {n}" for status, n in made.by_status.items())
    return (
        f"directive {made.public_id}: {made.answers} answers over "
        f"{made.provinces} provinces ({statuses}; {made.late} late); "
        f"{made.staff} staff; request_send {made.send_seconds:.2f}s, "
        f"{made.provinces} leg_forward {made.forward_seconds:.2f}s; "
        f"in {made.seconds:.1f}s"
    )
