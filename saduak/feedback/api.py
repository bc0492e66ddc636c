"""Votes and the public index over the API. Reading is open data (no sign-in);
a vote needs no sign-in either, but counts once per device or citizen a day."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view

from saduak.core.db_router import replica_reads
from saduak.core.periods import period_or_default
from saduak.feedback.lookups import vote_targets
from saduak.feedback.public import LICENCE, cached_ranking
from saduak.feedback.schemas import RankingOut, VoteIn, VoteOut
from saduak.feedback.selectors.index import HappinessIndex
from saduak.feedback.selectors.offices import office_for_ballot
from saduak.feedback.services.votes import vote_cast
from saduak.feedback.voters import api_voter

router = Router()


@router.post(
    "/votes",
    response={201: VoteOut},
    auth=None,
    openapi_extra={"x-action": "public"},
)
def vote_create(request: HttpRequest, payload: VoteIn) -> Status:
    """One device's happiness with an office today; a second vote the same day
    replaces the first. An anonymous vote: past two from one network for the
    office today, or past the office's usual day, it is stored and held for a
    moderator. Answers 201 with `status` counted or held."""
    office = office_for_ballot(payload.office)
    counter, service = vote_targets(
        office=office, counter_number=payload.counter, service_code=payload.service
    )
    outcome = vote_cast(
        office=office,
        score=payload.score,
        voter=api_voter(request, payload.device_id),
        counter=counter,
        service=service,
        comment=payload.comment,
    )
    return Status(
        201,
        {
            "id": str(outcome.public_key),
            "status": outcome.status,
            "replaced": outcome.replaced,
        },
    )


class PeriodQuery(Schema):
    start: date | None = None
    end: date | None = None
    province: str = ""


def index_out(index: HappinessIndex) -> dict[str, Any]:
    return {
        "votes": index.votes,
        "verified_votes": index.verified,
        "mean": round(index.mean, 3) if index.mean is not None else None,
        "happy_share": (
            round(index.happy_share, 4) if index.happy_share is not None else None
        ),
        "distribution": list(index.distribution),
    }


@router.get("/ranking", response=RankingOut, auth=None)
@decorate_view(replica_reads)
def ranking(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    """Every district's index and national rank for a period (default: this
    fiscal year to date). Open data under the licence in `licence`."""
    start, end = period_or_default(query.start, query.end)
    result = cached_ranking(start=start, end=end, province_code=query.province)
    return {
        "start": result.start,
        "end": result.end,
        "national": index_out(result.national),
        "min_votes": result.min_votes,
        "licence": str(LICENCE),
        "districts": [
            {
                "rank": row.rank,
                "district": row.district.code,
                "name": row.district.name,
                "name_th": row.district.name_th,
                "name_en": row.district.name_en,
                "province": row.district.province_id,
                "province_name": row.district.province.name,
                "verified_votes": row.index.verified,
                "bayesian_mean": (
                    round(row.bayesian_mean, 4)
                    if row.bayesian_mean is not None
                    else None
                ),
                "index": index_out(row.index),
            }
            for row in result.districts
        ],
    }
