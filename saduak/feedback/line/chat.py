"""The official account's side of a chat: what to answer to each webhook event.
A text naming an office is answered with the five faces as quick replies; a
tapped face is a vote, answered with thanks and the office's index; a new
friend is welcomed. Only one-to-one chats are answered: a vote needs a LINE user,
and group chats are not where people rate an office."""

import logging

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UserSource,
)

from saduak.areas.models import Office
from saduak.core.errors import DomainError, InvalidInput, NotFound, TooManyRequests
from saduak.core.links import absolute_url
from saduak.core.thai import current_fiscal_year
from saduak.feedback.choices import VoteChannel, VoteStatus
from saduak.feedback.keys import Voter, line_voter, salted
from saduak.feedback.line import texts
from saduak.feedback.line.commands import (
    VoteAnswered,
    complaint_asked,
    vote_answered,
    vote_asked,
    vote_postback_data,
)
from saduak.feedback.line.links import complaint_form_link
from saduak.feedback.line.replies import QuickReplyButton, ReplyText
from saduak.feedback.lookups import vote_targets
from saduak.feedback.models import SCORES
from saduak.feedback.selectors.index import index_of
from saduak.feedback.selectors.offices import office_for_vote
from saduak.feedback.services.votes import vote_cast

logger = logging.getLogger(__name__)


def chat_voter(line_user_id: str) -> Voter:
    """A LINE user in the chat. LINE's servers post every chat's events, so the
    network is no clue to who votes: each LINE user is a source of their own and
    the per-network limits apply per LINE user."""
    return line_voter(
        line_user_id,
        source=salted("line-source", line_user_id),
        channel=VoteChannel.LINE_CHAT,
    )


def replies_to(event: Event) -> list[ReplyText]:
    """What to answer `event` with; nothing for events we do not answer."""
    source = getattr(event, "source", None)
    if not isinstance(source, UserSource) or not source.user_id:
        return []
    if isinstance(event, MessageEvent) and isinstance(
        event.message, TextMessageContent
    ):
        return [_answer_text(event.message.text or "")]
    if isinstance(event, PostbackEvent) and event.postback is not None:
        return [_answer_postback(source.user_id, event.postback.data or "")]
    if isinstance(event, FollowEvent):
        return [ReplyText(texts.WELCOME)]
    return []


def _answer_text(text: str) -> ReplyText:
    if complaint_asked(text):
        return ReplyText(texts.complaint_form(complaint_form_link()))
    asked = vote_asked(text)
    if asked is None:
        return ReplyText(texts.HOW_TO_VOTE)
    try:
        office = _office(asked.office_code)
        vote_targets(office=office, counter_number=asked.counter, service_code="")
    except DomainError as error:
        return ReplyText(_refusal(error, asked.office_code, asked.counter))
    return ReplyText(
        texts.ask_for_score(office, asked.counter),
        quick_replies=tuple(
            QuickReplyButton(
                label=texts.face_label(score),
                data=vote_postback_data(
                    office_code=office.code, score=score, counter=asked.counter
                ),
                display_text=texts.face_display_text(score),
            )
            for score in SCORES
        ),
    )


def _answer_postback(line_user_id: str, data: str) -> ReplyText:
    answered = vote_answered(data)
    if answered is None:
        return ReplyText(texts.UNREADABLE_ANSWER)
    try:
        return _vote(line_user_id, answered)
    except DomainError as error:
        return ReplyText(_refusal(error, answered.office_code, answered.counter))


def _vote(line_user_id: str, answered: VoteAnswered) -> ReplyText:
    office = _office(answered.office_code)
    counter, _service = vote_targets(
        office=office, counter_number=answered.counter, service_code=""
    )
    outcome = vote_cast(
        office=office,
        score=answered.score,
        voter=chat_voter(line_user_id),
        counter=counter,
    )
    year = current_fiscal_year()
    index = index_of(
        start=year.start, end=timezone.localdate(), where=Q(office_id=office.pk)
    )
    return ReplyText(
        texts.thanks(
            office=office,
            index=index,
            year=year,
            replaced=outcome.replaced,
            held=outcome.status == VoteStatus.HELD,
            results_url=_results_url(office),
            results_of_district=office.district_id is not None,
        )
    )


def _office(code: str) -> Office:
    """The office a code names, as typed or in lower case (people type "DO-1001";
    the posters print codes in lower case)."""
    try:
        return office_for_vote(code)
    except NotFound:
        if code == code.lower():
            raise
        return office_for_vote(code.lower())


def _results_url(office: Office) -> str:
    # Thai pages have no prefix; the chat has no language to choose another by.
    with translation.override("th"):
        if office.district_id is None:
            return absolute_url(reverse("feedback:ranking"))
        return absolute_url(reverse("feedback:district", args=[office.district_id]))


def _refusal(error: DomainError, office_code: str, counter: int | None) -> str:
    """The service's refusal, said in both languages (its own message is in one
    language only: the request's)."""
    if isinstance(error, TooManyRequests):
        retry_after = int(error.extra.get("retry_after", 3600))
        return texts.too_many_votes(max(1, retry_after // 60))
    if isinstance(error, NotFound):  # no such office, or one closed to votes
        return texts.unknown_office(office_code)
    if isinstance(error, InvalidInput) and error.field == "score":
        return texts.BAD_SCORE
    if isinstance(error, InvalidInput) and error.field == "counter":
        return texts.unknown_counter(counter)
    logger.warning("LINE vote refused: %s %s", error.code, error.message)
    return texts.NOT_RECORDED
