"""Offices as the vote pages need them."""

from django.utils.translation import gettext as _

from saduak.appointments.models import OfficeService
from saduak.areas.models import Office
from saduak.core.errors import NotFound


def office_for_vote(code: str) -> Office:
    office = (
        Office.objects.select_related("district", "province")
        .filter(code=code, is_active=True)
        .first()
    )
    if office is None:
        raise NotFound(
            _("There is no office with code %(code)s. Scan the QR code again.")
            % {"code": code}
        )
    return office


def office_services(office: Office) -> list[tuple[str, str]]:
    """(code, name) of the services the office offers, for "service received"."""
    return [
        (offered.service.code, offered.service.name)
        for offered in OfficeService.objects.filter(
            office=office, is_active=True, service__is_active=True
        )
        .select_related("service")
        .order_by("service__group", "service__sort_order", "service__code")
    ]
