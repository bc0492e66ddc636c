"""The chat's "ร้องเรียน" (the rich menu's complaint entry, or typed): the
official account answers with the complaint form's link, the LIFF app when
one is configured, else the form on the site. Feedback builds the link from
settings and the URL's name; it does not import complaints."""

import pytest

from saduak.feedback.line import texts
from saduak.feedback.line.commands import complaint_asked
from saduak.feedback.models import Vote
from saduak.feedback.tests.line_fakes import (
    CHANNEL_SECRET,
    RecordingReplier,
    deliver,
    text_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def replies(settings, small_map):
    settings.LINE_CHANNEL_SECRET = CHANNEL_SECRET
    settings.LINE_REPLIER = "saduak.feedback.tests.line_fakes.RecordingReplier"
    settings.SITE_URL = "https://saduak.example.go.th"
    RecordingReplier.sent.clear()
    return RecordingReplier.sent


def only_text(replies) -> str:
    [(_token, [message])] = replies
    assert message.quick_replies == ()
    return message.text


@pytest.mark.parametrize(
    "text", ["ร้องเรียน", " ร้องเรียน ", "ร้องทุกข์", "complaint", "Complaint", "COMPLAIN"]
)
def test_the_complaint_keyword_is_answered_with_the_liff_form(
    client, replies, settings, text
):
    settings.COMPLAINTS_LIFF_ID = "1657000000-Cmpl4int"

    deliver(client, text_event(text))

    message = only_text(replies)
    assert message == texts.complaint_form("https://liff.line.me/1657000000-Cmpl4int")
    assert message.startswith("ร้องเรียนหรือร้องทุกข์ต่อศูนย์ดำรงธรรมอำเภอ")
    assert "Damrongdham center" in message
    assert not Vote.objects.exists()


def test_without_a_liff_app_the_keyword_links_to_the_form_on_the_site(
    client, replies, settings
):
    settings.COMPLAINTS_LIFF_ID = ""

    deliver(client, text_event("ร้องเรียน"))

    assert only_text(replies).endswith("\nhttps://saduak.example.go.th/complaints/new/")


@pytest.mark.parametrize(
    "text", ["ร้องเรียน do-1001", "complaints are welcome", "ประเมิน do-1001", ""]
)
def test_other_texts_are_not_the_complaint_keyword(text):
    assert complaint_asked(text) is False
