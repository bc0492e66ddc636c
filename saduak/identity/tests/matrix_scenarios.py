"""The identity services' acting services and API writes, for the role x action
walk (tests/test_role_matrix.py): enrolment codes, the counter's citizen
lookup, partners and their clients and tokens, and HQ's second-factor reset."""

from dataclasses import dataclass
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider.models import get_access_token_model, get_application_model

from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action
from saduak.accounts.models import User
from saduak.accounts.tests.matrix_walk import Scenario, api_call
from saduak.areas.models import Office
from saduak.identity import second_factor, services
from saduak.identity.models import DataAccess, EnrolmentCode, Partner
from saduak.identity.oidc import services as partner_services

from .conftest import SOMSRI

OFFICE = "reg-5001"
SYSTEM = "command:test"
PARTNER_FIELDS = {
    "name_th": "ธนาคารทดสอบ",
    "name_en": "Test Bank",
    "kind": "bank",
    "purpose_th": "เปิดบัญชี",
    "allowed_scopes": "openid profile",
}
CLIENT: dict[str, Any] = {
    "redirect_uris": ["https://bank.example/callback"],
    "confidential": True,
    "name": "bank web",
}


def _api(request: Any, actor: Any, method: str, path: str, body: Any = None) -> Any:
    return api_call(request, actor, method, f"/api/v1/identity{path}", body)


def _office(request: Any) -> Office:
    request.getfixturevalue("small_map")
    return Office.objects.get(code=OFFICE)


def _codes(_ctx: Any) -> int:
    return EnrolmentCode.objects.count()


CARD_JSON = {
    "office_code": OFFICE,
    "personal_id": SOMSRI.personal_id,
    "first_name": SOMSRI.first_name,
    "last_name": SOMSRI.last_name,
    "birth_date": SOMSRI.birth_date.isoformat(),
    "card_expiry": SOMSRI.card_expiry.isoformat(),
}


@dataclass
class Served:
    office: Office
    citizen: User


def _citizen_at_counter(request: Any) -> Served:
    office = _office(request)
    return Served(office, request.getfixturevalue("make_user")())


def _data_accesses(_ctx: Any) -> int:
    return DataAccess.objects.count()


def _partners(_ctx: Any) -> list[str]:
    return sorted(Partner.objects.values_list("name_th", flat=True))


@dataclass
class Registered:
    partner: Partner
    client_id: str


def _partner(request: Any) -> Registered:
    _office(request)
    partner = partner_services.partner_create(actor=SYSTEM, **PARTNER_FIELDS)
    application, _secret = partner_services.partner_client_create(
        partner=partner, actor=SYSTEM, **CLIENT
    )
    return Registered(partner, application.client_id)


def _purpose(ctx: Registered) -> str:
    ctx.partner.refresh_from_db()
    return ctx.partner.purpose_th


def _clients(ctx: Registered) -> list[str]:
    return sorted(
        get_application_model()
        .objects.filter(partner_client__partner=ctx.partner)
        .values_list("client_id", flat=True)
    )


def _client_names(ctx: Registered) -> list[str]:
    return sorted(
        get_application_model()
        .objects.filter(partner_client__partner=ctx.partner)
        .values_list("name", flat=True)
    )


def _partner_with_token(request: Any) -> Registered:
    from datetime import timedelta

    from django.utils import timezone

    registered = _partner(request)
    get_access_token_model().objects.create(
        user=request.getfixturevalue("make_user")(),
        application=get_application_model().objects.get(client_id=registered.client_id),
        token="walk-token",
        expires=timezone.now() + timedelta(hours=1),
        scope="openid",
    )
    return registered


def _tokens(_ctx: Any) -> int:
    return get_access_token_model().objects.count()


def _staff_with_app(request: Any) -> User:
    member = request.getfixturevalue("make_staff")(Role.COUNTER_OFFICER, OFFICE)
    TOTPDevice.objects.create(user=member, name="app", confirmed=True)
    return member


def _apps(member: User) -> int:
    return TOTPDevice.objects.filter(user=member).count()


SCENARIOS = [
    Scenario(
        Action.ENROLMENT_CODE_ISSUE,
        "enrolment_code_issue",
        OFFICE,
        _office,
        lambda actor, office, r: services.enrolment_code_issue(
            officer=actor, office=office, card=SOMSRI
        ),
        _codes,
    ),
    Scenario(
        Action.ENROLMENT_CODE_ISSUE,
        "POST /api/v1/identity/enrolment-codes",
        OFFICE,
        _office,
        lambda actor, office, r: _api(r, actor, "post", "/enrolment-codes", CARD_JSON),
        _codes,
    ),
    Scenario(
        Action.CITIZEN_RECORD_VIEW,
        "citizen_record_view",
        OFFICE,
        _citizen_at_counter,
        lambda actor, ctx, r: services.citizen_record_view(
            officer=actor, office=ctx.office, personal_id=ctx.citizen.personal_id
        ),
        _data_accesses,
    ),
    Scenario(
        Action.PARTNER_CREATE,
        "partner_create",
        OFFICE,
        _office,
        lambda actor, _ctx, r: partner_services.partner_create(
            actor=actor, **PARTNER_FIELDS
        ),
        _partners,
    ),
    Scenario(
        Action.PARTNER_CREATE,
        "POST /api/v1/identity/partners",
        OFFICE,
        _office,
        lambda actor, _ctx, r: _api(
            r, actor, "post", "/partners", {**PARTNER_FIELDS, "allowed_scopes": []}
        ),
        _partners,
    ),
    Scenario(
        Action.PARTNER_UPDATE,
        "partner_update",
        OFFICE,
        _partner,
        lambda actor, ctx, r: partner_services.partner_update(
            actor=actor, partner=ctx.partner, purpose_th="ยืนยันตัวตน"
        ),
        _purpose,
    ),
    Scenario(
        Action.PARTNER_UPDATE,
        "PATCH /api/v1/identity/partners/{partner_id}",
        OFFICE,
        _partner,
        lambda actor, ctx, r: _api(
            r,
            actor,
            "patch",
            f"/partners/{ctx.partner.public_id}",
            {"purpose_th": "ยืนยันตัวตน"},
        ),
        _purpose,
    ),
    Scenario(
        Action.PARTNER_CLIENT_CREATE,
        "partner_client_create",
        OFFICE,
        _partner,
        lambda actor, ctx, r: partner_services.partner_client_create(
            partner=ctx.partner, actor=actor, **CLIENT
        ),
        _clients,
    ),
    Scenario(
        Action.PARTNER_CLIENT_CREATE,
        "POST /api/v1/identity/partners/{partner_id}/clients",
        OFFICE,
        _partner,
        lambda actor, ctx, r: _api(
            r,
            actor,
            "post",
            f"/partners/{ctx.partner.public_id}/clients",
            {"kind": "server", "redirect_uris": CLIENT["redirect_uris"]},
        ),
        _clients,
    ),
    Scenario(
        Action.PARTNER_CLIENT_UPDATE,
        "partner_client_update",
        OFFICE,
        _partner,
        lambda actor, ctx, r: partner_services.partner_client_update(
            actor=actor, partner=ctx.partner, client_id=ctx.client_id, name="renamed"
        ),
        _client_names,
    ),
    Scenario(
        Action.PARTNER_CLIENT_UPDATE,
        "PATCH /api/v1/identity/partners/{partner_id}/clients/{client_id}",
        OFFICE,
        _partner,
        lambda actor, ctx, r: _api(
            r,
            actor,
            "patch",
            f"/partners/{ctx.partner.public_id}/clients/{ctx.client_id}",
            {"name": "renamed"},
        ),
        _client_names,
    ),
    Scenario(
        Action.PARTNER_CLIENT_REMOVE,
        "partner_client_remove",
        OFFICE,
        _partner,
        lambda actor, ctx, r: partner_services.partner_client_remove(
            actor=actor, partner=ctx.partner, client_id=ctx.client_id
        ),
        _clients,
    ),
    Scenario(
        Action.PARTNER_CLIENT_REMOVE,
        "DELETE /api/v1/identity/partners/{partner_id}/clients/{client_id}",
        OFFICE,
        _partner,
        lambda actor, ctx, r: _api(
            r,
            actor,
            "delete",
            f"/partners/{ctx.partner.public_id}/clients/{ctx.client_id}",
        ),
        _clients,
    ),
    Scenario(
        Action.PARTNER_TOKENS_REVOKE,
        "partner_tokens_revoke_all",
        OFFICE,
        _partner_with_token,
        lambda actor, ctx, r: partner_services.partner_tokens_revoke_all(
            actor=actor, partner=ctx.partner
        ),
        _tokens,
    ),
    Scenario(
        Action.PARTNER_TOKENS_REVOKE,
        "POST /api/v1/identity/partners/{partner_id}/token-revocations",
        OFFICE,
        _partner_with_token,
        lambda actor, ctx, r: _api(
            r, actor, "post", f"/partners/{ctx.partner.public_id}/token-revocations"
        ),
        _tokens,
    ),
    Scenario(
        Action.STAFF_SECOND_FACTOR_RESET,
        "staff_second_factor_reset",
        OFFICE,
        _staff_with_app,
        lambda actor, member, r: second_factor.staff_second_factor_reset(
            actor=actor, personal_id=member.personal_id
        ),
        _apps,
    ),
    Scenario(
        Action.STAFF_SECOND_FACTOR_RESET,
        "POST /api/v1/identity/second-factor-resets",
        OFFICE,
        _staff_with_app,
        lambda actor, member, r: _api(
            r,
            actor,
            "post",
            "/second-factor-resets",
            {"personal_id": member.personal_id},
        ),
        _apps,
    ),
]
