"""The counter and service a vote names, checked against the office."""

from django.utils.translation import gettext as _

from saduak.appointments.models import Service
from saduak.areas.models import Counter, Office
from saduak.core.errors import InvalidInput


def vote_targets(
    *, office: Office, counter_number: int | None, service_code: str
) -> tuple[Counter | None, Service | None]:
    counter = None
    if counter_number is not None:
        counter = Counter.objects.filter(
            office=office, number=counter_number, is_active=True
        ).first()
        if counter is None:
            raise InvalidInput(
                _("This office has no counter %(number)s.")
                % {"number": counter_number},
                field="counter",
            )
    service = None
    if service_code:
        service = Service.objects.filter(code=service_code, is_active=True).first()
        if service is None:
            raise InvalidInput(
                _("Choose a service from this office's list."), field="service"
            )
    return counter, service
