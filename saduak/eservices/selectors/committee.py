"""Reading committee meetings, scoped to who asks."""

from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.core.errors import NotFound
from saduak.eservices.models import CommitteeMeeting
from saduak.eservices.selectors.queue import ensure_reaches_office


def meeting_for_staff(*, user: User, pk: int) -> CommitteeMeeting:
    """A meeting of an office in the user's reach (NotFound, or the reach's
    refusal, otherwise)."""
    meeting = (
        CommitteeMeeting.objects.select_related("office", "created_by")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise NotFound(_("There is no such meeting."))
    ensure_reaches_office(user, meeting.office)
    return meeting
