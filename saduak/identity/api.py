"""Digital ID over the API: the identity check for partners (OAuth client
credentials with the `identity_check` scope), a citizen's "who used my data", and
HQ's per-partner statistics."""

import hashlib
import time
from datetime import date
from uuid import UUID

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate
from ninja.security import HttpBearer
from oauth2_provider.oauth2_backends import get_oauthlib_core

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.matrix import Action
from saduak.accounts.permissions import acting_user
from saduak.areas.selectors import office_get
from saduak.core.memo import ProcessMemo
from saduak.core.pagination import ApiPagination
from saduak.core.thai import current_fiscal_year
from saduak.identity import data_rights, second_factor, selectors, services
from saduak.identity.data_access import partner_usage_refresh
from saduak.identity.data_items import data_item_label
from saduak.identity.identity_check import identity_check
from saduak.identity.models import DataAccess, Partner, SignInSession
from saduak.identity.oidc.api import router as partners_router
from saduak.identity.schemas import (
    DataAccessOut,
    EnrolmentCodeIn,
    EnrolmentCodeOut,
    IdentityCheckIn,
    IdentityCheckOut,
    PartnerUsageOut,
    SecondFactorResetIn,
    SignInSessionOut,
)
from saduak.identity.step_up import ensure_recent_second_factor

router = Router()
router.add_router("/partners", partners_router)
TOKEN_CACHE_SECONDS = 60
# Per process, in front of the shared cache: the same few tokens arrive all day.
_good_tokens = ProcessMemo(seconds=TOKEN_CACHE_SECONDS)


class PartnerClientAuth(HttpBearer):
    """An OAuth access token from the client-credentials grant, with the
    `identity_check` scope, of a partner allowed to check identities."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Partner | None:
        # A partner sends many checks with one token: remember a good token for up to
        # TOKEN_CACHE_SECONDS rather than asking oauthlib and the database each time.
        # A revoked token or a withdrawn partner stops working within that time.
        key = "identity-check-token:" + hashlib.sha256(token.encode()).hexdigest()
        remembered: Partner | None = _good_tokens.get(key)
        if remembered is not None:
            return remembered
        shared = cache.get(key)
        if shared is not None:
            partner, until = shared
            _good_tokens.set(key, partner, until - time.time())
            return partner  # type: ignore[no-any-return]
        valid, oauth_request = get_oauthlib_core().verify_request(
            request, scopes=["identity_check"]
        )
        if not valid:
            return None
        access_token = oauth_request.access_token
        link = getattr(access_token.application, "partner_client", None)
        partner = link.partner if link else None
        if partner is None or not partner.is_active or not partner.may_check_identity:
            return None
        lifetime = (access_token.expires - timezone.now()).total_seconds()
        if lifetime > 1:
            seconds = min(TOKEN_CACHE_SECONDS, int(lifetime))
            cache.set(key, (partner, time.time() + seconds), seconds)
            _good_tokens.set(key, partner, seconds)
        return partner


@router.post(
    "/checks",
    response=IdentityCheckOut,
    auth=PartnerClientAuth(),
    openapi_extra={"x-action": "partner"},
)
def check_identity(request: HttpRequest, payload: IdentityCheckIn) -> object:
    return identity_check(partner=request.auth, **payload.dict())  # type: ignore[attr-defined]


def _access_out(access: DataAccess) -> dict[str, object]:
    if access.partner is not None:
        accessor = access.partner.name_th
    else:
        accessor = str(access.staff_user) if access.staff_user else ""
    return {
        "occurred_at": access.occurred_at,
        "accessor_kind": access.accessor_kind,
        "accessor": accessor,
        "office": access.office.name_th if access.office else None,
        "channel": access.channel,
        "data_items": access.data_items,
        "data_labels": [data_item_label(item) for item in access.data_items],
        "purpose": access.purpose,
    }


@router.get("/data-use", response=list[DataAccessOut], auth=STAFF_OR_MACHINE)
@paginate(ApiPagination)
def my_data_use(request: HttpRequest) -> list[dict[str, object]]:
    """Who used the signed-in person's data: partners and staff, newest first."""
    return [
        _access_out(a)
        for a in selectors.data_accesses_for(citizen=acting_user(request))
    ]


@router.get("/partner-usage", response=list[PartnerUsageOut], auth=STAFF_OR_MACHINE)
def partner_usage(
    request: HttpRequest,
    start: date | None = Query(None, description="Default: start of this fiscal year"),
    end: date | None = Query(None, description="Default: today"),
) -> list[dict[str, object]]:
    partner_usage_refresh()
    rows = selectors.partner_usage(
        viewer=acting_user(request),
        start=start or current_fiscal_year().start,
        end=end or timezone.localdate(),
    )
    return [
        {
            "partner_id": row.partner.public_id,
            "partner": row.partner.name_th,
            "counts": row.counts,
            "total": row.total,
        }
        for row in rows
    ]


@router.post(
    "/enrolment-codes",
    response={201: EnrolmentCodeOut},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.ENROLMENT_CODE_ISSUE.value},
)
def issue_enrolment_code(request: HttpRequest, payload: EnrolmentCodeIn) -> Status:
    """For a registry office's own counter app: the same check and one-time code as
    the officer's page. A session must have passed its second factor recently."""
    ensure_recent_second_factor(request)
    data = payload.dict()
    office = office_get(data.pop("office_code"))
    code, raw = services.enrolment_code_issue(
        officer=acting_user(request), office=office, card=services.CardDetails(**data)
    )
    url = request.build_absolute_uri(reverse("identity:enrol", args=[raw]))
    return Status(201, {"url": url, "expires_at": code.expires_at})


@router.get("/sessions", response=list[SignInSessionOut], auth=STAFF_OR_MACHINE)
def my_sessions(request: HttpRequest) -> list[SignInSession]:
    return list(selectors.active_sessions(user=acting_user(request)))


@router.delete(
    "/sessions/{session_id}",
    response={204: None},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": "self"},
)
def end_session(request: HttpRequest, session_id: UUID) -> Status:
    user = acting_user(request)
    services.sign_in_session_end(user=user, session_id=session_id, actor=user)
    return Status(204, None)


@router.post(
    "/second-factor-resets",
    response={204: None},
    auth=STAFF_OR_MACHINE,
    openapi_extra={"x-action": Action.STAFF_SECOND_FACTOR_RESET.value},
)
def reset_second_factor(request: HttpRequest, payload: SecondFactorResetIn) -> Status:
    """HQ removes a staff member's second factors and ends their sessions; they
    enrol a new one at their next sign-in. Never one's own."""
    ensure_recent_second_factor(request)
    second_factor.staff_second_factor_reset(
        actor=acting_user(request), personal_id=payload.personal_id
    )
    return Status(204, None)


@router.get("/my-data", auth=STAFF_OR_MACHINE)
def my_data(request: HttpRequest) -> dict[str, object]:
    """Everything Saduak holds about the signed-in person (the JSON copy)."""
    return data_rights.personal_data_export(user=acting_user(request))
