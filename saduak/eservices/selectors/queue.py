"""The officer queue: one office's open applications at one stage, by due date.

Keyset-paginated on (stage_due_on, id), which the partial index
`eservice_app_queue` on (office, stage, stage_due_on, id) serves, so a page
costs the same with a hundred open cases or a hundred thousand. Counts are
bounded ("1000+"): an exact COUNT over a growing table is what makes queues
slow."""

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts import matrix
from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.core.counts import COUNT_BOUND, BoundedCount
from saduak.core.errors import NotFound
from saduak.core.models import in_current_language
from saduak.eservices import sql
from saduak.eservices.choices import ApplicationStatus, StageKind, VersionStatus
from saduak.eservices.models import Application, Service, ServiceVersion
from saduak.eservices.versions import published_workflows

OPEN_STATUSES = (ApplicationStatus.IN_PROGRESS, ApplicationStatus.RETURNED)
PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
# What a queue row shows; never the answers (they can be large and personal).
ROW_FIELDS = (
    "id",
    "reference",
    "status",
    "stage",
    "stage_due_on",
    "stage_entered_at",
    "submitted_at",
    "channel",
    "office_id",
    "applicant__id",
    "applicant__personal_id",
    "applicant__first_name",
    "applicant__last_name",
    "service__id",
    "service__code",
    "service__name_th",
    "service__name_en",
    "claimed_by__id",
    "claimed_by__first_name",
    "claimed_by__last_name",
)
# What the queue page reads of its office: the name, and the province and
# district the reach checks (not the address, hours or counters).
OFFICE_FIELDS = (
    "id",
    "code",
    "kind",
    "name_th",
    "name_en",
    "province_id",
    "district_id",
    "parent_id",
    "is_active",
)


@dataclass(frozen=True)
class QueueCursor:
    """Where the next page starts: after (due_on, id). A case without a due
    date sorts last."""

    due_on: date | None
    id: int

    def encode(self) -> str:
        return f"{self.due_on.isoformat() if self.due_on else '-'}.{self.id}"

    @classmethod
    def decode(cls, raw: str | None) -> "QueueCursor | None":
        """The cursor of a `after` query parameter; None for anything malformed
        (the queue then starts from the top rather than failing)."""
        if not raw or "." not in raw:
            return None
        day, _dot, number = raw.rpartition(".")
        if not number.isdigit() or len(number) > 18:
            return None
        if day == "-":
            return cls(None, int(number))
        try:
            return cls(date.fromisoformat(day), int(number))
        except ValueError:
            return None


@dataclass(frozen=True)
class QueuePage:
    rows: list[Application]
    next_cursor: QueueCursor | None
    today: date


@dataclass(frozen=True)
class QueueStage:
    code: str
    label: str
    kind: str
    count: BoundedCount
    can_act: bool


def bounded_counts(
    querysets: list[QuerySet], bound: int = COUNT_BOUND
) -> list[BoundedCount]:
    """`bounded_count` of each queryset, in one query: a UNION ALL of the
    bounded counts (`sql.counts_at_most`), so a page with four tabs pays one
    round trip, not four."""
    found = sql.counts_at_most(querysets, bound)
    return [BoundedCount(min(count, bound), count > bound) for count in found]


def queue_office(code: str) -> Office:
    """The office of a queue page by its code, with only what the page reads."""
    office = Office.objects.only(*OFFICE_FIELDS).filter(code=code).first()
    if office is None:
        raise NotFound(_("There is no office with code %(code)s.") % {"code": code})
    return office


def ensure_reaches_office(user: User, office: Office) -> None:
    """NotFound for an office whose applications the user does not read: its
    queue, meetings and cases answer as if there were none."""
    if not read_reach(user).covers_office(office):
        raise NotFound(
            _("There is no office with code %(code)s.") % {"code": office.code}
        )


def open_applications(office: Office) -> QuerySet[Application]:
    return Application.objects.filter(office=office, status__in=OPEN_STATUSES)


def office_queue(
    *,
    user: User,
    office: Office,
    stage: str | None,
    service: Service | None = None,
    overdue_only: bool = False,
    mine: bool = False,
    after: QueueCursor | None = None,
    limit: int = PAGE_SIZE,
) -> QueuePage:
    """One page of `office`'s open applications at `stage` (any stage when
    None), earliest due first. NotFound when the office is out of the user's
    reach. One query."""
    ensure_reaches_office(user, office)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    today = timezone.localdate()
    queryset = open_applications(office)
    if stage:
        queryset = queryset.filter(stage=stage)
    if service is not None:
        queryset = queryset.filter(service=service)
    if overdue_only:
        queryset = queryset.filter(stage_due_on__lt=today)
    if mine:
        queryset = queryset.filter(claimed_by=user)
    if after is not None:
        if after.due_on is None:
            queryset = queryset.filter(stage_due_on__isnull=True, id__gt=after.id)
        else:
            queryset = queryset.filter(
                Q(stage_due_on__gt=after.due_on)
                | Q(stage_due_on=after.due_on, id__gt=after.id)
                | Q(stage_due_on__isnull=True)
            )
    rows = list(
        queryset.select_related("applicant", "service", "claimed_by")
        .only(*ROW_FIELDS)
        .order_by(F("stage_due_on").asc(nulls_last=True), "id")[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = QueueCursor(last.stage_due_on, last.pk)
    return QueuePage(rows, next_cursor, today)


def _versions_in_use() -> list[ServiceVersion]:
    """Published versions, and retired ones (their applications may still be
    open), of active services."""
    return list(
        ServiceVersion.objects.filter(
            status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED],
            service__is_active=True,
        )
        .only("id", "status", "service_id")
        .order_by("status", "service_id", "-number")
    )


def queue_stages(*, user: User, office: Office) -> list[QueueStage]:
    """The working stages of the services' workflows (stages with one code in
    several services are one tab), each with a bounded count of the office's
    open applications in it. Only the stages the user acts in, unless the user
    acts in none (an auditor, a province reading a district): then every stage,
    read-only. Two queries: the versions in use (their workflows are kept per
    process) and the counts."""
    ensure_reaches_office(user, office)
    versions = _versions_in_use()
    workflows = published_workflows(versions)
    acts: dict[tuple[str, ...], bool] = {}
    stages: dict[str, tuple[str, str, bool]] = {}
    for version in versions:
        for stage in workflows[version.pk].stages:
            if stage.kind == StageKind.END:
                continue
            can_act = acts.get(stage.roles)
            if can_act is None:
                can_act = matrix.may(
                    user,
                    matrix.Action.APPLICATION_ACT,
                    office=office,
                    named=stage.roles,
                )
                acts[stage.roles] = can_act
            known = stages.get(stage.code)
            if known is None:
                stages[stage.code] = (stage.label, stage.kind, can_act)
            elif can_act and not known[2]:
                stages[stage.code] = (known[0], known[1], True)
    acting = {code: item for code, item in stages.items() if item[2]}
    chosen = acting or stages
    queryset = open_applications(office)
    counts = bounded_counts([queryset.filter(stage=code) for code in chosen])
    return [
        QueueStage(code, label, kind, count, can_act)
        for (code, (label, kind, can_act)), count in zip(
            chosen.items(), counts, strict=True
        )
    ]


def queue_offices(user: User) -> QuerySet[Office]:
    """The offices whose queues the user may open: district offices in reach,
    and any other office a service names as taking applications."""
    reach = read_reach(user)
    named = Service.offices.through.objects.values("office_id")
    return (
        Office.objects.filter(reach.offices_q(), is_active=True)
        .filter(Q(kind=OfficeKind.DISTRICT_OFFICE) | Q(pk__in=named))
        .order_by("province_id", "district_id", "code")
    )


def record_offices(user: User) -> QuerySet[Office]:
    """The offices where the user may record an application for a citizen
    (`application.record_for_citizen`), among those that take applications."""
    reach = matrix.action_reach(user, matrix.Action.APPLICATION_RECORD_FOR_CITIZEN)
    return queue_offices(user).filter(reach.offices_q())


def queue_office_choices(user: User, limit: int = 1000) -> list[tuple[str, str]]:
    """(code, name) of the offices of the page's office picker, at most
    `limit` (HQ reaches about a thousand: tuples, not model rows). None to
    pick from for a user whose reach names one office at most."""
    reach = read_reach(user)
    if not (reach.everything or reach.provinces or reach.districts) and (
        len(reach.offices) < 2
    ):
        return []
    return [
        (code, in_current_language(name_th, name_en))
        for code, name_th, name_en in queue_offices(user).values_list(
            "code", "name_th", "name_en"
        )[:limit]
    ]
