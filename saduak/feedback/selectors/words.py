"""What people talk about: the words that come up most in a unit's public
comments (of counted votes) over a period. Thai is written without spaces, so the comments are cut
into words by PyThaiNLP; Thai stop words, punctuation, numbers, one-letter
pieces and the masks of personal data are left out. A word counts once per
comment, so the count is how many comments use it. Tokenising costs time, so
only the newest comments are read and the result is cached for a few minutes
(and worked out afresh after moderation, with the public pages)."""

import functools
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Q

from saduak.feedback.choices import CommentState, VoteStatus
from saduak.feedback.masking import EMAIL_MASK, ID_MASK, TELEPHONE_MASK
from saduak.feedback.models import Vote
from saduak.feedback.public import public_generation

COMMENTS_READ = 2000
TOP_WORDS = 30
CACHE_SECONDS = 300
# A few English words that say nothing, for comments written in English.
ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "my",
        "not",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "this",
        "to",
        "very",
        "was",
        "we",
        "were",
        "with",
        "you",
    ]
)
# PyThaiNLP's stop words include some that say how a service was (slow, fast,
# long, hard, wrong): people's comments are about exactly that, so they stay.
SERVICE_WORDS = frozenset(
    {"นาน", "เร็ว", "ช้า", "ยาก", "ง่าย", "ยาว", "สั้น", "ผิด", "ถูก", "เสีย", "ช่วย"}
)
_MASKS = frozenset({ID_MASK, TELEPHONE_MASK, EMAIL_MASK, "xxx", "0xx"})


@dataclass(frozen=True)
class WordCount:
    word: str
    comments: int
    share: float  # of the most used word's count, 0-1, for bars

    @property
    def bar(self) -> int:
        """The bar's length in twentieths (a CSS class: no inline styles)."""
        return round(self.share * 20)


@dataclass(frozen=True)
class WordSummary:
    words: list[WordCount]
    comments_read: int
    capped: bool  # more comments than COMMENTS_READ: the newest were read


@functools.cache
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return (frozenset(thai_stopwords()) | ENGLISH_STOPWORDS) - SERVICE_WORDS


def words_of(text: str) -> set[str]:
    """The distinct words of one comment that say something."""
    from pythainlp.tokenize import word_tokenize

    stopwords = _stopwords()
    found = set()
    for token in word_tokenize(text, keep_whitespace=False):
        word = token.strip().casefold()
        if (
            len(word) < 2
            or word in stopwords
            or word in _MASKS
            or not any(character.isalpha() for character in word)
            or set(word) <= {"x", "*", "@", "-", "."}
            or "*" in word
        ):
            continue
        found.add(word)
    return found


def comment_words(
    *, where: Q, scope: str, start: date, end: date, limit: int = TOP_WORDS
) -> WordSummary:
    """The `limit` words used by most of the public comments that `where`
    picks in [start, end]. `scope` names `where` in the cache key (such as
    "district:5001"): the caller must give each filter a name of its own."""
    key = f"feedback-words:{public_generation()}:{scope}:{start}:{end}:{limit}"
    found: WordSummary | None = cache.get(key)
    if found is None:
        found = _count(where=where, start=start, end=end, limit=limit)
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found


def _count(*, where: Q, start: date, end: date, limit: int) -> WordSummary:
    texts = list(
        Vote.objects.filter(
            where,
            day__gte=start,
            day__lte=end,
            comment_state=CommentState.PUBLIC,
            status=VoteStatus.COUNTED,
        )
        .order_by("-updated_at", "-id")
        .values_list("comment_public", flat=True)[: COMMENTS_READ + 1]
    )
    capped = len(texts) > COMMENTS_READ
    texts = texts[:COMMENTS_READ]
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(words_of(text))
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    most = top[0][1] if top else 1
    return WordSummary(
        words=[WordCount(word, count, count / most) for word, count in top],
        comments_read=len(texts),
        capped=capped,
    )
