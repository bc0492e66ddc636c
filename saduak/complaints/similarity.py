"""Possible duplicates: the same category, the same subdistrict (or district,
when the complaint names no subdistrict), received in the last 30 days, still
open, with similar text. Thai is written without spaces between words, so
text is compared as sets of character trigrams of the normalised text
(letters and digits only, lower case, Thai digits as Arabic), by Jaccard
similarity; 0.3 or more suggests a duplicate. The candidates are bounded by
the `complaint_duplicates` index and a limit, whatever the volume."""

import unicodedata
from datetime import timedelta

from saduak.complaints.choices import OPEN_STATUSES
from saduak.complaints.models import Complaint
from saduak.core.thai import arabic_digits

WINDOW_DAYS = 30
THRESHOLD = 0.3
# The newest candidates compared; older ones in the window are not.
CANDIDATES = 300


def normalise(text: str) -> str:
    """Letters and digits only (combining Thai vowels and tone marks kept),
    lower case, NFC, Thai digits as Arabic."""
    text = arabic_digits(unicodedata.normalize("NFC", text or "")).lower()
    return "".join(
        char
        for char in text
        if char.isalnum() or unicodedata.category(char) in ("Mn", "Mc")
    )


def trigrams(text: str) -> frozenset[str]:
    clean = normalise(text)
    if len(clean) < 3:
        return frozenset({clean}) if clean else frozenset()
    return frozenset(clean[i : i + 3] for i in range(len(clean) - 2))


def similarity(first: str, second: str) -> float:
    """Jaccard similarity of the two texts' trigram sets (0 to 1)."""
    return _jaccard(trigrams(first), trigrams(second))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similar_complaints(
    *, complaint: Complaint, limit: int = 5
) -> list[tuple[Complaint, float]]:
    since = complaint.received_at - timedelta(days=WINDOW_DAYS)
    candidates = Complaint.objects.filter(
        category_id=complaint.category_id,
        received_at__gte=since,
        status__in=OPEN_STATUSES,
        merged_into__isnull=True,
    ).exclude(pk=complaint.pk)
    if complaint.subdistrict_id:
        candidates = candidates.filter(subdistrict_id=complaint.subdistrict_id)
    else:
        candidates = candidates.filter(
            district_id=complaint.district_id, subdistrict__isnull=True
        )
    rows = list(
        candidates.select_related("category", "office", "subdistrict").order_by(
            "-received_at"
        )[:CANDIDATES]
    )
    own = trigrams(complaint.description)
    scored = []
    for row in rows:
        score = _jaccard(own, trigrams(row.description))
        if score >= THRESHOLD:
            scored.append((row, round(score, 3)))
    scored.sort(key=lambda pair: (-pair[1], -pair[0].received_at.timestamp()))
    return scored[:limit]
