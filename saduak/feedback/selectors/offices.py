"""Offices as the vote pages need them."""

from django.utils.translation import gettext as _

from saduak.appointments.models import OfficeService
from saduak.areas.models import Office
from saduak.core.errors import NotFound
from saduak.core.memo import ProcessMemo


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


# The API's votes name their office by code, often many a second for the same
# offices: each process remembers what a vote needs of an office for a minute
# (a closed office stops taking votes within that minute).
_ballot_offices = ProcessMemo(seconds=60, size=10_000)
BALLOT_FIELDS = ("id", "code", "is_active", "district_id", "province_id", "name_th")


def office_for_ballot(code: str) -> Office:
    """The office a vote is for, with just the fields casting it reads."""
    office: Office | None = _ballot_offices.get(code)
    if office is None:
        office = (
            Office.objects.only(*BALLOT_FIELDS)
            .filter(code=code, is_active=True)
            .first()
        )
        if office is None:
            raise NotFound(
                _("There is no office with code %(code)s. Scan the QR code again.")
                % {"code": code}
            )
        _ballot_offices.set(code, office)
    return office
