"""What staff read about the happiness vote, always within their reach: the unit
they look at (the country, a province, a district or an office), its index and
the units below it, the tile map of provinces, comments with filters, votes held
for review and open alerts. Indexes come from the rollups; lists of votes are
paginated by the caller and fetch their related rows in the same query."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import Reach, read_reach
from saduak.accounts.units import CHILD_LEVEL, COUNTRY, DISTRICT, OFFICE, PROVINCE, Unit
from saduak.areas.choices import OfficeKind
from saduak.areas.models import District, Office, Province
from saduak.core.errors import NotFound
from saduak.feedback.choices import CommentState, HoldReason, VoteStatus
from saduak.feedback.models import HappinessAlert, Vote
from saduak.feedback.province_grid import TILES, Tile
from saduak.feedback.selectors.index import EMPTY, HappinessIndex, index_by

# Offices where citizens vote: those of a district.
VOTING_KINDS = (
    OfficeKind.DISTRICT_OFFICE,
    OfficeKind.DISTRICT_REGISTRY,
    OfficeKind.LOCAL_REGISTRY,
    OfficeKind.DAMRONGDHAM_CENTER,
)


@dataclass(frozen=True)
class ChildRow:
    level: str
    code: str
    name: str
    index: HappinessIndex

    @property
    def few_votes(self) -> bool:
        return self.index.votes < settings.FEEDBACK_RANKING_MIN_VOTES

    @property
    def bar(self) -> int:
        return mean_bar(self.index)


def mean_bar(index: HappinessIndex) -> int:
    """The mean as a bar in twentieths of 5 (a CSS class: no inline styles)."""
    return round((index.mean or 0.0) / 5 * 20)


def unit_children(*, unit: Unit, start: date, end: date) -> list[ChildRow]:
    """The units one level below with their index for [start, end]: those with
    votes from the happiest down, then those without. Two queries (grouped
    rollups, then the units), however many units."""
    if unit.level == COUNTRY:
        found = index_by("province_id", start=start, end=end)
        units: list[tuple[str, str]] = [
            (province.code, province.name)
            for province in Province.objects.filter(is_active=True).order_by("code")
        ]
    elif unit.level == PROVINCE:
        found = index_by("district_id", start=start, end=end, where=unit.where)
        units = [
            (district.code, district.name)
            for district in District.objects.filter(
                province_id=unit.code, is_active=True
            ).order_by("code")
        ]
    elif unit.level == DISTRICT:
        found = index_by("office_id", start=start, end=end, where=unit.where)
        offices = Office.objects.filter(
            district_id=unit.code, kind__in=VOTING_KINDS, is_active=True
        ).order_by("code")
        units = [(office.code, office.name) for office in offices]
        by_pk = {str(office.pk): office.code for office in offices}
        found = {by_pk.get(key, key): index for key, index in found.items()}
    else:
        return []
    level = CHILD_LEVEL[unit.level]
    rows = [ChildRow(level, code, name, found.get(code, EMPTY)) for code, name in units]
    rows.sort(key=lambda row: (row.index.mean is None, -(row.index.mean or 0.0)))
    return rows


# The map's colour bands by mean: below 3, 3-3.5, 3.5-4, 4-4.5, 4.5 and above.
BAND_LIMITS = (3.0, 3.5, 4.0, 4.5)


def band_of(mean: float | None) -> int:
    """0 without votes, else 1 (least happy) to 5 (happiest)."""
    if mean is None:
        return 0
    return 1 + sum(mean >= limit for limit in BAND_LIMITS)


@dataclass(frozen=True)
class ProvinceTile:
    tile: Tile
    code: str
    name: str
    index: HappinessIndex
    few_votes: bool

    @property
    def band(self) -> int:
        return band_of(self.index.mean)


def province_tiles(rows: list[ChildRow]) -> list[ProvinceTile]:
    """The country's province rows (from unit_children) placed on the map."""
    tiles = [
        ProvinceTile(TILES[row.code], row.code, row.name, row.index, row.few_votes)
        for row in rows
        if row.code in TILES
    ]
    tiles.sort(key=lambda item: (item.tile.row, item.tile.column))
    return tiles


@dataclass(frozen=True)
class CommentFilters:
    start: date
    end: date
    office: Office | None = None
    score: int | None = None
    replied: bool | None = None
    acted_on: bool | None = None
    state: str = ""
    word: str = ""


def comment_list(
    *, viewer: User, unit: Unit, filters: CommentFilters
) -> QuerySet[Vote]:
    """Votes with a comment in the unit and period, newest first, with their
    office, service and the staff who replied or acted (one query per page).
    By default the comments that are public or wait for a moderator."""
    votes = Vote.objects.filter(
        read_reach(viewer).q(),
        unit.where,
        day__gte=filters.start,
        day__lte=filters.end,
    )
    if filters.state:
        votes = votes.filter(comment_state=filters.state)
    else:
        votes = votes.filter(
            comment_state__in=[CommentState.PUBLIC, CommentState.REVIEW]
        )
    if filters.office is not None:
        votes = votes.filter(office=filters.office)
    if filters.score is not None:
        votes = votes.filter(score=filters.score)
    if filters.replied is not None:
        votes = votes.filter(replied_at__isnull=not filters.replied)
    if filters.acted_on is not None:
        votes = votes.filter(acted_on_at__isnull=not filters.acted_on)
    if filters.word:
        votes = votes.filter(comment_public__icontains=filters.word)
    return votes.select_related("office", "service", "replied_by", "acted_by").order_by(
        "-updated_at", "-id"
    )


def vote_get(*, viewer: User, public_key: UUID) -> Vote:
    """One vote within the viewer's reach, by its public key, with what its
    page shows. NotFound outside the reach, as for a key that names nothing."""
    found = (
        Vote.objects.filter(read_reach(viewer).q(), public_key=public_key)
        .select_related(
            "office", "service", "counter", "replied_by", "acted_by", "moderated_by"
        )
        .first()
    )
    if found is None:
        raise NotFound(_("There is no such vote in your area."))
    return found


def offices_of(unit: Unit) -> QuerySet[Office]:
    """The offices where citizens vote within the unit, for filters."""
    offices = Office.objects.filter(kind__in=VOTING_KINDS, is_active=True)
    if unit.level == OFFICE and unit.office is not None:
        offices = offices.filter(pk=unit.office.pk)
    elif unit.level == DISTRICT:
        offices = offices.filter(district_id=unit.code)
    elif unit.level == PROVINCE:
        offices = offices.filter(province_id=unit.code)
    return offices.order_by("code")


@dataclass(frozen=True)
class HeldGroup:
    """Votes held for one office, day, local hour and reason."""

    office: Office
    day: date
    hour: int
    hold_reason: str
    votes: int
    sources: int
    first: datetime
    last: datetime

    @property
    def reason_label(self) -> str:
        return str(HoldReason(self.hold_reason).label) if self.hold_reason else ""


HELD_GROUPS_SHOWN = 100


def held_groups(*, viewer: User, unit: Unit) -> list[HeldGroup]:
    """The held votes of the unit grouped by office, day, hour and reason, the
    latest first (two queries)."""
    rows = list(
        Vote.objects.filter(read_reach(viewer).q(), unit.where, status=VoteStatus.HELD)
        .annotate(hour=TruncHour("updated_at", tzinfo=timezone.get_current_timezone()))
        .values("office_id", "day", "hour", "hold_reason")
        .annotate(
            votes=Count("id"),
            sources=Count("source_key", distinct=True),
            first=Min("updated_at"),
            last=Max("updated_at"),
        )
        .order_by("-day", "-hour", "office_id")[:HELD_GROUPS_SHOWN]
    )
    offices = Office.objects.in_bulk({row["office_id"] for row in rows})
    return [
        HeldGroup(
            office=offices[row["office_id"]],
            day=row["day"],
            hour=timezone.localtime(row["hour"]).hour,
            hold_reason=row["hold_reason"],
            votes=row["votes"],
            sources=row["sources"],
            first=row["first"],
            last=row["last"],
        )
        for row in rows
        if row["office_id"] in offices
    ]


def held_votes(*, viewer: User, unit: Unit) -> QuerySet[Vote]:
    """The unit's held votes one by one, latest first, with their office."""
    return (
        Vote.objects.filter(read_reach(viewer).q(), unit.where, status=VoteStatus.HELD)
        .select_related("office", "service")
        .order_by("-updated_at", "-id")
    )


def same_source_counts(votes: list[Vote]) -> dict[int, int]:
    """For each vote, how many votes its network (source) cast for the same
    office that day, counted or not: why a flood was held. One query."""
    keys = {(vote.office_id, vote.day, vote.source_key) for vote in votes}
    if not keys:
        return {}
    condition = Q(pk__in=[])
    for office_id, day, source in keys:
        condition |= Q(office_id=office_id, day=day, source_key=source)
    counts = {
        (row["office_id"], row["day"], row["source_key"]): row["votes"]
        for row in Vote.objects.filter(condition)
        .values("office_id", "day", "source_key")
        .annotate(votes=Count("id"))
        .order_by()
    }
    return {
        vote.pk: counts.get((vote.office_id, vote.day, vote.source_key), 0)
        for vote in votes
    }


def comments_in_review(*, viewer: User, unit: Unit) -> QuerySet[Vote]:
    """Comments with words of abuse, waiting for a moderator, oldest first."""
    return (
        Vote.objects.filter(
            read_reach(viewer).q(), unit.where, comment_state=CommentState.REVIEW
        )
        .select_related("office", "service")
        .order_by("updated_at", "id")
    )


@dataclass(frozen=True)
class WaitingCounts:
    held: int
    in_review: int


def waiting_counts(*, viewer: User, unit: Unit) -> WaitingCounts:
    """How many votes and comments wait for a moderator in the unit (one
    query)."""
    found = Vote.objects.filter(
        Q(status=VoteStatus.HELD) | Q(comment_state=CommentState.REVIEW),
        read_reach(viewer).q(),
        unit.where,
    ).aggregate(
        held=Count("id", filter=Q(status=VoteStatus.HELD)),
        in_review=Count("id", filter=Q(comment_state=CommentState.REVIEW)),
    )
    return WaitingCounts(held=found["held"] or 0, in_review=found["in_review"] or 0)


def _alerts_q(reach: Reach) -> Q:
    if reach.everything:
        return Q()
    return Q(district_id__in=reach.districts) | Q(
        district__province_id__in=reach.provinces
    )


def open_alerts(*, viewer: User, unit: Unit) -> QuerySet[HappinessAlert]:
    """Alerts not yet acknowledged for the unit's districts, newest first."""
    alerts = HappinessAlert.objects.filter(
        _alerts_q(read_reach(viewer)), acknowledged_at__isnull=True
    )
    if unit.level == PROVINCE:
        alerts = alerts.filter(district__province_id=unit.code)
    elif unit.level in (DISTRICT, OFFICE) and unit.district is not None:
        alerts = alerts.filter(district_id=unit.district.code)
    return alerts.select_related("district__province").order_by("-raised_on", "id")


def alert_get(*, viewer: User, public_key: UUID) -> HappinessAlert:
    """One alert of a district within the viewer's reach, by its public key;
    NotFound outside it."""
    found = (
        HappinessAlert.objects.filter(
            _alerts_q(read_reach(viewer)), public_key=public_key
        )
        .select_related("district__province")
        .first()
    )
    if found is None:
        raise NotFound(_("There is no such alert in your area."))
    return found
