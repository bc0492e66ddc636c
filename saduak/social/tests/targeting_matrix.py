"""Role x action scenarios for Social Match's targeting services and API
writes (tests/test_role_matrix.py, through matrix_scenarios.py). Every
household is in subdistrict 500101 of district 5001 (province 50), at the
district office `do-5001`."""

from typing import Any

from django.utils import timezone

from saduak.accounts.matrix import Action
from saduak.accounts.tests.matrix_walk import Scenario, api_call
from saduak.areas.models import Subdistrict
from saduak.social.models import CommunityForum, ServiceRecord, TargetHousehold
from saduak.social.privacy import household_people_view
from saduak.social.services import targeting as services
from saduak.social.tests import targeting_setup as setup

OFFICE = "do-5001"
API = "/api/v1/social/targeting"


def _found(request: Any) -> dict[str, Any]:
    request.getfixturevalue("small_map")
    household = setup.household()
    setup.rebuild()
    forum = setup.forum(recorded_by=request.getfixturevalue("make_user")())
    return {"household": household, "forum": forum}


def _confirmed(request: Any) -> dict[str, Any]:
    ctx = _found(request)
    services.household_confirm(
        household=ctx["household"], forum=ctx["forum"], actor="test"
    )
    return ctx


def _state(ctx: Any) -> tuple[Any, ...]:
    return (
        list(
            TargetHousehold.objects.order_by("pk").values_list(
                "status", "forum_id", "removal_reason", "served_at"
            )
        ),
        CommunityForum.objects.count(),
        ServiceRecord.objects.count(),
    )


def _scenario(action: Action, name: str, setup_: Any, act: Any) -> Scenario:
    return Scenario(action, name, OFFICE, setup_, act, _state)


def _today() -> str:
    return timezone.localdate().isoformat()


SCENARIOS = [
    _scenario(
        Action.SOCIAL_TARGET_DECIDE,
        "forum_record",
        _found,
        lambda actor, ctx, r: services.forum_record(
            rule_set=setup.rule_set(),
            subdistrict=Subdistrict.objects.get(code="500101"),
            held_on=timezone.localdate(),
            minutes="ประชาคมหมู่บ้าน",
            actor=actor,
        ),
    ),
    _scenario(
        Action.SOCIAL_TARGET_DECIDE,
        "household_confirm",
        _found,
        lambda actor, ctx, r: services.household_confirm(
            household=ctx["household"], forum=ctx["forum"], actor=actor
        ),
    ),
    _scenario(
        Action.SOCIAL_TARGET_DECIDE,
        "household_remove",
        _found,
        lambda actor, ctx, r: services.household_remove(
            household=ctx["household"],
            forum=ctx["forum"],
            reason="มีรายได้เพียงพอ",
            actor=actor,
        ),
    ),
    _scenario(
        Action.SOCIAL_TARGET_DECIDE,
        "household_select",
        _confirmed,
        lambda actor, ctx, r: services.household_select(
            household=ctx["household"], actor=actor
        ),
    ),
    # A read, but one that is recorded: the household page and API show
    # people only through privacy.household_people_view.
    _scenario(
        Action.SOCIAL_PERSON_VIEW,
        "household_people_view",
        _found,
        lambda actor, ctx, r: household_people_view(
            household=ctx["household"], actor=actor, purpose="ตรวจสอบครัวเรือน"
        ),
    ),
    _scenario(
        Action.SOCIAL_SERVICE_RECORD,
        "service_record",
        _confirmed,
        lambda actor, ctx, r: services.service_record(
            household=ctx["household"],
            domain="health",
            description="ตรวจสุขภาพที่บ้าน",
            provided_on=timezone.localdate(),
            actor=actor,
        ),
    ),
    _scenario(
        Action.SOCIAL_TARGET_DECIDE,
        f"POST {API}/{{year}}/subdistricts/{{code}}/forums",
        _found,
        lambda actor, ctx, r: api_call(
            r,
            actor,
            "post",
            f"{API}/{setup.YEAR}/subdistricts/500101/forums",
            {"held_on": _today(), "minutes": "ประชาคม"},
        ),
    ),
    _scenario(
        Action.SOCIAL_TARGET_DECIDE,
        f"POST {API}/households/{{public_id}}/decision",
        _found,
        lambda actor, ctx, r: api_call(
            r,
            actor,
            "post",
            f"{API}/households/{ctx['household'].public_id}/decision",
            {"decision": "confirm", "forum": str(ctx["forum"].public_id)},
        ),
    ),
    _scenario(
        Action.SOCIAL_TARGET_DECIDE,
        f"POST {API}/households/{{public_id}}/select",
        _confirmed,
        lambda actor, ctx, r: api_call(
            r, actor, "post", f"{API}/households/{ctx['household'].public_id}/select"
        ),
    ),
    _scenario(
        Action.SOCIAL_SERVICE_RECORD,
        f"POST {API}/households/{{public_id}}/services",
        _confirmed,
        lambda actor, ctx, r: api_call(
            r,
            actor,
            "post",
            f"{API}/households/{ctx['household'].public_id}/services",
            {"domain": "housing", "description": "ซ่อมบ้าน", "provided_on": _today()},
        ),
    ),
]
