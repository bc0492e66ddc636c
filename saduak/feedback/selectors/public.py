"""What the public pages show besides the ranking: an area's offices, its trend
and its recent comments (masked, moderated)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from saduak.areas.models import Office
from saduak.areas.search import normal_query
from saduak.feedback.choices import CommentState, VoteStatus
from saduak.feedback.models import Vote
from saduak.feedback.selectors.index import (
    EMPTY,
    HappinessIndex,
    index_by,
    series_by_day,
    series_by_month,
)
from saduak.feedback.selectors.ranking import RankedDistrict

# Up to two months is shown day by day; longer periods month by month.
DAILY_TREND_DAYS = 62


def ranking_filtered(
    rows: list[RankedDistrict], *, search: str, sort: str
) -> list[RankedDistrict]:
    """The ranking's rows whose district or province name (Thai or English)
    contains `search`, in the order `sort` names (rank by default)."""
    term = normal_query(search)
    if term:
        rows = [
            row
            for row in rows
            if term in row.district.search_key
            or term in row.district.province.search_key
        ]
    if sort == "name":
        return sorted(rows, key=lambda row: row.district.name)
    if sort == "votes":
        return sorted(rows, key=lambda row: -row.index.votes)
    if sort == "mean":
        return sorted(rows, key=lambda row: -(row.index.mean or 0.0))
    if sort == "happy":
        return sorted(rows, key=lambda row: -(row.index.happy_share or 0.0))
    return rows


@dataclass(frozen=True)
class OfficeIndex:
    office: Office
    index: HappinessIndex


def office_indexes(*, district_code: str, start: date, end: date) -> list[OfficeIndex]:
    offices = Office.objects.filter(district_id=district_code, is_active=True).order_by(
        "kind", "code"
    )
    by_office = index_by(
        "office_id", start=start, end=end, where=Q(district_id=district_code)
    )
    return [
        OfficeIndex(office, by_office.get(str(office.pk), EMPTY)) for office in offices
    ]


def trend(*, start: date, end: date, where: Q) -> list[tuple[date, HappinessIndex]]:
    if (end - start).days < DAILY_TREND_DAYS:
        return series_by_day(start=start, end=end, where=where)
    return series_by_month(start=start, end=end, where=where)


def recent_comments(*, where: Q, limit: int = 20) -> list[Vote]:
    """Comments cleared for the public, newest first, with the office's reply.
    Only the masked text may be shown (`comment_public`)."""
    return list(
        Vote.objects.filter(
            where, status=VoteStatus.COUNTED, comment_state=CommentState.PUBLIC
        )
        .select_related("office", "service")
        .only(
            "score",
            "comment_public",
            "day",
            "reply",
            "replied_at",
            "action_taken",
            "acted_on_at",
            "office__name_th",
            "office__name_en",
            "service__name_th",
            "service__name_en",
        )
        .order_by("-updated_at")[:limit]
    )
