"""The webhook's replies are sent by the worker: LINE slow or down, or the
broker down, never holds the webhook's request nor loses the vote."""

import pytest

from saduak.feedback import tasks
from saduak.feedback.line.replies import ReplyText, replies_from_json, replies_to_json
from saduak.feedback.tests.line_fakes import (
    CHANNEL_SECRET,
    RecordingReplier,
    deliver,
    text_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(settings, small_map):
    settings.LINE_CHANNEL_SECRET = CHANNEL_SECRET
    settings.LINE_REPLIER = "saduak.feedback.tests.line_fakes.RecordingReplier"
    RecordingReplier.sent.clear()
    return RecordingReplier.sent


def test_the_replies_are_queued_for_the_worker_not_sent_in_the_request(
    client, line, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        tasks.send_line_replies, "delay", lambda *args: queued.append(args)
    )
    response = deliver(client, text_event("vote do-1001"))
    assert response.status_code == 200
    assert line == []
    [(token, payload)] = queued
    tasks.send_line_replies(token, payload)  # what the worker then does
    assert len(line) == 1


def test_a_broker_that_is_down_still_answers_line_200(client, line, monkeypatch):
    def broker_down(*args):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.send_line_replies, "delay", broker_down)
    assert deliver(client, text_event("vote do-1001")).status_code == 200


def test_replies_survive_the_trip_through_the_queue():
    from saduak.feedback.line.replies import QuickReplyButton

    replies = [
        ReplyText("ให้คะแนน", (QuickReplyButton("5", "vote=5", "ดีมาก"),)),
        ReplyText("ขอบคุณ"),
    ]
    assert replies_from_json(replies_to_json(replies)) == replies
