"""Who may do what with an application, asked of the role x action matrix
(saduak/accounts/matrix.py): nothing here restates a role. Services check these
again inside their transaction; pages use them to show only what the user may
do.

Filling in is not seeing: the applicant fills in their own draft or returned
application; staff fill in only an application recorded on the citizen's
behalf, and only with `application.record_for_citizen` over its office."""

from django.utils.translation import gettext as _

from saduak.accounts import matrix
from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.core.errors import NotFound, PermissionDeniedError
from saduak.eservices.choices import ApplicationStatus
from saduak.eservices.models import Application
from saduak.eservices.versions import workflow_of

FILLABLE = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


def stage_roles(application: Application) -> tuple[str, ...]:
    """The roles the application's current stage names (none for a draft or
    a closed one)."""
    stage = workflow_of(application.version).by_code.get(application.stage)
    return stage.roles if stage is not None else ()


def may_see_as_staff(user: User, application: Application) -> bool:
    return user.is_authenticated and read_reach(user).covers_office(application.office)


def ensure_sees_as_staff(user: User, application: Application) -> None:
    """NotFound for an application outside what the user can read, so that
    nobody learns it exists."""
    if not may_see_as_staff(user, application):
        raise NotFound(_("There is no application with this reference."))


def may_fill(user: User, application: Application) -> bool:
    """The applicant, for their own draft or returned application; staff with
    `application.record_for_citizen` over its office, for one recorded on the
    citizen's behalf."""
    if application.status not in FILLABLE or not user.is_authenticated:
        return False
    if application.applicant_id == user.pk:
        return True
    return application.recorded_by_id is not None and matrix.may(
        user, matrix.Action.APPLICATION_RECORD_FOR_CITIZEN, office=application.office
    )


def ensure_may_fill(user: User, application: Application) -> None:
    """Raises unless `user` may change the answers of `application` (whatever
    its status, which the caller checks): NotFound when they cannot even read
    it, PermissionDeniedError when they can."""
    if application.applicant_id == user.pk:
        return
    if application.recorded_by_id is None:
        ensure_sees_as_staff(user, application)
        raise PermissionDeniedError(
            _("Only the applicant fills in an application they started online."),
            code="not-yours",
        )
    matrix.ensure_may(
        user,
        matrix.Action.APPLICATION_RECORD_FOR_CITIZEN,
        office=application.office,
        refusal=_(
            "Only the officers who record applications for citizens at this "
            "office may fill this one in."
        ),
    )


def _may_in_stage(user: User, application: Application, action: matrix.Action) -> bool:
    """A stage's `action` (its workflow actions, claiming it): a role the
    stage names, over the application's office, while it is open."""
    roles = stage_roles(application)
    return (
        application.is_open
        and bool(roles)
        and matrix.may(user, action, office=application.office, named=roles)
    )


def may_act(user: User, application: Application) -> bool:
    """Whether the user takes the current stage's workflow actions."""
    return _may_in_stage(user, application, matrix.Action.APPLICATION_ACT)


def may_claim(user: User, application: Application) -> bool:
    return _may_in_stage(user, application, matrix.Action.APPLICATION_CLAIM)


def may_note(user: User, application: Application) -> bool:
    return matrix.may(
        user, matrix.Action.APPLICATION_NOTE_ADD, office=application.office
    )


def may_record_fact_check(user: User, application: Application) -> bool:
    return application.is_open and matrix.may(
        user, matrix.Action.FACT_CHECK_RECORD, office=application.office
    )
