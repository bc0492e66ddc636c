"""Social Match API: Rules and screening (docs/social.md): the year's rule
sets, their national and local rules, and screening runs. Staff only; the
same services as the pages (refusals are problem+json)."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.matrix import Action
from saduak.accounts.permissions import acting_user
from saduak.areas.models import Province
from saduak.core.errors import NotFound
from saduak.social.models import Rule, RuleSet, ScreeningRun
from saduak.social.selectors.screening import rules_of, runs_of, viewer_province
from saduak.social.services import rules as rules_services
from saduak.social.services.screening import screening_run

router = Router(auth=STAFF_OR_MACHINE)

PROVINCE_CODE = r"^\d{2}$"


class RuleSetOut(Schema):
    year: int
    name_th: str
    name_en: str


class RuleSetIn(Schema):
    year: int = Field(..., ge=2500, le=2699, description="Buddhist-era year")
    name_th: str = Field(..., max_length=200)
    name_en: str = Field("", max_length=200)
    start_from: Literal["empty", "default", "previous"] = "empty"


class RuleOut(Schema):
    public_id: UUID
    key: str
    province: str | None = Field(None, alias="province_id")
    label_th: str
    label_en: str
    conditions: list[list[dict[str, Any]]]
    sources: list[str]
    min_agree: int
    weight: int
    domain: str
    is_active: bool


class RuleFields(Schema):
    label_th: str = Field(..., max_length=200)
    label_en: str = Field("", max_length=200)
    conditions: list[Any] = Field(
        ...,
        description=(
            "Groups of conditions (a flat list is one group): "
            '[[{"field": "monthly_income", "op": "lt", "value": 3000}]]'
        ),
    )
    sources: list[str]
    min_agree: int = 1
    weight: int = 1
    domain: str = ""


class RuleIn(RuleFields):
    key: str = Field(..., max_length=40)
    province: str | None = Field(
        None, pattern=PROVINCE_CODE, description="Province code of a local rule"
    )


class ActiveIn(Schema):
    active: bool


class RunIn(Schema):
    province: str | None = Field(
        None, pattern=PROVINCE_CODE, description="Province code; none: the country"
    )


class RunOut(Schema):
    public_id: UUID
    province: str | None = Field(None, alias="province_id")
    started_at: datetime
    finished_at: datetime | None
    people_matched: int
    households_found: int


def _rule_set(year: int) -> RuleSet:
    return get_object_or_404(RuleSet, year=year)


def _province(code: str | None) -> Province | None:
    if code is None:
        return None
    province = Province.objects.filter(code=code).first()
    if province is None:
        raise NotFound()
    return province


def _viewer_province(request: HttpRequest) -> str | None:
    return viewer_province(acting_user(request))


@router.get("/rule-sets", response=list[RuleSetOut])
def list_rule_sets(request: HttpRequest) -> list[RuleSet]:
    return list(RuleSet.objects.order_by("-year"))


@router.post(
    "/rule-sets",
    response={201: RuleSetOut},
    openapi_extra={"x-action": Action.SOCIAL_RULES_EDIT.value},
)
def create_rule_set(request: HttpRequest, payload: RuleSetIn) -> Status:
    rule_set = rules_services.rule_set_create(
        year=payload.year,
        name_th=payload.name_th,
        name_en=payload.name_en,
        start_from=payload.start_from,
        actor=acting_user(request),
    )
    return Status(201, rule_set)


def _rule_fields(payload: RuleFields) -> dict[str, Any]:
    """The fields a rule is added with and updated with, as the services'
    keyword arguments."""
    return {
        "label_th": payload.label_th,
        "label_en": payload.label_en,
        "conditions": payload.conditions,
        "sources": payload.sources,
        "min_agree": payload.min_agree,
        "weight": payload.weight,
        "domain": payload.domain,
    }


@router.get("/rule-sets/{year}/rules", response=list[RuleOut])
def list_rules(request: HttpRequest, year: int) -> list[Rule]:
    return rules_of(_rule_set(year), province_code=_viewer_province(request))


@router.post(
    "/rule-sets/{year}/rules",
    response={201: RuleOut},
    openapi_extra={"x-action": Action.SOCIAL_RULES_EDIT.value},
)
def add_rule(request: HttpRequest, year: int, payload: RuleIn) -> Status:
    rule = rules_services.rule_add(
        rule_set=_rule_set(year),
        key=payload.key,
        province=_province(payload.province),
        actor=acting_user(request),
        **_rule_fields(payload),
    )
    return Status(201, rule)


@router.put(
    "/rules/{public_id}",
    response=RuleOut,
    openapi_extra={"x-action": Action.SOCIAL_RULES_EDIT.value},
)
def update_rule(request: HttpRequest, public_id: UUID, payload: RuleFields) -> Rule:
    return rules_services.rule_update(
        rule=get_object_or_404(Rule, public_id=public_id),
        actor=acting_user(request),
        **_rule_fields(payload),
    )


@router.post(
    "/rules/{public_id}/active",
    response=RuleOut,
    openapi_extra={"x-action": Action.SOCIAL_RULES_EDIT.value},
)
def set_rule_active(request: HttpRequest, public_id: UUID, payload: ActiveIn) -> Rule:
    return rules_services.rule_set_active(
        rule=get_object_or_404(Rule, public_id=public_id),
        active=payload.active,
        actor=acting_user(request),
    )


@router.get("/rule-sets/{year}/runs", response=list[RunOut])
def list_runs(request: HttpRequest, year: int) -> list[ScreeningRun]:
    return runs_of(_rule_set(year), province_code=_viewer_province(request))


@router.post(
    "/rule-sets/{year}/runs",
    response={201: RunOut},
    openapi_extra={"x-action": Action.SOCIAL_SCREEN.value},
)
def run_screening(request: HttpRequest, year: int, payload: RunIn) -> Status:
    run = screening_run(
        rule_set=_rule_set(year),
        province=_province(payload.province),
        actor=acting_user(request),
    )
    return Status(201, run)
