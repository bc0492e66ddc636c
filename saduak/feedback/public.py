"""What the public pages and open data share: the licence, and the ranking cached
under a generation number. The cache is at most FEEDBACK_PUBLIC_CACHE_SECONDS
behind the votes; moderation (releasing or rejecting votes, hiding comments)
bumps the generation, so its effect is public at once."""

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from saduak.feedback.selectors.ranking import Ranking, district_ranking

GENERATION_KEY = "feedback-public-generation"

LICENCE = _(
    "Open data of the Amphoe Sang Suk happiness vote, under the Open Government "
    "Data licence of Thailand (free to use, share and adapt, with attribution to "
    "the department)."
)


def public_generation() -> int:
    return int(cache.get(GENERATION_KEY) or 0)


def public_refresh() -> None:
    """Makes every cached public page and download be worked out afresh."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def cached_ranking(*, start: date, end: date, province_code: str = "") -> Ranking:
    key = f"feedback-ranking:{public_generation()}:{start}:{end}:{province_code}"
    found: Ranking | None = cache.get(key)
    if found is None:
        found = district_ranking(start=start, end=end, province_code=province_code)
        cache.set(key, found, timeout=settings.FEEDBACK_PUBLIC_CACHE_SECONDS)
    return found
