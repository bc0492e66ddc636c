"""The staff pages of the happiness vote, end to end through the test client:
who sees what, the forms and their errors, the decisions and their audit
events, and that lists cost the same number of queries however long."""

import re

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from saduak.accounts.choices import Role
from saduak.areas.models import Office
from saduak.audit.models import AuditEvent
from saduak.feedback.choices import CommentState, VoteStatus
from saduak.feedback.models import HappinessAlert, OfficeDayHappiness, Vote
from saduak.feedback.services.votes import vote_cast
from saduak.feedback.tests.conftest import NOW, voter

pytestmark = pytest.mark.django_db
TODAY = NOW.date()
DASHBOARD = "/en/staff/happiness/"


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def admin(make_staff):
    return make_staff(Role.DISTRICT_ADMIN, "do-5001")


@pytest.fixture
def browser(admin, client_for):
    return client_for(admin)


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, response.content.decode()[:3000]
    return response.content.decode()


def commented(cast, office, score=2, text="รอนานมาก"):
    return Vote.objects.get(pk=cast(office, score, comment=text).vote_id)


def held(office, score=5):
    with override_settings(FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY=0):
        return Vote.objects.get(
            pk=vote_cast(office=office, score=score, voter=voter()).vote_id
        )


def test_the_pages_are_for_staff_only(small_map, client, citizen, client_for):
    assert client.get(DASHBOARD).status_code == 302
    assert client_for(citizen).get(DASHBOARD).status_code == 403


def test_hq_sees_the_country_on_the_tile_map_with_links_to_provinces(
    small_map, make_staff, client_for, cast, office
):
    for score in (5, 5, 4):
        cast(office, score)
    html = page(client_for(make_staff(Role.HQ_ADMIN, "hq")), DASHBOARD)

    assert "Happiness index: The whole country" in html
    chiang_mai = re.search(r'<li class="fb-tile ([^"]+)">\s*<a href="([^"]+)"', html)
    assert chiang_mai is not None
    assert chiang_mai.group(1).split() == ["fb-r1", "fb-c2", "fb-band-5", "fb-few"]
    assert chiang_mai.group(2) == "/en/staff/happiness/?level=province&amp;code=50"
    assert "CMI" in html and "4.67" in html
    bangkok = re.search(r'<li class="(fb-tile fb-r9 fb-c3[^"]*)"', html)
    assert bangkok.group(1).endswith("fb-band-0")
    assert 'style="' not in html  # the Content-Security-Policy allows no inline style


def test_province_staff_see_their_districts_and_nothing_beyond(
    small_map, make_staff, client_for, cast, office
):
    cast(office, 4)
    browser = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-50"))

    html = page(browser, DASHBOARD)

    assert "Happiness index: Chiang Mai" in html
    assert "?level=district&amp;code=5001" in html
    assert "?level=district&amp;code=5002" in html
    assert "fb-map" not in html
    page(browser, DASHBOARD + "?level=country", status=403)
    page(browser, DASHBOARD + "?level=province&code=10", status=403)
    page(browser, DASHBOARD + "?level=district&code=1001", status=403)


def test_a_district_sees_its_offices_and_a_counter_officer_their_office(
    small_map, make_staff, client_for, browser
):
    html = page(browser, DASHBOARD)
    assert "Happiness index: Mueang Chiang Mai" in html
    assert "?level=office&amp;code=reg-5001" in html
    page(browser, DASHBOARD + "?level=district&code=5002", status=403)
    counter = client_for(make_staff(Role.COUNTER_OFFICER, "reg-5001"))
    assert "Mueang Chiang Mai District Registry Office" in page(counter, DASHBOARD)
    page(counter, DASHBOARD + "?level=district&code=5001", status=403)


def test_the_thai_pages_work_too(small_map, browser):
    assert 'lang="th"' in page(browser, "/staff/happiness/")
    assert page(browser, "/staff/happiness/comments/")


def test_the_period_picker_survives_a_reload(small_map, browser):
    html = page(
        browser, DASHBOARD + "?level=district&code=5001&start=2026-11-01&end=2026-11-30"
    )
    assert 'value="2026-11-01"' in html and 'value="2026-11-30"' in html
    assert "1 Nov 2026 – 30 Nov 2026" in html


def test_comments_are_listed_and_filtered_by_word(office, cast, browser):
    commented(cast, office, 1, "รอนานมาก")
    commented(cast, office, 5, "เจ้าหน้าที่ใจดี")

    everything = page(browser, "/en/staff/happiness/comments/")
    assert "รอนานมาก" in everything and "เจ้าหน้าที่ใจดี" in everything
    assert "2 comments" in everything
    only = page(browser, "/en/staff/happiness/comments/?word=ใจดี")
    assert "เจ้าหน้าที่ใจดี" in only and "รอนานมาก" not in only


def test_the_comment_list_costs_the_same_queries_for_2_or_20_comments(
    office, cast, browser, admin, django_assert_num_queries
):
    from saduak.feedback.services.comments import vote_mark_acted_on, vote_reply

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            page(browser, "/en/staff/happiness/comments/")
        return len(captured)

    for _ in range(2):
        vote = commented(cast, office)
        vote_reply(vote=vote, text="ขออภัย", actor=admin)
        vote_mark_acted_on(vote=vote, text="แก้แล้ว", actor=admin)
    few = queries()
    for _ in range(18):
        vote = commented(cast, office)
        vote_reply(vote=vote, text="ขออภัย", actor=admin)
        vote_mark_acted_on(vote=vote, text="แก้แล้ว", actor=admin)
    assert queries() == few
    assert few <= 12


def test_a_reply_from_the_list_is_published_and_audited(office, cast, browser):
    vote = commented(cast, office)
    back = "/en/staff/happiness/comments/?score=2"

    # Replied from the English list: the confirmation is in English.
    with translation.override("en"):
        reply_url = reverse("feedback-staff:vote-reply", args=[vote.public_key])
    response = browser.post(
        reply_url,
        {
            f"r{vote.pk}-text": "ขออภัย เราจะเปิดช่องบริการเพิ่ม",
            f"r{vote.pk}-version": vote.times_cast,
            "next": back,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{back}#vote-{vote.pk}"
    assert Vote.objects.get(pk=vote.pk).reply == "ขออภัย เราจะเปิดช่องบริการเพิ่ม"
    assert AuditEvent.objects.filter(action="feedback.comment.reply").count() == 1
    html = page(browser, back)
    assert "The reply is published next to the comment." in html
    assert "ขออภัย เราจะเปิดช่องบริการเพิ่ม" in html


def test_a_reply_that_is_too_long_comes_back_with_the_text_and_the_error(
    office, cast, browser
):
    vote = commented(cast, office)
    text = "ก" * 1001
    response = browser.post(
        f"/en/staff/happiness/votes/{vote.public_key}/reply/",
        {f"r{vote.pk}-text": text, f"r{vote.pk}-version": vote.times_cast},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_r' in html
    assert text in html
    assert Vote.objects.get(pk=vote.pk).reply == ""


def test_an_external_next_address_is_ignored(office, cast, browser):
    vote = commented(cast, office)
    response = browser.post(
        f"/en/staff/happiness/votes/{vote.public_key}/acted-on/",
        {f"a{vote.pk}-text": "ปรับปรุงแล้ว", "next": "https://evil.example/"},
    )
    assert (
        response["Location"]
        == f"/en/staff/happiness/votes/{vote.public_key}/#vote-{vote.pk}"
    )
    assert Vote.objects.get(pk=vote.pk).action_taken == "ปรับปรุงแล้ว"
    assert AuditEvent.objects.filter(action="feedback.comment.acted_on").exists()


def test_a_counter_officer_reads_but_does_not_answer(
    office, cast, make_staff, client_for
):
    vote = commented(cast, office)
    officer = client_for(make_staff(Role.COUNTER_OFFICER, "reg-5001"))

    html = page(officer, "/en/staff/happiness/comments/")
    assert "รอนานมาก" in html and "Reply publicly" not in html
    response = officer.post(
        f"/en/staff/happiness/votes/{vote.public_key}/reply/",
        {f"r{vote.pk}-text": "ขออภัย"},
    )
    assert response.status_code == 403
    assert Vote.objects.get(pk=vote.pk).reply == ""


def test_another_districts_vote_is_not_found(other_office, cast, browser):
    vote = commented(cast, other_office)
    page(browser, f"/en/staff/happiness/votes/{vote.public_key}/", status=404)
    response = browser.post(f"/en/staff/happiness/votes/{vote.public_key}/release/")
    assert response.status_code == 404


def test_moderators_see_why_votes_were_held_and_count_one(office, browser):
    vote = held(office, 2)
    held(office, 5)

    html = page(browser, "/en/staff/happiness/moderation/")
    assert "Many votes from one source" in html
    assert "10:00–11:00" in html
    assert "from the same network for this office that day" in html
    assert "Count all 2 votes" in html

    response = browser.post(
        f"/en/staff/happiness/votes/{vote.public_key}/release/",
        {"version": vote.times_cast, "next": "/en/staff/happiness/moderation/"},
    )
    assert response.status_code == 302
    assert Vote.objects.get(pk=vote.pk).status == VoteStatus.COUNTED
    assert OfficeDayHappiness.objects.get(office=office).votes_2 == 1
    assert AuditEvent.objects.filter(action="feedback.vote.release").count() == 1
    assert "The vote is counted." in page(browser, "/en/staff/happiness/moderation/")


def test_a_spike_is_counted_with_one_press(office, browser):
    for score in (5, 5, 4):
        held(office, score)

    response = browser.post(
        "/en/staff/happiness/held/",
        {
            "office": office.code,
            "day": TODAY.isoformat(),
            "hour": "10",
            "hold_reason": "source_flood",
            "decision": "release",
            "next": "/en/staff/happiness/moderation/",
        },
    )

    assert response.status_code == 302
    assert not Vote.objects.filter(status=VoteStatus.HELD).exists()
    row = OfficeDayHappiness.objects.get(office=office)
    assert (row.votes_4, row.votes_5) == (1, 2)
    assert "3 held votes are counted." in page(browser, response["Location"])


def test_deciding_twice_shows_a_message_not_an_error_page(office, browser):
    vote = held(office)
    url = f"/en/staff/happiness/votes/{vote.public_key}/reject/"
    browser.post(url)
    response = browser.post(url, follow=True)
    assert response.status_code == 200
    assert "This vote is rejected already." in response.content.decode()


def test_a_comment_in_review_shows_as_written_and_is_published(office, cast, browser):
    vote = commented(cast, office, 1, "แย่ ควาย")

    html = page(browser, "/en/staff/happiness/moderation/")
    assert "แย่ ควาย" in html and "แย่ ****" in html

    browser.post(f"/en/staff/happiness/votes/{vote.public_key}/publish/")
    assert Vote.objects.get(pk=vote.pk).comment_state == CommentState.PUBLIC
    browser.post(f"/en/staff/happiness/votes/{vote.public_key}/hide/")
    assert Vote.objects.get(pk=vote.pk).comment_state == CommentState.HIDDEN
    assert set(
        AuditEvent.objects.filter(action__startswith="feedback.comment").values_list(
            "action", flat=True
        )
    ) == {"feedback.comment.publish", "feedback.comment.hide"}


def test_the_words_page_links_each_word_to_its_comments(office, cast, browser):
    commented(cast, office, 2, "ที่จอดรถไม่พอ")
    commented(cast, office, 3, "ที่จอดรถเต็ม")

    html = page(browser, "/en/staff/happiness/words/")

    assert "2 comments" in html
    link = re.search(
        r'href="(/en/staff/happiness/comments/\?[^"]*word=([^"&]+))"', html
    )
    assert link is not None
    assert "ที่จอดรถ" in page(browser, link.group(1).replace("&amp;", "&"))


def test_an_open_alert_is_on_the_dashboard_and_is_acknowledged(small_map, browser):
    alert = HappinessAlert.objects.create(
        district_id="5001",
        raised_on=TODAY,
        recent_mean="3.50",
        recent_votes=28,
        baseline_mean="4.67",
        baseline_votes=168,
    )
    html = page(browser, DASHBOARD)
    assert "Alerts: happiness fell" in html and "3.50" in html

    response = browser.post(
        f"/en/staff/happiness/alerts/{alert.public_key}/acknowledge/",
        {"next": DASHBOARD},
    )

    assert response["Location"] == DASHBOARD
    assert HappinessAlert.objects.get().acknowledged_at is not None
    assert AuditEvent.objects.filter(action="feedback.alert.acknowledge").exists()
    assert "Alerts: happiness fell" not in page(browser, DASHBOARD)


def test_another_province_sees_no_alert_of_this_district(
    small_map, make_staff, client_for
):
    alert = HappinessAlert.objects.create(
        district_id="5001",
        raised_on=TODAY,
        recent_mean="3.50",
        recent_votes=28,
        baseline_mean="4.67",
        baseline_votes=168,
    )
    bangkok = client_for(make_staff(Role.PROVINCIAL_STAFF, "pao-10"))
    assert "Alerts" not in page(bangkok, DASHBOARD)
    assert (
        bangkok.post(
            f"/en/staff/happiness/alerts/{alert.public_key}/acknowledge/"
        ).status_code
        == 404
    )


def test_the_staff_home_links_to_the_happiness_pages(small_map, browser):
    assert 'href="/en/staff/happiness/"' in page(browser, "/en/staff/")


def test_the_office_unit_lists_only_that_offices_comments(
    office, cast, browser, small_map
):
    commented(cast, office, 1, "ช้าที่ทะเบียน")
    commented(cast, Office.objects.get(code="do-5001"), 1, "ช้าที่อำเภอ")

    html = page(browser, "/en/staff/happiness/comments/?level=office&code=reg-5001")

    assert "ช้าที่ทะเบียน" in html and "ช้าที่อำเภอ" not in html


def test_the_admin_shows_votes_and_alerts_but_changes_neither(
    admin_client, office, cast
):
    vote = commented(cast, office)
    assert admin_client.get("/admin/feedback/vote/").status_code == 200
    assert admin_client.get("/admin/feedback/happinessalert/").status_code == 200
    assert (
        admin_client.get(f"/admin/feedback/vote/{vote.pk}/change/").status_code == 200
    )
    assert (
        admin_client.post(f"/admin/feedback/vote/{vote.pk}/change/", {}).status_code
        == 403
    )
    assert admin_client.get("/admin/feedback/vote/add/").status_code == 403
