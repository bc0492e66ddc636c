"""What of a comment may be published: personal ID numbers, telephone numbers and
e-mail addresses are masked; words of abuse are masked and the comment waits for
a moderator before it appears. Thai digits are read, and published, as Arabic
ones, so that a number written in Thai digits is masked too."""

import re
from dataclasses import dataclass
from pathlib import Path

from pythainlp.tokenize import word_tokenize

from saduak.core.thai import arabic_digits

# 13 digits, written together or grouped with dashes or spaces (1-2345-67890-12-3).
PERSONAL_ID = re.compile(r"(?<!\d)\d(?:[\s-]?\d){12}(?!\d)")
# A Thai telephone number: 0 or +66 then 8-9 more digits, grouped in any way.
TELEPHONE = re.compile(r"(?<![\d+])(?:\+66[\s-]?|0)\d(?:[\s-]?\d){7,8}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ABUSE_WORDS_FILE = Path(__file__).with_name("abuse_words.txt")

ID_MASK = "x-xxxx-xxxxx-xx-x"
TELEPHONE_MASK = "0xx-xxx-xxxx"
EMAIL_MASK = "xxx@xxx"


ABUSE_WORDS = frozenset(
    line.strip().casefold()
    for line in ABUSE_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


@dataclass(frozen=True)
class MaskedComment:
    text: str
    has_personal_data: bool
    has_abuse: bool


def mask_comment(text: str) -> MaskedComment:
    masked = arabic_digits(text)
    masked, ids = PERSONAL_ID.subn(ID_MASK, masked)
    masked, phones = TELEPHONE.subn(TELEPHONE_MASK, masked)
    masked, emails = EMAIL.subn(EMAIL_MASK, masked)
    # Whole words only: Thai is written without spaces, and a short word of abuse
    # is often part of an innocent one (ห่า in ห่าง).
    words = word_tokenize(masked, keep_whitespace=True)
    abuse = sum(word.casefold() in ABUSE_WORDS for word in words)
    if abuse:
        masked = "".join(
            "*" * len(word) if word.casefold() in ABUSE_WORDS else word
            for word in words
        )
    return MaskedComment(
        text=masked,
        has_personal_data=bool(ids or phones or emails),
        has_abuse=bool(abuse),
    )
