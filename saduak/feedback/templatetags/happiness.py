from django import template

from saduak.areas.models import Office
from saduak.feedback import posters
from saduak.feedback.choices import FACES, Score
from saduak.feedback.selectors.index import HappinessIndex

register = template.Library()


@register.simple_tag
def happiness_rows(index: HappinessIndex) -> list[dict[str, object]]:
    """The distribution as rows, very happy first: face, label, votes, share."""
    shares = index.shares()
    return [
        {
            "emoji": FACES[score],
            "label": label,
            "votes": index.distribution[score - 1],
            "share": shares[score - 1],
        }
        for score, label in reversed(Score.choices)
    ]


@register.filter
def face(score: int) -> str:
    return FACES.get(int(score), "")


@register.simple_tag
def vote_url(office: Office) -> str:
    """The permanent address on the office's QR code."""
    return posters.vote_url(office)
