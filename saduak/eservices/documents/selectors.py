"""Finding documents and applications for the document endpoints. Permission
to open or add a document is the services' check; these only keep people from
learning that someone else's application exists."""

from uuid import UUID

from django.db.models import Q

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.core.errors import NotFound
from saduak.eservices.models import Application, Attachment


def attachment_get(*, public_id: UUID) -> Attachment:
    """A document that has not been removed, by its public id, with its
    application and office (who may open it is the service's check)."""
    found = (
        Attachment.objects.select_related("application__office")
        .filter(public_id=public_id, removed_at__isnull=True)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def application_for_documents(*, reference: str, actor: User) -> Application:
    """The application with this reference when `actor` is its applicant or
    staff whose reach covers its office; NotFound otherwise."""
    reach = read_reach(actor)
    applications = Application.objects.select_related("office", "version")
    if not reach.everything:
        # (Q(...) | Q() would drop the empty side: everything is handled apart.)
        applications = applications.filter(
            Q(applicant_id=actor.pk)
            | reach.q(
                office="office_id", district="district_code", province="province_code"
            )
        )
    found = applications.filter(reference=reference).first()
    if found is None:
        raise NotFound()
    return found
