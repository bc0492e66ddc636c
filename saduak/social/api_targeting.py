"""Social Match API: targeting and statistics, mounted at
/api/v1/social/targeting (docs/social.md), through the same selectors and
services as the staff pages.

- `GET /statistics`: counts per area, by source and by domain (no personal
  data), for the viewer's read reach.
- `GET /{year}/subdistricts/{code}/households`: one page of the
  subdistrict's households ranked by need (house codes, no personal IDs;
  `social.person_view`).
- `GET /households/{id}`: one household's people, with masked personal IDs,
  each source's facts and why they were found (recorded on "who used my
  data" and audited, as the page is).
- Writes: the forum, the decision, selection, a service."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.matrix import Action
from saduak.accounts.permissions import acting_user
from saduak.core.db_router import replica_reads
from saduak.core.errors import InvalidInput
from saduak.core.pagination import MAX_PAGE
from saduak.social.choices import sources_of
from saduak.social.models import (
    Agency,
    CommunityForum,
    ServiceRecord,
    TargetHousehold,
)
from saduak.social.privacy import purpose_text
from saduak.social.selectors import targeting as selectors
from saduak.social.services import targeting as services

router = Router()


# --- Statistics -------------------------------------------------------------------------


class FiguresOut(Schema):
    found: int
    confirmed: int
    removed: int
    selected: int
    served: int


class AreaFiguresOut(FiguresOut):
    level: str
    code: str
    name: str


class SourceFiguresOut(FiguresOut):
    source: str


class DomainFiguresOut(Schema):
    domain: str
    served: int


class StatisticsOut(Schema):
    year: int
    level: str
    code: str
    name: str
    totals: FiguresOut
    children: list[AreaFiguresOut] = Field(
        description="The areas one level down (none for a subdistrict)."
    )
    by_source: list[SourceFiguresOut] = Field(
        description="A household counts under every source that found a member."
    )
    by_domain: list[DomainFiguresOut]


class StatisticsQuery(Schema):
    year: int | None = Field(
        None, ge=1, le=9999, description="B.E.; the newest rule set if none."
    )
    level: Literal["", "country", "province", "district", "subdistrict"] = ""
    code: str = Field("", max_length=6)


def _figures(figures: selectors.Figures) -> dict[str, int]:
    return {
        "found": figures.found,
        "confirmed": figures.confirmed,
        "removed": figures.removed,
        "selected": figures.selected,
        "served": figures.served,
    }


@router.get("/statistics", response=StatisticsOut, auth=STAFF_OR_MACHINE)
@decorate_view(replica_reads)
def statistics(
    request: HttpRequest, query: Query[StatisticsQuery]
) -> dict[str, object]:
    """Found, confirmed, removed, selected and served households in an area
    (the viewer's widest without `level`), from the targeting counts."""
    user = acting_user(request)
    rule_set = selectors.rule_set_get(query.year)
    area = selectors.stats_area_requested(
        user, {"level": query.level, "code": query.code}
    )
    stats = selectors.targeting_statistics(area=area, rule_set=rule_set)
    return {
        "year": rule_set.year,
        "level": area.level,
        "code": area.code,
        "name": area.name,
        "totals": _figures(stats.totals),
        "children": [
            {
                "level": child.level,
                "code": child.code,
                "name": child.name,
                **_figures(child.figures),
            }
            for child in stats.children
        ],
        "by_source": [
            {"source": kind.value, **_figures(figures)}
            for kind, figures in stats.by_source
        ],
        "by_domain": [
            {"domain": domain.value, "served": served}
            for domain, served in stats.by_domain
        ],
    }


# --- Households -------------------------------------------------------------------------


class HouseholdOut(Schema):
    id: UUID = Field(alias="public_id")
    year: int = Field(alias="rule_set.year")
    house_code: str
    subdistrict: str = Field(alias="subdistrict_id")
    need_score: int
    rules_met: int
    people_found: int
    sources: list[str]
    status: str
    served: bool
    screened_out: bool
    forum: UUID | None
    removal_reason: str
    decided_at: datetime | None

    @staticmethod
    def resolve_sources(obj: TargetHousehold) -> list[str]:
        return [kind.value for kind in sources_of(obj.sources)]

    @staticmethod
    def resolve_served(obj: TargetHousehold) -> bool:
        return obj.served_at is not None

    @staticmethod
    def resolve_forum(obj: TargetHousehold) -> UUID | None:
        return obj.forum.public_id if obj.forum is not None else None


class HouseholdListItemOut(HouseholdOut):
    rank: int


class HouseholdPageOut(Schema):
    count: int = Field(description="Households of this status in the subdistrict.")
    page: int
    pages: int
    items: list[HouseholdListItemOut]


class HouseholdsQuery(Schema):
    status: Literal["", "found", "confirmed", "removed", "selected"] = ""
    page: int = Field(1, ge=1, le=MAX_PAGE)


@router.get(
    "/{year}/subdistricts/{code}/households",
    response=HouseholdPageOut,
    auth=STAFF_OR_MACHINE,
)
def subdistrict_households(
    request: HttpRequest, year: int, code: str, query: Query[HouseholdsQuery]
) -> dict[str, object]:
    """The subdistrict's households ranked by need (need score, then house
    code), 25 a page; for those who may see a household's people."""
    user = acting_user(request)
    rule_set = selectors.rule_set_get(year)
    subdistrict = selectors.subdistrict_get(viewer=user, code=code)
    listing = selectors.subdistrict_households(
        viewer=user,
        rule_set=rule_set,
        subdistrict=subdistrict,
        status=query.status,
        page=query.page,
    )
    page = listing.page
    items = []
    for offset, household in enumerate(page.object_list):
        household.rank = page.start_index() + offset
        items.append(household)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": items,
    }


class ReasonOut(Schema):
    rule: str
    label: str
    domain: str
    sources: list[str]


class FactOut(Schema):
    fact: str
    label: str
    agree: bool
    values: dict[str, str] = Field(description="What each source says.")


class PersonOut(Schema):
    personal_id: str = Field(description="Masked: x-xxxx-xxxxx-12-3.")
    names: list[str]
    sources: list[str]
    reasons: list[ReasonOut]
    facts: list[FactOut]


class HouseholdDetailOut(HouseholdOut):
    people: list[PersonOut]


@router.get(
    "/households/{public_id}", response=HouseholdDetailOut, auth=STAFF_OR_MACHINE
)
def household_detail(request: HttpRequest, public_id: UUID) -> TargetHousehold:
    """One household and its people (`social.person_view`). Each call is
    recorded on the "who used my data" page of each person with a digital
    ID, and audited (`social.household.view`)."""
    user = acting_user(request)
    household = selectors.household_get(viewer=user, public_id=public_id)
    people = selectors.household_people(
        household=household,
        viewer=user,
        purpose=purpose_text(selectors.HOUSEHOLD_PURPOSE),
    )
    household.people = [  # type: ignore[attr-defined]
        {
            "personal_id": person.masked_id,
            "names": person.names,
            "sources": [kind.value for kind in person.sources],
            "reasons": [
                {
                    "rule": reason.rule.key,
                    "label": reason.rule.label,
                    "domain": reason.rule.domain,
                    "sources": [found.source.value for found in reason.sources],
                }
                for reason in person.reasons
            ],
            "facts": [
                {
                    "fact": line.fact.name,
                    "label": str(line.fact.label),
                    "agree": line.agree,
                    "values": {kind.value: value for kind, value in line.values},
                }
                for line in person.facts
            ],
        }
        for person in people
    ]
    return household


# --- Writes -----------------------------------------------------------------------------


class ForumIn(Schema):
    held_on: date
    minutes: str = Field(max_length=services.MINUTES_MAX)
    attendees: int | None = Field(None, ge=0, le=100_000)


class ForumOut(Schema):
    id: UUID = Field(alias="public_id")
    year: int = Field(alias="rule_set.year")
    subdistrict: str = Field(alias="subdistrict_id")
    held_on: date
    attendees: int | None
    minutes: str


@router.post(
    "/{year}/subdistricts/{code}/forums",
    response={201: ForumOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.SOCIAL_TARGET_DECIDE.value},
)
def forum_record(
    request: HttpRequest, year: int, code: str, payload: ForumIn
) -> Status:
    """Records the subdistrict's community forum (date not in the future,
    minutes required)."""
    user = acting_user(request)
    rule_set = selectors.rule_set_get(year)
    subdistrict = selectors.subdistrict_get(viewer=user, code=code)
    forum = services.forum_record(
        rule_set=rule_set,
        subdistrict=subdistrict,
        held_on=payload.held_on,
        minutes=payload.minutes,
        attendees=payload.attendees,
        actor=user,
    )
    return Status(201, forum)


class HouseholdDecisionIn(Schema):
    decision: Literal["confirm", "remove"]
    forum: UUID = Field(description="The forum the decision cites.")
    reason: str = Field("", max_length=services.REASON_MAX)


def _forum_of(household: TargetHousehold, public_id: UUID) -> CommunityForum:
    forum = CommunityForum.objects.filter(
        public_id=public_id,
        subdistrict_id=household.subdistrict_id,
        rule_set_id=household.rule_set_id,
    ).first()
    if forum is None:
        raise InvalidInput(
            _("Cite a forum held in the household's subdistrict for this year."),
            field="forum",
        )
    return forum


@router.post(
    "/households/{public_id}/decision",
    response=HouseholdOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.SOCIAL_TARGET_DECIDE.value},
)
def household_decide(
    request: HttpRequest, public_id: UUID, payload: HouseholdDecisionIn
) -> TargetHousehold:
    """Confirms or removes the household citing a forum (a reason for a
    removal); changes an earlier decision unless the household is selected
    (409 `household-selected`)."""
    user = acting_user(request)
    household = selectors.household_get(viewer=user, public_id=public_id)
    forum = _forum_of(household, payload.forum)
    if payload.decision == "confirm":
        return services.household_confirm(household=household, forum=forum, actor=user)
    return services.household_remove(
        household=household, forum=forum, reason=payload.reason, actor=user
    )


@router.post(
    "/households/{public_id}/select",
    response=HouseholdOut,
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.SOCIAL_TARGET_DECIDE.value},
)
def household_select(request: HttpRequest, public_id: UUID) -> TargetHousehold:
    """Selects a confirmed household for case management (409
    `household-not-confirmed` otherwise)."""
    user = acting_user(request)
    household = selectors.household_get(viewer=user, public_id=public_id)
    return services.household_select(household=household, actor=user)


class ServiceIn(Schema):
    domain: str = Field(description="One of the seven domains.")
    description: str = Field(max_length=services.DESCRIPTION_MAX)
    provided_on: date
    agency: str | None = Field(None, description="An agency code from the list.")


class HouseholdServiceOut(Schema):
    id: UUID = Field(alias="public_id")
    household: UUID = Field(alias="household.public_id")
    domain: str
    description: str
    agency: str | None = Field(alias="agency_id")
    provided_on: date


@router.post(
    "/households/{public_id}/services",
    response={201: HouseholdServiceOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.SOCIAL_SERVICE_RECORD.value},
)
def service_record(request: HttpRequest, public_id: UUID, payload: ServiceIn) -> Status:
    """Records a service given to a confirmed household; the first marks it
    served."""
    user = acting_user(request)
    household = selectors.household_get(viewer=user, public_id=public_id)
    agency = None
    if payload.agency:
        agency = Agency.objects.filter(code=payload.agency).first()
        if agency is None:
            raise InvalidInput(_("This agency is not on the list."), field="agency")
    record: ServiceRecord = services.service_record(
        household=household,
        domain=payload.domain,
        description=payload.description,
        provided_on=payload.provided_on,
        agency=agency,
        actor=user,
    )
    return Status(201, record)
