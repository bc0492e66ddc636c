"""What officers do with a citizen's data around an application besides moving
it: opening it (a read the citizen sees on "who used my data"), checking the
applicant against the civil registry at the fact check, and finding, or
creating from the registry, the account of a citizen whose application they
record at the counter, by referral or in the field."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saduak.accounts import matrix
from saduak.accounts.models import User
from saduak.accounts.services import user_create
from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.core.errors import InvalidInput
from saduak.core.personal_id import clean_personal_id
from saduak.eservices.models import Application
from saduak.eservices.permissions import ensure_sees_as_staff
from saduak.identity.data_access import data_access_record
from saduak.identity.models import AccessChannel, CardStatus
from saduak.identity.registry import (
    registry_lookup,
)
from saduak.identity.services import same_name

# The data item a citizen reads on "who used my data" for an application.
APPLICATION_DATA_ITEM = "eservice_application"


def _purpose(*, fact_check: bool, reference: str) -> str:
    # Stored in Thai, the language of the record, whatever the officer's page.
    with translation.override("th"):
        if fact_check:
            text = _("Fact check of e-service application %(reference)s")
        else:
            text = _("Handling e-service application %(reference)s")
        return text % {"reference": reference}


def application_view_record(*, application: Application, viewer: User) -> None:
    """Records that a member of staff opened the application: on the
    applicant's "who used my data" page and audited as
    `eservices.application.view`. Call once per page view. NotFound for an
    application outside what the viewer reads."""
    ensure_sees_as_staff(viewer, application)
    with transaction.atomic():
        data_access_record(
            citizen=application.applicant,
            channel=AccessChannel.STAFF_VIEW,
            data_items=[APPLICATION_DATA_ITEM],
            purpose=_purpose(fact_check=False, reference=application.reference),
            staff_user=viewer,
            office=application.office,
        )
        audit_record(
            actor=viewer,
            action="eservices.application.view",
            target=application,
            office=application.office,
        )


@dataclass(frozen=True)
class RegistryCheck:
    found: bool
    name_matches: bool = False
    birth_date_matches: bool | None = None
    card_status: str = ""
    card_expiry: date | None = None
    registry_name: str = ""

    @property
    def card_valid(self) -> bool:
        return (
            self.found
            and self.card_status == CardStatus.VALID
            and self.card_expiry is not None
            and self.card_expiry >= timezone.localdate()
        )

    @property
    def confirmed(self) -> bool:
        return self.card_valid and self.name_matches and self.birth_date_matches is True


def _answered_birth_date(application: Application) -> date | None:
    raw = (application.answers or {}).get("birth_date")
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def application_registry_check(
    *, application: Application, officer: User
) -> RegistryCheck:
    """Looks the applicant up in the civil registry for the fact check: does the
    name and date of birth match, is the card valid. Needs
    `application.record_for_citizen` over the application's office (the
    officers who check a citizen's identity at the counter). Recorded on the
    applicant's "who used my data" page and audited as
    `eservices.application.registry_check`. The registry not answering is a
    DomainError "registry-unavailable"."""
    matrix.ensure_may(
        officer,
        matrix.Action.APPLICATION_RECORD_FOR_CITIZEN,
        office=application.office,
    )
    applicant = application.applicant
    record = registry_lookup(applicant.personal_id)
    if record is None:
        result = RegistryCheck(found=False)
    else:
        answered = _answered_birth_date(application)
        result = RegistryCheck(
            found=True,
            name_matches=same_name(record.first_name, applicant.first_name)
            and same_name(record.last_name, applicant.last_name),
            birth_date_matches=None
            if answered is None
            else answered == record.birth_date,
            card_status=record.card_status,
            card_expiry=record.card_expiry,
            registry_name=f"{record.first_name} {record.last_name}",
        )
    with transaction.atomic():
        data_access_record(
            citizen=applicant,
            channel=AccessChannel.IDENTITY_CHECK,
            data_items=["identity_match", "card_status"],
            purpose=_purpose(fact_check=True, reference=application.reference),
            staff_user=officer,
            office=application.office,
        )
        audit_record(
            actor=officer,
            action="eservices.application.registry_check",
            target=application,
            after={
                "found": result.found,
                "name_matches": result.name_matches,
                "birth_date_matches": result.birth_date_matches,
                "card_valid": result.card_valid,
            },
            office=application.office,
        )
    return result


def applicant_for_recording(
    *, officer: User, office: Office, personal_id: str, phone: str = ""
) -> tuple[User, bool]:
    """The account of the citizen an officer at `office` records an application
    for, and whether it was created now. An existing account is opened as
    `identity.citizen.view` would be (on the citizen's "who used my data"
    page); without one, the account is created from the civil registry's
    record (no password: the citizen sets one when enrolling for a digital ID
    at a registry office, and follows the application online from then on;
    `phone` lets messages reach them before). Needs
    `application.record_for_citizen` over `office`. Refuses a person the
    registry does not know or whose card is revoked, and a closed digital
    ID."""
    from saduak.identity.services import citizen_record_view

    matrix.ensure_may(
        officer, matrix.Action.APPLICATION_RECORD_FOR_CITIZEN, office=office
    )
    try:
        cleaned = clean_personal_id(personal_id)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="personal_id") from None
    existing = User.objects.filter(personal_id=cleaned).first()
    if existing is not None:
        if not existing.is_active:
            raise InvalidInput(
                _(
                    "This person closed their digital ID. They can open it again "
                    "at a registry office with their ID card."
                ),
                field="personal_id",
                code="account-closed",
            )
        return citizen_record_view(
            officer=officer, office=office, personal_id=cleaned
        ), False
    record = registry_lookup(cleaned)
    if record is None:
        raise InvalidInput(
            _("The civil registry has no person with this ID. Check the number."),
            field="personal_id",
            code="not-in-registry",
        )
    if record.card_status == CardStatus.REVOKED:
        raise InvalidInput(
            _("The civil registry lists this card as revoked."),
            field="personal_id",
            code="card-revoked",
        )
    fields = {"phone": phone} if phone else {}
    with transaction.atomic():
        citizen = user_create(
            personal_id=cleaned,
            first_name=record.first_name,
            last_name=record.last_name,
            password=None,
            actor=officer,
            **fields,
        )
        audit_record(
            actor=officer,
            action="eservices.applicant.create",
            target=citizen,
            after={"from": "civil_registry"},
            office=office,
        )
    return citizen, True
