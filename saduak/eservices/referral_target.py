"""E-services as a referral target (core/referral_targets.py): a social case
plan starts an application on a household member's behalf through the
"referral" channel, with the referring agency named. Registered from
EservicesConfig.ready()."""

from typing import Any

from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.core.referral_targets import (
    ReferralService,
    ReferralTarget,
    referral_target_register,
)
from saduak.eservices.choices import Channel
from saduak.eservices.selectors.applications import (
    offices_for_service,
    service_by_code,
    services_open,
)
from saduak.eservices.services.applications import application_start


def referral_services() -> list[ReferralService]:
    """The services open for applications, by code and name."""
    return [
        ReferralService(code=service.code, name=service.name)
        for service in services_open()
    ]


def office_takes(service_code: str, office: Any) -> bool:
    service = service_by_code(service_code)
    return offices_for_service(service).filter(pk=office.pk).exists()


def referral_start(
    *,
    service_code: str,
    applicant: User,
    office: Office,
    actor: User,
    referral_agency: str,
) -> str:
    """Starts a draft application for `applicant` at `office`, channel
    referral (application_start checks the actor's
    `application.record_for_citizen` over the office and audits
    `eservices.application.start`); returns its reference."""
    application = application_start(
        service=service_by_code(service_code),
        applicant=applicant,
        office=office,
        actor=actor,
        channel=Channel.REFERRAL,
        referral_agency=referral_agency,
    )
    return application.reference


def register() -> None:
    referral_target_register(
        ReferralTarget(
            services=referral_services,
            office_takes=office_takes,
            start=referral_start,
            url_name="eservices-staff:application",
        )
    )
