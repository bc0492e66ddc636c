"""Word frequencies of comments: PyThaiNLP cuts Thai into words; what says
nothing is left out; each comment counts a word once; the result is cached."""

from datetime import timedelta

import pytest
import time_machine
from django.db.models import Q

from saduak.accounts.choices import Role
from saduak.feedback.public import public_refresh
from saduak.feedback.selectors import words
from saduak.feedback.services import moderation
from saduak.feedback.tests.conftest import NOW

pytestmark = pytest.mark.django_db
TODAY = NOW.date()
PERIOD = {"start": TODAY - timedelta(days=30), "end": TODAY}


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


def top(where=None, scope="test", **period):
    summary = words.comment_words(
        where=where or Q(), scope=scope, **{**PERIOD, **period}
    )
    return {item.word: item.comments for item in summary.words}


def test_words_leave_out_stop_words_punctuation_numbers_and_masks():
    found = words.words_of(
        "เจ้าหน้าที่บริการดีมาก และ รอนาน 30 นาที!!! โทร 081-234-5678 ๆ The service"
    )
    assert {"เจ้าหน้าที่", "บริการ", "รอ", "นาน", "นาที", "service"} <= found
    assert "และ" not in found  # a Thai stop word
    assert "the" not in found
    assert not any(word.isdigit() for word in found)
    assert "!!!" not in found and "ๆ" not in found
    assert not any("0" in word or "x" in word for word in found)


def test_masked_abuse_is_not_counted_as_a_word():
    assert words.words_of("บริการ **** มาก") == {"บริการ"}


def test_a_word_counts_once_per_comment_and_the_most_used_come_first(office, cast):
    cast(office, 2, comment="รอนาน รอนาน รอนาน")
    cast(office, 2, comment="ที่จอดรถไม่พอ รอนาน")
    cast(office, 5, comment="เจ้าหน้าที่ดี ที่จอดรถกว้าง")
    cast(office, 4, comment="เจ้าหน้าที่ดี")

    summary = words.comment_words(where=Q(), scope="test", **PERIOD)

    counted = {item.word: item.comments for item in summary.words}
    assert counted["รอ"] == 2 and counted["ที่จอดรถ"] == 2
    assert counted["เจ้าหน้าที่"] == 2
    assert summary.comments_read == 4 and not summary.capped
    assert summary.words[0].share == 1.0 and summary.words[0].bar == 20
    assert [item.comments for item in summary.words] == sorted(
        (item.comments for item in summary.words), reverse=True
    )


def test_only_public_comments_of_counted_votes_in_the_unit_and_period_count(
    office, other_office, cast, make_staff
):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    cast(office, 3, comment="สะอาด")
    hidden = cast(office, 1, comment="ขยะ")
    rejected = cast(office, 1, comment="สแปม")
    cast(office, 1, comment="แย่ ควาย")  # waits for a moderator
    cast(other_office, 3, comment="กาแฟ")
    with time_machine.travel(NOW - timedelta(days=60), tick=False):
        cast(office, 3, comment="เก่าแล้ว")
    from saduak.feedback.models import Vote

    moderation.comment_hide(vote=Vote.objects.get(pk=hidden.vote_id), actor=admin)
    moderation.vote_reject(vote=Vote.objects.get(pk=rejected.vote_id), actor=admin)

    assert set(top(Q(district_id="5001"), scope="district:5001")) == {"สะอาด"}


def test_only_the_newest_comments_are_read(office, cast, monkeypatch):
    monkeypatch.setattr(words, "COMMENTS_READ", 2)
    cast(office, 3, comment="ช้า")
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        cast(office, 3, comment="เร็ว")
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        cast(office, 3, comment="สะอาด")

    summary = words.comment_words(where=Q(), scope="test", **PERIOD)

    assert summary.capped and summary.comments_read == 2
    assert {item.word for item in summary.words} == {"เร็ว", "สะอาด"}


def test_the_words_are_cached_until_moderation_refreshes_them(
    office, cast, django_assert_num_queries
):
    cast(office, 5, comment="ประทับใจ")
    assert top() == {"ประทับใจ": 1}
    cast(office, 5, comment="ยอดเยี่ยม")

    with django_assert_num_queries(0):
        assert top() == {"ประทับใจ": 1}
    assert "ยอดเยี่ยม" in top(scope="another")
    public_refresh()
    assert top() == {"ประทับใจ": 1, "ยอดเยี่ยม": 1}
