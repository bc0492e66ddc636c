"""What people send the official account, read: the text the poster's LINE link
pre-fills ("ประเมิน do-1001", "vote reg-1001 counter 2", or an office code
alone), and the postback data of the face buttons the bot answers with."""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

from saduak.core.thai import arabic_digits

_VOTE_WORDS = r"(?:ประเมิน|โหวต|vote|rate)"
_COUNTER_WORDS = r"(?:ช่อง\s*(?:บริการ)?\s*(?:ที่)?|counter|no\.?)"
_VOTE_TEXT = re.compile(
    rf"^(?P<asked>{_VOTE_WORDS})?\s*(?P<code>[a-z0-9][a-z0-9_-]{{0,31}})"
    rf"(?:\s+{_COUNTER_WORDS}\s*(?P<counter>\d{{1,4}}))?$",
    re.IGNORECASE,
)
# An office code alone, without "vote" before it, must look like one
# ("do-1001"), so that "hello" is answered with how to vote, not "no office".
_LOOKS_LIKE_OFFICE_CODE = re.compile(r"^[a-z]+-?\d+$|^[a-z0-9]+-[a-z0-9-]+$", re.I)

# The words that ask for the complaint form (the rich menu's "ร้องเรียน" entry
# sends the first), alone in the message.
_COMPLAINT_TEXT = re.compile(
    r"^(?:ร้องเรียน|ร้องทุกข์|แจ้งเรื่องร้องเรียน|complaint|complaints|complain)$",
    re.IGNORECASE,
)

POSTBACK_ACTION = "vote"
# LINE limits postback data to 300 characters; ours is far shorter.
POSTBACK_MAX_LENGTH = 300


@dataclass(frozen=True)
class VoteAsked:
    """Someone asks to rate `office_code` (and maybe one of its counters)."""

    office_code: str
    counter: int | None = None


@dataclass(frozen=True)
class VoteAnswered:
    """A face tapped: the score is as sent, checked by the vote service."""

    office_code: str
    score: str
    counter: int | None = None


def vote_asked(text: str) -> VoteAsked | None:
    """The office a chat message asks to rate, or None for any other text."""
    normalised = " ".join(arabic_digits(text).split())
    found = _VOTE_TEXT.match(normalised)
    if found is None:
        return None
    code = found["code"]
    if not found["asked"] and not _LOOKS_LIKE_OFFICE_CODE.match(code):
        return None
    counter = int(found["counter"]) if found["counter"] else None
    return VoteAsked(office_code=code, counter=counter)


def complaint_asked(text: str) -> bool:
    """Whether a chat message asks for the complaint form."""
    return bool(_COMPLAINT_TEXT.match(" ".join(text.split())))


def vote_postback_data(*, office_code: str, score: int, counter: int | None) -> str:
    fields: dict[str, str | int] = {
        "action": POSTBACK_ACTION,
        "office": office_code,
        "score": score,
    }
    if counter is not None:
        fields["counter"] = counter
    return urlencode(fields)


def vote_answered(data: str) -> VoteAnswered | None:
    """The vote a face button's postback data carries, or None when the data is
    not one of ours or cannot be read (a changed or truncated postback)."""
    if len(data) > POSTBACK_MAX_LENGTH:
        return None
    fields = parse_qs(data, keep_blank_values=True)
    if fields.get("action") != [POSTBACK_ACTION]:
        return None
    office = fields.get("office", [""])
    score = fields.get("score", [""])
    counter = fields.get("counter", [])
    if len(office) != 1 or not 0 < len(office[0]) <= 32:
        return None
    if len(score) != 1 or len(counter) > 1:
        return None
    if counter and not (
        counter[0].isascii() and counter[0].isdigit() and len(counter[0]) <= 4
    ):
        return None
    return VoteAnswered(
        office_code=office[0],
        score=score[0],
        counter=int(counter[0]) if counter else None,
    )
