"""Re-wraps every KPI evidence file's data key with the current master key
(or the one named with --to); see core/uploads/rotate_command.py."""

from saduak.core.uploads.rotate_command import RotateKeysCommand
from saduak.performance.models import ResultEvidence
from saduak.performance.services.evidence import evidence_rewrap


class Command(RotateKeysCommand):
    help = "Re-wrap KPI evidence data keys with the current master key."
    model = ResultEvidence
    what = "KPI evidence"

    def rewrap(self, to_key_id: str) -> int:
        return evidence_rewrap(to_key_id=to_key_id)
