"""Reading services and applications, scoped to who asks."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.core.errors import NotFound, PermissionDeniedError
from saduak.core.references import normalise_reference
from saduak.eservices.choices import VersionStatus
from saduak.eservices.models import (
    Application,
    ApplicationEvent,
    Service,
    ServiceVersion,
)
from saduak.eservices.permissions import (
    FILLABLE,
    ensure_may_fill,
    ensure_sees_as_staff,
)

APPLICATION_RELATED = ("service", "version", "office", "applicant")


def services_open() -> list[Service]:
    """Active services with a published version, in code order."""
    return list(
        Service.objects.filter(
            is_active=True, versions__status=VersionStatus.PUBLISHED
        ).order_by("code")
    )


def service_by_code(code: str) -> Service:
    service = Service.objects.filter(code=code).first()
    if service is None:
        raise NotFound(_("There is no e-service with this code."))
    return service


def published_version(service: Service) -> ServiceVersion:
    version = service.versions.filter(status=VersionStatus.PUBLISHED).first()
    if version is None or not service.is_active:
        raise NotFound(
            _("This service does not take applications online at the moment."),
            code="service-closed",
        )
    return version


def offices_for_service(service: Service) -> QuerySet[Office]:
    """The offices that take applications: the service's own list, or every
    active district office."""
    chosen = service.offices.filter(is_active=True)
    if chosen.exists():
        return chosen.order_by("province_id", "district_id", "code")
    return Office.objects.filter(
        is_active=True, kind=OfficeKind.DISTRICT_OFFICE
    ).order_by("province_id", "district_id", "code")


def _by_reference(reference: str) -> Application:
    application = (
        Application.objects.select_related(*APPLICATION_RELATED)
        .filter(reference=normalise_reference(reference))
        .first()
    )
    if application is None:
        raise NotFound(_("There is no application with this reference."))
    return application


def application_for_applicant(*, user: User, reference: str) -> Application:
    """The user's own application; another person's is "not found", so a
    reference reveals nothing about whose it is."""
    application = _by_reference(reference)
    if application.applicant_id != user.pk:
        raise NotFound(_("There is no application with this reference."))
    return application


def application_for_filling(*, user: User, reference: str) -> Application:
    """The application `user` may fill in now (`permissions.may_fill`):
    NotFound when they may not even read it, PermissionDeniedError when they
    may read but not fill it ("not-fillable" once it is with the officers)."""
    application = _by_reference(reference)
    if application.applicant_id != user.pk:
        ensure_sees_as_staff(user, application)
    ensure_may_fill(user, application)
    if application.status not in FILLABLE:
        raise PermissionDeniedError(
            _("This application cannot be changed now: it is with the officers."),
            code="not-fillable",
        )
    return application


def application_for_staff(*, user: User, reference: str) -> Application:
    """An application of an office the user reads; NotFound otherwise, as if
    it did not exist."""
    application = _by_reference(reference)
    ensure_sees_as_staff(user, application)
    return application


def applications_of_applicant(user: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("service", "office", "version")
        .order_by("-created_at")
    )


def application_timeline(
    application: Application, *, for_applicant: bool
) -> list[ApplicationEvent]:
    events = application.events.select_related("actor")
    if for_applicant:
        events = events.filter(for_applicant=True)
    return list(events)
