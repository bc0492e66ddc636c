"""Re-wraps every complaint attachment's data key with the current master key
(or the one named with --to); see core/uploads/rotate_command.py."""

from saduak.complaints.models import ComplaintAttachment
from saduak.complaints.services.documents import complaint_attachments_rewrap
from saduak.core.uploads.rotate_command import RotateKeysCommand


class Command(RotateKeysCommand):
    help = "Re-wrap complaint attachment data keys with the current master key."
    model = ComplaintAttachment
    what = "complaint attachment"

    def rewrap(self, to_key_id: str) -> int:
        return complaint_attachments_rewrap(to_key_id=to_key_id)
