"""Reading committee meetings, scoped to who asks."""

from uuid import UUID

from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.core.errors import NotFound
from saduak.eservices.models import CommitteeMeeting
from saduak.eservices.selectors.queue import ensure_reaches_office


def meeting_for_staff(*, user: User, public_id: UUID) -> CommitteeMeeting:
    """A meeting of an office in the user's reach, by its public id; NotFound
    otherwise, as if it did not exist."""
    meeting = (
        CommitteeMeeting.objects.select_related("office", "created_by")
        .filter(public_id=public_id)
        .first()
    )
    if meeting is None:
        raise NotFound(_("There is no such meeting."))
    ensure_reaches_office(user, meeting.office)
    return meeting
