"""The official account's webhook end to end: LINE's signature, the quick-reply
faces, votes from postbacks (one per LINE user, office and day, whether cast in
the chat or on the LIFF page), refusals that store nothing, and the events that
are not answered."""

import json

import pytest

from saduak.areas.models import Office
from saduak.feedback.choices import VoteChannel, VoteStatus
from saduak.feedback.keys import salted
from saduak.feedback.line import texts
from saduak.feedback.line.commands import vote_postback_data
from saduak.feedback.line.replies import LineReplyError, ReplyText
from saduak.feedback.models import OfficeDayHappiness, Vote
from saduak.feedback.tests.line_fakes import (
    CHANNEL_SECRET,
    LINE_USER,
    RecordingReplier,
    deliver,
    follow_event,
    postback_event,
    sign,
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


def only_reply(replies) -> ReplyText:
    [(_token, [message])] = replies
    return message


def vote_data(office="do-1001", score=5, counter=None):
    return vote_postback_data(office_code=office, score=score, counter=counter)


def day_counts(office_code="do-1001"):
    row = OfficeDayHappiness.objects.filter(office__code=office_code).first()
    if row is None:
        return (0, 0, 0, 0, 0)
    return (row.votes_1, row.votes_2, row.votes_3, row.votes_4, row.votes_5)


# --- The signature ------------------------------------------------------------


def test_a_correctly_signed_delivery_is_answered_with_200(client, replies):
    response = deliver(client, text_event("vote do-1001"))

    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert len(replies) == 1


def test_a_message_with_a_lone_surrogate_is_refused_and_nothing_is_done(
    client, replies
):
    response = deliver(client, text_event("vote do-1001\ud800"))

    assert response.status_code == 400
    assert replies == []
    assert not Vote.objects.exists()


def test_a_delivery_without_a_signature_is_refused_and_nothing_is_done(client, replies):
    response = deliver(client, postback_event(vote_data()), signature="")

    assert response.status_code == 400
    assert response.json()["code"] == "line-signature-invalid"
    assert replies == []
    assert not Vote.objects.exists()


def test_a_delivery_signed_with_another_secret_is_refused(client, replies):
    response = deliver(client, postback_event(vote_data()), secret="someone-else")

    assert response.status_code == 400
    assert response.json()["code"] == "line-signature-invalid"
    assert replies == []
    assert not Vote.objects.exists()


def test_a_body_changed_after_signing_is_refused(client, replies):
    signed = json.dumps({"destination": "Ubot", "events": []})
    tampered = json.dumps(
        {"destination": "Ubot", "events": [postback_event(vote_data())]}
    )

    response = client.post(
        "/line/webhook",
        data=tampered,
        content_type="application/json",
        headers={"X-Line-Signature": sign(signed)},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "line-signature-invalid"
    assert not Vote.objects.exists()


def test_with_no_channel_secret_configured_every_delivery_is_refused(
    client, replies, settings
):
    settings.LINE_CHANNEL_SECRET = ""

    # Signed with the empty secret, as a forger who knows it is empty would.
    response = deliver(client, postback_event(vote_data()), secret="")

    assert response.status_code == 503
    assert response.json()["code"] == "line-secret-missing"
    assert replies == []
    assert not Vote.objects.exists()


def test_a_signed_body_that_is_not_a_webhook_is_refused(client, replies):
    body = "not json"
    response = client.post(
        "/line/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Line-Signature": sign(body)},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "line-body-invalid"


def test_the_webhook_takes_only_posts(client, replies):
    assert client.get("/line/webhook").status_code == 405


def test_the_webhook_needs_no_csrf_token(replies):
    from django.test import Client

    response = deliver(Client(enforce_csrf_checks=True), follow_event())

    assert response.status_code == 200


# --- Asking for a vote ---------------------------------------------------------


@pytest.mark.parametrize("text", ["ประเมิน do-1001", "vote do-1001", "do-1001"])
def test_a_text_naming_an_office_is_answered_with_the_five_faces(client, replies, text):
    deliver(client, text_event(text))

    message = only_reply(replies)
    assert message.text.startswith("วันนี้บริการที่สำนักงานเขตพระนคร")
    assert "How was the service at Phra Nakhon District Office?" in message.text
    assert [button.label for button in message.quick_replies] == [
        "😞 ไม่พอใจมาก",
        "🙁 ไม่พอใจ",
        "😐 เฉย ๆ",
        "🙂 พอใจ",
        "😄 พอใจมาก",
    ]
    assert [button.data for button in message.quick_replies] == [
        f"action=vote&office=do-1001&score={score}" for score in range(1, 6)
    ]
    assert all(len(button.label) <= 20 for button in message.quick_replies)
    assert "Very happy" in message.quick_replies[4].display_text


@pytest.mark.parametrize(
    "text",
    [
        "ประเมิน reg-1001 ช่อง 2",
        "ประเมิน reg-1001 ช่องบริการที่ ๒",
        "vote reg-1001 counter 2",
        "VOTE REG-1001 Counter 2",
    ],
)
def test_a_text_naming_a_counter_carries_it_into_the_faces(client, replies, text):
    deliver(client, text_event(text))

    message = only_reply(replies)
    assert "ช่องบริการ 2" in message.text
    assert "counter 2" in message.text
    assert (
        message.quick_replies[0].data == "action=vote&office=reg-1001&score=1&counter=2"
    )


def test_an_unknown_office_is_answered_with_how_to_vote(client, replies):
    deliver(client, text_event("ประเมิน xx-9999"))

    message = only_reply(replies)
    assert message.text == texts.unknown_office("xx-9999")
    assert "Scan the QR code" in message.text
    assert message.quick_replies == ()


def test_a_counter_the_office_does_not_have_is_answered_plainly(client, replies):
    deliver(client, text_event("vote do-1001 counter 9"))

    assert only_reply(replies).text == texts.unknown_counter(9)


@pytest.mark.parametrize("text", ["สวัสดีครับ", "hello", "", "ประเมิน"])
def test_any_other_text_is_answered_with_how_to_vote(client, replies, text):
    deliver(client, text_event(text))

    message = only_reply(replies)
    assert message.text == texts.HOW_TO_VOTE
    assert message.text.index("สแกนคิวอาร์โค้ด") < message.text.index("scan the QR")


# --- Voting --------------------------------------------------------------------


def test_a_tapped_face_is_one_counted_vote_of_that_line_user(client, replies):
    deliver(client, postback_event(vote_data(score=4)))

    vote = Vote.objects.get()
    assert vote.office.code == "do-1001"
    assert vote.score == 4
    assert vote.channel == VoteChannel.LINE_CHAT
    assert vote.status == VoteStatus.COUNTED
    assert vote.voter_key == salted("line", LINE_USER)
    assert vote.source_key == salted("line-source", LINE_USER)
    # Neither the LINE user id nor anything LINE sent is kept in clear.
    row = Vote.objects.filter(pk=vote.pk).values().get()
    assert not any(LINE_USER in str(value) for value in row.values())
    assert day_counts() == (0, 0, 0, 1, 0)


def test_the_thanks_give_the_offices_index_and_a_link_to_its_district(client, replies):
    deliver(client, postback_event(vote_data(score=4)))

    text = only_reply(replies).text
    assert text.startswith("ขอบคุณที่ประเมินสำนักงานเขตพระนคร")
    assert "Thank you for rating Phra Nakhon District Office." in text
    assert "4.00 จาก 5 (1 เสียง)" in text
    assert "4.00 out of 5 (1 votes)" in text
    assert "https://saduak.example.go.th/happiness/d/1001/" in text


def test_an_office_outside_any_district_links_to_the_ranking(client, replies):
    deliver(client, postback_event(vote_data(office="pao-10", score=3)))

    assert "https://saduak.example.go.th/happiness/" in only_reply(replies).text
    assert Vote.objects.get().office.code == "pao-10"


def test_a_tapped_face_for_a_counter_records_the_counter(client, replies):
    deliver(client, postback_event(vote_data(office="reg-1001", counter=2)))

    assert Vote.objects.get().counter.number == 2


def test_a_second_vote_the_same_day_replaces_the_first(client, replies):
    deliver(client, postback_event(vote_data(score=5)))
    deliver(client, postback_event(vote_data(score=2)))

    vote = Vote.objects.get()
    assert vote.score == 2
    assert vote.times_cast == 2
    assert day_counts() == (0, 1, 0, 0, 0)
    _token, [second] = replies[1]
    assert "แทนคะแนนที่คุณให้ไว้ก่อนหน้า" in second.text
    assert "This replaces the vote you gave earlier today." in second.text


def test_a_redelivered_postback_is_still_one_vote(client, replies):
    tapped = postback_event(vote_data(score=5))
    deliver(client, tapped)
    tapped["deliveryContext"] = {"isRedelivery": True}
    deliver(client, tapped)

    assert Vote.objects.count() == 1
    assert day_counts() == (0, 0, 0, 0, 1)


def test_another_line_user_is_another_voice(client, replies):
    deliver(client, postback_event(vote_data(score=5)))
    deliver(
        client,
        postback_event(vote_data(score=1), source={"type": "user", "userId": "U2"}),
    )

    assert Vote.objects.count() == 2
    assert day_counts() == (1, 0, 0, 0, 1)


def test_a_vote_in_the_chat_and_on_the_liff_page_the_same_day_count_once(
    client, replies, settings
):
    settings.LINE_LOGIN_BACKEND = "console"
    deliver(client, postback_event(vote_data(score=5)))

    page = client.get("/happiness/liff/", {"office": "do-1001"})
    response = client.post(
        "/happiness/liff/?office=do-1001",
        {
            "score": "2",
            "form_token": page.context["form"]["form_token"].value(),
            "id_token": f"console:{LINE_USER}",
        },
    )

    assert response.status_code == 303
    vote = Vote.objects.get()
    assert vote.score == 2
    assert vote.channel == VoteChannel.LIFF
    assert day_counts() == (0, 1, 0, 0, 0)


# --- Refusals: a clear reply, nothing stored ---------------------------------


@pytest.mark.parametrize("score", ["0", "6", "five", "", "4.5"])
def test_a_tampered_score_is_refused_and_nothing_is_stored(client, replies, score):
    deliver(client, postback_event(f"action=vote&office=do-1001&score={score}"))

    assert only_reply(replies).text == texts.BAD_SCORE
    assert not Vote.objects.exists()
    assert day_counts() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    "data",
    [
        "action=vote&score=5",
        "action=other&office=do-1001&score=5",
        "office=do-1001&score=5",
        "action=vote&office=do-1001&score=5&counter=two",
        "action=vote&office=do-1001&office=do-5001&score=5",
        "garbage",
    ],
)
def test_postback_data_that_is_not_ours_is_refused(client, replies, data):
    deliver(client, postback_event(data))

    assert only_reply(replies).text == texts.UNREADABLE_ANSWER
    assert not Vote.objects.exists()


def test_a_vote_for_an_unknown_office_is_refused(client, replies):
    deliver(client, postback_event(vote_data(office="xx-9999")))

    assert only_reply(replies).text == texts.unknown_office("xx-9999")
    assert not Vote.objects.exists()


def test_a_vote_for_a_closed_office_is_refused(client, replies):
    Office.objects.filter(code="do-1001").update(is_active=False)

    deliver(client, postback_event(vote_data()))

    assert only_reply(replies).text == texts.unknown_office("do-1001")
    assert not Vote.objects.exists()


def test_a_vote_for_a_counter_the_office_does_not_have_is_refused(client, replies):
    deliver(client, postback_event(vote_data(counter=9)))

    assert only_reply(replies).text == texts.unknown_counter(9)
    assert not Vote.objects.exists()


def test_line_votes_are_verified_and_not_limited_by_network(client, replies, settings):
    """A LINE user is a person LINE verified: one vote per office a day,
    whatever network they share with others."""
    settings.FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY = 0
    settings.FEEDBACK_ANONYMOUS_STORED_PER_SOURCE_DAY = 0
    for user in ("U1", "U2", "U3"):
        deliver(
            client,
            postback_event(
                vote_data(office="do-5001", score=5),
                source={"type": "user", "userId": user},
            ),
        )

    assert set(Vote.objects.values_list("status", "verified", "channel")) == {
        (VoteStatus.COUNTED, True, "line_chat")
    }
    assert day_counts("do-5001") == (0, 0, 0, 0, 3)


# --- Other events -------------------------------------------------------------


def test_a_new_friend_is_welcomed_with_how_to_vote(client, replies):
    deliver(client, follow_event())

    message = only_reply(replies)
    assert message.text == texts.WELCOME
    assert message.text.startswith("ยินดีต้อนรับสู่อำเภอสร้างสุข")
    assert "Welcome to Amphoe Sang Suk." in message.text


@pytest.mark.parametrize(
    "source",
    [
        {"type": "group", "groupId": "Cgroup", "userId": LINE_USER},
        {"type": "room", "roomId": "Rroom", "userId": LINE_USER},
        {"type": "group", "groupId": "Cgroup"},
    ],
)
def test_events_from_group_chats_are_ignored(client, replies, source):
    response = deliver(
        client,
        text_event("vote do-1001", source=source),
        postback_event(vote_data(), source=source),
        follow_event(source=source),
    )

    assert response.status_code == 200
    assert replies == []
    assert not Vote.objects.exists()


def test_events_we_do_not_answer_are_acknowledged(client, replies):
    from saduak.feedback.tests.line_fakes import event

    response = deliver(
        client,
        event("unfollow"),
        event(
            "message",
            message={
                "type": "sticker",
                "id": "1",
                "quoteToken": "q",
                "packageId": "1",
                "stickerId": "1",
                "stickerResourceType": "STATIC",
            },
        ),
        event("somethingNew", extra={"x": 1}),
    )

    assert response.status_code == 200
    assert replies == []


class RefusingReplier:
    def reply(self, reply_token, messages):
        raise LineReplyError("LINE refused the reply: HTTP 400 Invalid reply token")


def test_a_reply_line_refuses_still_answers_200_and_keeps_the_vote(
    client, replies, settings, caplog
):
    settings.LINE_REPLIER = "saduak.feedback.tests.test_line_webhook.RefusingReplier"

    response = deliver(client, postback_event(vote_data(score=3)))

    assert response.status_code == 200
    assert Vote.objects.get().score == 3
    assert "Invalid reply token" in caplog.text
