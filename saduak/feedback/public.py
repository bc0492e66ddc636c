"""What the public pages and open data share: the licence, and the ranking cached
under a generation number. The cache is at most FEEDBACK_PUBLIC_CACHE_SECONDS
behind the votes; moderation (releasing or rejecting votes, hiding comments)
bumps the generation, so its effect is public within seconds."""

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from saduak.core.memo import ProcessMemo
from saduak.feedback.selectors.index import HappinessIndex
from saduak.feedback.selectors.ranking import Ranking, district_counts, district_ranking

GENERATION_KEY = "feedback-public-generation"

LICENCE = _(
    "Open data of the Amphoe Sang Suk happiness vote, under the Open Government "
    "Data licence of Thailand (free to use, share and adapt, with attribution to "
    "the department)."
)


# Each process reads the generation from the shared cache at most this often.
GENERATION_READ_SECONDS = 2
_generation_read = ProcessMemo(seconds=GENERATION_READ_SECONDS, size=1)


def public_generation() -> int:
    remembered = _generation_read.get(GENERATION_KEY)
    if remembered is None:
        remembered = int(cache.get(GENERATION_KEY) or 0)
        _generation_read.set(GENERATION_KEY, remembered)
    return int(remembered)


def public_refresh() -> None:
    """Makes every cached public page and download be worked out afresh: at once
    in this process, within GENERATION_READ_SECONDS in the others."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)
    _generation_read.clear()


def cached_ranking(*, start: date, end: date, province_code: str = "") -> Ranking:
    """The ranking with the districts' counts from the cache: one entry per
    period, shared by every province's list."""
    key = f"feedback-ranking-v2:{public_generation()}:{start}:{end}"
    stored: dict[str, tuple[int, ...]] | None = cache.get(key)
    if stored is None:
        counts = district_counts(start=start, end=end)
        stored = {code: index.counts for code, index in counts.items()}
        cache.set(key, stored, timeout=settings.FEEDBACK_PUBLIC_CACHE_SECONDS)
    else:
        counts = {
            code: HappinessIndex.from_counts(values) for code, values in stored.items()
        }
    return district_ranking(
        start=start, end=end, province_code=province_code, counts=counts
    )
