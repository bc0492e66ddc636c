"""Digital ID over the API: the identity check for partners (OAuth client
credentials with the `identity_check` scope), a citizen's "who used my data", and
HQ's per-partner statistics."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.security import HttpBearer
from oauth2_provider.oauth2_backends import get_oauthlib_core

from saduak.accounts.permissions import acting_user
from saduak.core.api_auth import STAFF_OR_MACHINE
from saduak.core.pagination import ApiPagination
from saduak.core.thai import current_fiscal_year
from saduak.identity import selectors
from saduak.identity.data_items import data_item_label
from saduak.identity.identity_check import identity_check
from saduak.identity.models import DataAccess, Partner
from saduak.identity.schemas import (
    DataAccessOut,
    IdentityCheckIn,
    IdentityCheckOut,
    PartnerUsageOut,
)

router = Router()


class PartnerClientAuth(HttpBearer):
    """An OAuth access token from the client-credentials grant, with the
    `identity_check` scope, of a partner allowed to check identities."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Partner | None:
        valid, oauth_request = get_oauthlib_core().verify_request(
            request, scopes=["identity_check"]
        )
        if not valid:
            return None
        application = oauth_request.access_token.application
        link = getattr(application, "partner_client", None)
        partner = link.partner if link else None
        if partner is None or not partner.is_active or not partner.may_check_identity:
            return None
        request.partner = partner  # type: ignore[attr-defined]
        return partner


@router.post("/checks", response=IdentityCheckOut, auth=PartnerClientAuth())
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
    rows = selectors.partner_usage(
        viewer=acting_user(request),
        start=start or current_fiscal_year().start,
        end=end or timezone.localdate(),
    )
    return [
        {
            "partner_id": row.partner.pk,
            "partner": row.partner.name_th,
            "counts": row.counts,
            "total": row.total,
        }
        for row in rows
    ]
