"""Who may do what with an application. Services check these again inside
their transaction; pages use them to show only what the user may do."""

from saduak.accounts.models import User
from saduak.accounts.scoping import reach_of, read_reach
from saduak.eservices.choices import ApplicationStatus
from saduak.eservices.models import Application
from saduak.eservices.versions import workflow_of

FILLABLE = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


def can_fill(user: User, application: Application) -> bool:
    """The applicant, for their own draft or returned application; or staff in
    reach of the office, for an application they recorded on the citizen's
    behalf."""
    if application.status not in FILLABLE or not user.is_authenticated:
        return False
    if application.applicant_id == user.pk:
        return True
    return application.recorded_by_id is not None and can_see_as_staff(
        user, application
    )


def can_see_as_staff(user: User, application: Application) -> bool:
    return user.is_authenticated and read_reach(user).covers_office(application.office)


def can_work(user: User, application: Application) -> bool:
    """Holds a role of the application's current stage, over its office."""
    if not application.is_open or not user.is_authenticated:
        return False
    stage = workflow_of(application.version).by_code.get(application.stage)
    if stage is None or not stage.roles:
        return False
    return reach_of(user, stage.office_roles).covers_office(application.office)
