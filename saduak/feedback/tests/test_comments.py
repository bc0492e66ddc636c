"""A district answers its comments and records what it did; staff list the
comments of their area with filters."""

from datetime import timedelta

import pytest
import time_machine

from saduak.accounts import units
from saduak.accounts.choices import Role
from saduak.audit.models import AuditEvent
from saduak.core.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from saduak.feedback.choices import CommentState
from saduak.feedback.models import Vote
from saduak.feedback.public import public_generation
from saduak.feedback.selectors import staff as selectors
from saduak.feedback.services import moderation
from saduak.feedback.services.comments import vote_mark_acted_on, vote_reply
from saduak.feedback.services.votes import vote_cast
from saduak.feedback.tests.conftest import NOW, voter

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def admin(make_staff):
    return make_staff(Role.DISTRICT_ADMIN, "do-5001")


def commented(cast, office, score=2, text="รอนานมาก ที่จอดรถไม่พอ", **extra):
    return Vote.objects.get(pk=cast(office, score, comment=text, **extra).vote_id)


def test_a_reply_is_saved_with_who_and_when_and_audited(
    office, admin, cast, django_capture_on_commit_callbacks
):
    vote = commented(cast, office)
    generation = public_generation()

    with django_capture_on_commit_callbacks(execute=True):
        replied = vote_reply(
            vote=vote, text="  ขออภัย จะเพิ่มช่องบริการช่วงเช้า  ", actor=admin
        )

    assert replied.reply == "ขออภัย จะเพิ่มช่องบริการช่วงเช้า"
    assert replied.replied_by == admin and replied.replied_at is not None
    event = AuditEvent.objects.get(action="feedback.comment.reply")
    assert event.before == {"reply": ""}
    assert event.after == {"reply": "ขออภัย จะเพิ่มช่องบริการช่วงเช้า"}
    assert event.district_code == "5001"
    assert public_generation() == generation + 1


def test_a_second_reply_replaces_the_first(office, admin, cast):
    vote = commented(cast, office)
    vote_reply(vote=vote, text="first", actor=admin)
    vote_reply(vote=vote, text="second", actor=admin)
    assert Vote.objects.get(pk=vote.pk).reply == "second"
    assert AuditEvent.objects.filter(
        action="feedback.comment.reply"
    ).first().before == {"reply": "first"}


@pytest.mark.parametrize("text", ["", "   ", "ก" * 1001])
def test_an_empty_or_too_long_reply_is_refused_naming_the_field(
    office, admin, cast, text
):
    vote = commented(cast, office)
    with pytest.raises(InvalidInput) as refused:
        vote_reply(vote=vote, text=text, actor=admin)
    assert refused.value.field == "text"
    assert Vote.objects.get(pk=vote.pk).reply == ""
    assert not AuditEvent.objects.filter(action="feedback.comment.reply").exists()


def test_a_hidden_comment_or_a_vote_without_one_takes_no_reply(office, admin, cast):
    silent = Vote.objects.get(pk=cast(office, 5).vote_id)
    with pytest.raises(Conflict):
        vote_reply(vote=silent, text="ขอบคุณ", actor=admin)
    hidden = commented(cast, office)
    moderation.comment_hide(vote=hidden, actor=admin)
    with pytest.raises(Conflict) as refused:
        vote_reply(vote=hidden, text="ขอบคุณ", actor=admin)
    assert refused.value.code == "comment-hidden"


def test_a_comment_waiting_for_a_moderator_may_be_answered(office, admin, cast):
    vote = commented(cast, office, text="แย่ ควาย")
    assert vote.comment_state == CommentState.REVIEW
    vote_reply(vote=vote, text="ขออภัย", actor=admin)
    assert Vote.objects.get(pk=vote.pk).reply == "ขออภัย"


@pytest.mark.parametrize(
    ("role", "office_code", "refusal"),
    [
        (Role.DISTRICT_ADMIN, "do-5002", NotFound),  # outside what they read
        (Role.COUNTER_OFFICER, "reg-5001", PermissionDeniedError),
        (Role.AUDITOR, "hq", PermissionDeniedError),
    ],
)
def test_only_the_district_its_province_and_hq_answer(
    office, make_staff, cast, role, office_code, refusal
):
    vote = commented(cast, office)
    with pytest.raises(refusal):
        vote_reply(vote=vote, text="x" * 5, actor=make_staff(role, office_code))
    with pytest.raises(refusal):
        vote_mark_acted_on(vote=vote, text="x" * 5, actor=make_staff(role, office_code))


def test_the_province_answers_for_its_districts(office, make_staff, cast):
    vote = commented(cast, office)
    vote_reply(
        vote=vote, text="จังหวัดรับทราบ", actor=make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    )
    assert Vote.objects.get(pk=vote.pk).reply == "จังหวัดรับทราบ"


def test_a_new_vote_that_day_clears_the_reply_and_a_stale_reply_is_refused(
    office, admin
):
    same = voter("returns")
    first = vote_cast(office=office, score=1, voter=same, comment="ช้ามาก")
    vote = Vote.objects.get(pk=first.vote_id)
    vote_reply(vote=vote, text="ขออภัย", actor=admin)
    vote_cast(office=office, score=5, voter=same, comment="วันนี้เร็วขึ้นแล้ว")
    assert Vote.objects.get(pk=vote.pk).reply == ""

    with pytest.raises(Conflict):
        vote_reply(
            vote=vote, text="ขออภัย", actor=admin, expected_version=vote.times_cast
        )


def test_marking_a_comment_acted_on_records_what_was_done(office, admin, cast):
    vote = commented(cast, office)

    acted = vote_mark_acted_on(
        vote=vote, text="เพิ่มที่จอดรถ 10 คัน ตั้งแต่ 1 ธ.ค.", actor=admin
    )

    assert acted.action_taken == "เพิ่มที่จอดรถ 10 คัน ตั้งแต่ 1 ธ.ค."
    assert acted.acted_by == admin and acted.acted_on_at is not None
    event = AuditEvent.objects.get(action="feedback.comment.acted_on")
    assert event.after == {"action_taken": "เพิ่มที่จอดรถ 10 คัน ตั้งแต่ 1 ธ.ค."}
    with pytest.raises(InvalidInput):
        vote_mark_acted_on(vote=vote, text=" ", actor=admin)


def filters(**fields):
    fields.setdefault("start", TODAY - timedelta(days=30))
    fields.setdefault("end", TODAY)
    return selectors.CommentFilters(**fields)


def listed(viewer, unit=None, **fields):
    unit = unit or units.unit_default(viewer)
    return list(
        selectors.comment_list(viewer=viewer, unit=unit, filters=filters(**fields))
    )


def test_the_comment_list_filters_by_office_score_reply_acted_word_and_period(
    office, admin, cast, small_map
):
    from saduak.areas.models import Office

    district_office = Office.objects.get(code="do-5001")
    slow = commented(cast, office, 1, "รอนานมาก")
    parking = commented(cast, district_office, 2, "ที่จอดรถไม่พอ")
    praise = commented(cast, office, 5, "เจ้าหน้าที่ใจดี")
    cast(office, 4)  # no comment: never listed
    with time_machine.travel(NOW - timedelta(days=40), tick=False):
        old = commented(cast, office, 1, "รอนานเมื่อเดือนก่อน")
    vote_reply(vote=slow, text="ขออภัย", actor=admin)
    vote_mark_acted_on(vote=parking, text="เพิ่มที่จอด", actor=admin)

    assert listed(admin) == [praise, parking, slow]
    assert listed(admin, office=office) == [praise, slow]
    assert listed(admin, score=2) == [parking]
    assert listed(admin, replied=True) == [slow]
    assert listed(admin, replied=False) == [praise, parking]
    assert listed(admin, acted_on=True) == [parking]
    assert listed(admin, acted_on=False) == [praise, slow]
    assert listed(admin, word="รอนาน") == [slow]
    assert listed(admin, start=TODAY - timedelta(days=60), word="รอนาน") == [slow, old]


def test_the_comment_list_shows_hidden_ones_only_when_asked(office, admin, cast):
    shown = commented(cast, office, 3, "ปกติ")
    hidden = commented(cast, office, 1, "สแปม")
    moderation.comment_hide(vote=hidden, actor=admin)

    assert listed(admin) == [shown]
    assert listed(admin, state=CommentState.HIDDEN) == [hidden]


def test_staff_see_the_comments_of_their_area_only(
    office, other_office, make_staff, cast
):
    here = commented(cast, office)
    there = commented(cast, other_office)
    district = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    counter = make_staff(Role.COUNTER_OFFICER, "do-5002")
    province = make_staff(Role.PROVINCIAL_STAFF, "pao-50")
    bangkok = make_staff(Role.PROVINCIAL_STAFF, "pao-10")

    assert listed(district) == [here]
    assert listed(counter) == [there]
    assert set(listed(province)) == {here, there}
    assert listed(bangkok) == []
    with pytest.raises(PermissionDeniedError):
        units.unit_get(viewer=district, level="district", code="5002")
    with pytest.raises(PermissionDeniedError):
        units.unit_get(viewer=province, level="country", code="")
