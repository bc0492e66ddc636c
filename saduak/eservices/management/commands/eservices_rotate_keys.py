"""Re-wraps every attachment's data key with the current master key (or the one
named with --to); see core/uploads/rotate_command.py."""

from saduak.core.uploads.rotate_command import RotateKeysCommand
from saduak.eservices.documents.services import attachments_rewrap
from saduak.eservices.models import Attachment


class Command(RotateKeysCommand):
    help = "Re-wrap attachment data keys with the current master key."
    model = Attachment
    what = "attachment"

    def rewrap(self, to_key_id: str) -> int:
        return attachments_rewrap(to_key_id=to_key_id)
