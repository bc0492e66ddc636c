"""Reads of report collection (docs/performance-collection.md): one request,
answer or leg within the viewer's reach (NotFound outside it), the requests
an office issued, an office's or a province's inbox, and a request's
progress per province or per district.

The inbox and the progress are pattern C of docs/layout.md 8.4: live counts
over `ReportAnswer` bounded by one request (index `request, status`) or by
the viewer's offices (index `office, status`), a fixed number of queries
whatever the number of rows."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, action_reach
from saduak.accounts.models import User
from saduak.accounts.scoping import Reach, read_reach
from saduak.accounts.units import COUNTRY, PROVINCE, Unit
from saduak.areas.models import District, Office, Province
from saduak.core.errors import NotFound
from saduak.performance.choices import AnswerStatus, LegStatus, RequestStatus
from saduak.performance.models import ReportAnswer, ReportRequest, RequestLeg

DUE_SOON_DAYS = 3
PER_PAGE = 50
# States an office can still act on (due soon and overdue apply to these).
OPEN_STATUSES = (
    AnswerStatus.NEW,
    AnswerStatus.READ,
    AnswerStatus.ACKNOWLEDGED,
)
# States the inbox shows as they are, whatever the deadline.
SETTLED = (
    AnswerStatus.SUBMITTED,
    AnswerStatus.RETURNED,
    AnswerStatus.CERTIFIED,
    AnswerStatus.EXCUSED,
)
DUE_SOON, OVERDUE = "due_soon", "overdue"
INBOX_STATES = (*OPEN_STATUSES, DUE_SOON, OVERDUE, *SETTLED)
LEG_WAITING = (LegStatus.RECEIVED, LegStatus.FORWARDED, LegStatus.RETURNED)


def _not_found() -> NotFound:
    return NotFound(_("There is no such report request, or it is outside your area."))


def _uuid(public_id: Any) -> UUID:
    try:
        return public_id if isinstance(public_id, UUID) else UUID(str(public_id))
    except ValueError:
        raise _not_found() from None


def _answer_q(reach: Reach) -> Q:
    return reach.q(office="office_id", district="district_id", province="province_id")


def _leg_q(reach: Reach) -> Q:
    return reach.q(office="office_id", district="office__district_id")


def _issuer_q(reach: Reach) -> Q:
    return reach.q(
        office="issuer_id",
        district="issuer__district_id",
        province="issuer__province_id",
    )


# ---------------------------------------------------------------- one record


def request_get(*, user: User, public_id: Any) -> ReportRequest:
    """A request the user may read: issued by an office in their read reach,
    or (once sent) addressed to an office or province in it."""
    reach = read_reach(user)
    request = (
        ReportRequest.objects.select_related("issuer", "issuer__province")
        .filter(public_id=_uuid(public_id))
        .first()
    )
    if request is None:
        raise _not_found()
    if reach.covers_office(request.issuer):
        return request
    if request.status != RequestStatus.DRAFT and (
        RequestLeg.objects.filter(request=request).filter(_leg_q(reach)).exists()
        or ReportAnswer.objects.filter(request=request)
        .filter(_answer_q(reach))
        .exists()
    ):
        return request
    raise _not_found()


def requests_issued(*, user: User) -> QuerySet[ReportRequest]:
    """The requests issued by an office in the user's read reach (HQ's and
    the provinces' for HQ; a province's own for its staff), newest first,
    with the count of answers and of those submitted or certified."""
    reach = read_reach(user)
    return (
        ReportRequest.objects.filter(_issuer_q(reach))
        .select_related("issuer")
        .annotate(
            answers_expected=Count(
                "answers", filter=~Q(answers__status=AnswerStatus.EXCUSED)
            ),
            answers_in=Count(
                "answers",
                filter=Q(
                    answers__status__in=(AnswerStatus.SUBMITTED, AnswerStatus.CERTIFIED)
                ),
            ),
        )
        .order_by("-created_at", "-id")
    )


def answer_get(*, user: User, public_id: Any) -> ReportAnswer:
    """An answer of an office in the user's read reach, with its request,
    leg and office."""
    answer = (
        ReportAnswer.objects.select_related(
            "request", "request__issuer", "leg", "leg__office", "office", "district"
        )
        .filter(public_id=_uuid(public_id))
        .filter(_answer_q(read_reach(user)))
        .filter(request__status__in=(RequestStatus.SENT, RequestStatus.CLOSED))
        .first()
    )
    if answer is None:
        raise NotFound(_("There is no such report, or it is outside your area."))
    return answer


def leg_get(*, user: User, request: ReportRequest, province_code: str) -> RequestLeg:
    """The request at one province, when the user reads that province's
    provincial office or issued the request."""
    leg = (
        RequestLeg.objects.select_related(
            "request", "request__issuer", "office", "province"
        )
        .filter(request=request, province_id=str(province_code or ""))
        .first()
    )
    reach = read_reach(user)
    if leg is None or not (
        reach.covers_office(leg.office) or reach.covers_office(request.issuer)
    ):
        raise NotFound(
            _("This province has no such request, or it is outside your area.")
        )
    return leg


# ---------------------------------------------------------------- inbox


def inbox_state(answer: ReportAnswer, today: date | None = None) -> str:
    """The inbox state of an answer: submitted, returned, certified and
    excused as they are; otherwise overdue after its deadline, due soon
    within DUE_SOON_DAYS of it, else new, read or acknowledged."""
    today = today or timezone.localdate()
    if answer.status in SETTLED:
        return str(answer.status)
    if answer.due_on < today:
        return OVERDUE
    if answer.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return DUE_SOON
    return str(answer.status)


def _state_q(state: str, today: date) -> Q:
    soon = today + timedelta(days=DUE_SOON_DAYS)
    if state in SETTLED:
        return Q(status=state)
    if state == OVERDUE:
        return Q(status__in=OPEN_STATUSES, due_on__lt=today)
    if state == DUE_SOON:
        return Q(status__in=OPEN_STATUSES, due_on__gte=today, due_on__lte=soon)
    if state in OPEN_STATUSES:
        return Q(status=state, due_on__gt=soon)
    raise NotFound(_("There is no such inbox state."))


def leg_state(leg: RequestLeg, today: date | None = None) -> str:
    """A leg's inbox state: its status, or overdue while it waits on the
    province after the request's deadline."""
    today = today or timezone.localdate()
    if leg.status in LEG_WAITING and leg.request.due_on < today:
        return OVERDUE
    return str(leg.status)


@dataclass(frozen=True)
class InboxRow:
    """One line of an inbox: an office's answer, or a province's leg."""

    state: str
    due_on: date
    request: ReportRequest
    answer: ReportAnswer | None = None
    leg: RequestLeg | None = None

    @property
    def is_leg(self) -> bool:
        return self.leg is not None


@dataclass
class Inbox:
    rows: list[InboxRow]
    page: int
    pages: int
    total: int


def inbox(
    *, user: User, state: str | None = None, page: int = 1, per_page: int = PER_PAGE
) -> list[InboxRow]:
    """One page of the user's inbox (see `inbox_page`)."""
    return inbox_page(user=user, state=state, page=page, per_page=per_page).rows


def inbox_page(
    *, user: User, state: str | None = None, page: int = 1, per_page: int = PER_PAGE
) -> Inbox:
    """The answers of the offices the user may fill or submit
    (`report.fill`/`report.submit` reach) of sent and closed requests, and,
    for provincial staff, their province's legs (`request.forward` /
    `report.certify` reach), newest deadline first, one page. `state`
    keeps one inbox state (INBOX_STATES). Three queries for answers and
    legs plus the two counts: bounded whatever the volume."""
    today = timezone.localdate()
    fill = action_reach(user, Action.REPORT_FILL)
    submit = action_reach(user, Action.REPORT_SUBMIT)
    forward = action_reach(user, Action.REQUEST_FORWARD)
    certify = action_reach(user, Action.REPORT_CERTIFY)
    sent = Q(request__status__in=(RequestStatus.SENT, RequestStatus.CLOSED))
    answers = ReportAnswer.objects.filter(sent).filter(
        _answer_q(fill) | _answer_q(submit)
    )
    legs = RequestLeg.objects.filter(sent).filter(_leg_q(forward) | _leg_q(certify))
    if forward.is_empty and certify.is_empty:
        legs = legs.none()
    if fill.is_empty and submit.is_empty:
        answers = answers.none()
    if state:
        if state not in INBOX_STATES:
            raise NotFound(_("There is no such inbox state."))
        answers = answers.filter(_state_q(state, today))
        legs = _legs_in_state(legs, state, today)
    answer_total = answers.count()
    leg_total = legs.count()
    total = answer_total + leg_total
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    # Newest deadline first over both kinds: take enough of each for the
    # page, then merge.
    upto = page * per_page
    answer_rows = list(
        answers.select_related("request", "request__issuer", "office", "leg").order_by(
            "-due_on", "-id"
        )[:upto]
    )
    leg_rows = list(
        legs.select_related(
            "request", "request__issuer", "office", "province"
        ).order_by("-due_on", "-id")[:upto]
    )
    rows = [
        InboxRow(inbox_state(a, today), a.due_on, a.request, answer=a)
        for a in answer_rows
    ] + [InboxRow(leg_state(g, today), g.due_on, g.request, leg=g) for g in leg_rows]
    rows.sort(key=lambda row: row.due_on, reverse=True)
    return Inbox(rows[(page - 1) * per_page : upto], page, pages, total)


def _legs_in_state(
    legs: QuerySet[RequestLeg], state: str, today: date
) -> QuerySet[RequestLeg]:
    if state == OVERDUE:
        return legs.filter(status__in=LEG_WAITING, request__due_on__lt=today)
    if state in LegStatus.values:
        return legs.filter(status=state).exclude(
            status__in=LEG_WAITING, request__due_on__lt=today
        )
    return legs.none()


# ---------------------------------------------------------------- progress


@dataclass
class ProgressRow:
    """One province, district or office of a request's progress."""

    code: str
    name: str
    expected: int = 0
    read: int = 0
    acknowledged: int = 0
    submitted: int = 0  # submitted or certified
    certified: int = 0
    excused: int = 0
    returned: int = 0
    overdue: int = 0
    late: int = 0
    on_time: int = 0
    leg: RequestLeg | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def reporting_rate(self) -> float | None:
        """(submitted + certified) / (expected - excused); `submitted`
        already counts the certified ones."""
        due = self.expected - self.excused
        return self.submitted / due if due > 0 else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.submitted if self.submitted else None

    def add(self, other: "ProgressRow") -> None:
        for name in (
            "expected",
            "read",
            "acknowledged",
            "submitted",
            "certified",
            "excused",
            "returned",
            "overdue",
            "late",
            "on_time",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Progress:
    unit: Unit
    rows: list[ProgressRow]
    total: ProgressRow


_READ = (
    AnswerStatus.READ,
    AnswerStatus.ACKNOWLEDGED,
    AnswerStatus.SUBMITTED,
    AnswerStatus.RETURNED,
    AnswerStatus.CERTIFIED,
)
_ACKNOWLEDGED = (
    AnswerStatus.ACKNOWLEDGED,
    AnswerStatus.SUBMITTED,
    AnswerStatus.RETURNED,
    AnswerStatus.CERTIFIED,
)
_IN = (AnswerStatus.SUBMITTED, AnswerStatus.CERTIFIED)
_NOT_IN = (*OPEN_STATUSES, AnswerStatus.RETURNED)


def _counts(today: date) -> dict[str, Count]:
    return {
        "expected": Count("id"),
        # An answer read at some time counts as read even when it moved on.
        "read_n": Count("id", filter=Q(read_at__isnull=False) | Q(status__in=_READ)),
        "acknowledged_n": Count(
            "id", filter=Q(acknowledged_at__isnull=False) | Q(status__in=_ACKNOWLEDGED)
        ),
        "submitted_n": Count("id", filter=Q(status__in=_IN)),
        "certified_n": Count("id", filter=Q(status=AnswerStatus.CERTIFIED)),
        "excused_n": Count("id", filter=Q(status=AnswerStatus.EXCUSED)),
        "returned_n": Count("id", filter=Q(status=AnswerStatus.RETURNED)),
        "overdue_n": Count("id", filter=Q(status__in=_NOT_IN, due_on__lt=today)),
        "late_n": Count("id", filter=Q(status__in=_IN, late=True)),
        "on_time_n": Count("id", filter=Q(status__in=_IN, late=False)),
    }


def _row_of(code: str, name: str, counts: dict[str, Any]) -> ProgressRow:
    return ProgressRow(
        code=code,
        name=name,
        expected=counts.get("expected", 0),
        read=counts.get("read_n", 0),
        acknowledged=counts.get("acknowledged_n", 0),
        submitted=counts.get("submitted_n", 0),
        certified=counts.get("certified_n", 0),
        excused=counts.get("excused_n", 0),
        returned=counts.get("returned_n", 0),
        overdue=counts.get("overdue_n", 0),
        late=counts.get("late_n", 0),
        on_time=counts.get("on_time_n", 0),
    )


def request_progress(
    *, request: ReportRequest, unit: Unit, today: date | None = None
) -> Progress:
    """A request's progress for a checked unit (accounts/units.py): for the
    country one row per province that has the request (with its leg), for a
    province one row per district (or per office where several offices of a
    district are addressed), for a district one row per office. One grouped
    query over the request's answers (index `request, status`), one for the
    names and one for the legs: never a query per row."""
    today = today or timezone.localdate()
    answers = ReportAnswer.objects.filter(request=request).filter(unit.where)
    if unit.level == COUNTRY:
        group = "province_id"
    elif unit.level == PROVINCE:
        group = "district_id"
    else:
        group = "office_id"
    grouped = answers.values(group).annotate(**_counts(today)).order_by(group)
    by_code = {str(row[group] or ""): row for row in grouped}
    rows: list[ProgressRow]
    if unit.level == COUNTRY:
        legs = {
            leg.province_id: leg
            # The consolidated reports are not shown here, and 77 of them
            # would be decoded for nothing.
            for leg in RequestLeg.objects.filter(request=request)
            .select_related("province", "office")
            .defer("consolidated")
        }
        codes = sorted(set(legs) | set(by_code))
        names = {leg.province_id: leg.province.name for leg in legs.values()}
        missing = [code for code in codes if code not in names]
        if missing:
            names.update(
                (p.code, p.name) for p in Province.objects.filter(code__in=missing)
            )
        rows = []
        for code in codes:
            row = _row_of(code, names.get(code, code), by_code.get(code, {}))
            row.leg = legs.get(code)
            rows.append(row)
    elif unit.level == PROVINCE:
        names = {
            d.code: d.name for d in District.objects.filter(code__in=list(by_code))
        }
        rows = [
            _row_of(code, names.get(code, code), counts)
            for code, counts in sorted(by_code.items())
        ]
    else:
        offices = {str(o.pk): o for o in Office.objects.filter(pk__in=list(by_code))}
        rows = [
            _row_of(
                offices[code].code if code in offices else code,
                offices[code].name if code in offices else code,
                counts,
            )
            for code, counts in sorted(by_code.items())
        ]
    total = ProgressRow(code=unit.code, name=unit.name)
    for row in rows:
        total.add(row)
    return Progress(unit=unit, rows=rows, total=total)
