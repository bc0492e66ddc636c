"""Staff journeys of the happiness vote in Chromium: a district administrator
answers a comment and records what was done (on a phone, in Thai); a moderator
counts a held vote and sees the index change (in English); HQ opens the tile
map of the country on a phone and a desktop."""

import re
from datetime import timedelta

import geothai
import pytest
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from saduak.accounts.choices import Role
from saduak.areas.geography import AreaRow
from saduak.areas.models import Office
from saduak.areas.sync import areas_sync
from saduak.feedback.choices import VoteChannel
from saduak.feedback.keys import Voter
from saduak.feedback.models import Vote
from saduak.feedback.rollups import rollups_move
from saduak.feedback.services.votes import vote_cast
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"
DESKTOP = {"width": 1280, "height": 900}


def th(message):
    with translation.override("th"):
        return gettext(message)


def sign_in(page, personal_id, prefix=""):
    page.goto(f"{prefix}/accounts/login/")
    page.fill("#id_username", personal_id)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


_voters = iter(range(1, 10**6))


def cast(office, score, comment="", *, source=""):
    number = next(_voters)
    return vote_cast(
        office=office,
        score=score,
        comment=comment,
        voter=Voter(
            key=f"browser-{number}",
            source=source or f"net-{number}",
            channel=VoteChannel.QR,
        ),
    )


def test_a_district_admin_replies_to_a_comment_and_marks_it_acted_on(
    open_page, small_map, make_staff
):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    office = Office.objects.get(code="reg-5001")
    cast(office, 5, "เจ้าหน้าที่ใจดี บริการรวดเร็ว")
    slow = cast(office, 2, "รอคิวนานมาก ที่จอดรถไม่พอ")

    page = open_page(viewport=PHONE, locale="th-TH")
    sign_in(page, admin.personal_id)
    page.goto("/staff/")
    page.get_by_role("link", name=th("Happiness index (Amphoe Sang Suk)")).click()
    expect(page.locator("h1")).to_contain_text(th("Happiness index"))
    assert_accessible(page, "feedback-staff-district-th")
    assert fits_the_screen(page)
    page.locator(".fb-nav").get_by_role("link", name=th("Comments")).click()
    comment = page.locator(f"#vote-{slow.vote_id}")
    expect(comment).to_contain_text("รอคิวนานมาก")
    assert_accessible(page, "feedback-staff-comments-th")
    assert fits_the_screen(page)

    comment.get_by_text(th("Reply publicly"), exact=True).click()
    comment.get_by_label(th("Public reply")).fill(
        "ขออภัยในความไม่สะดวก อำเภอจะเปิดช่องบริการเพิ่มช่วงเช้า"
    )
    comment.get_by_role("button", name=th("Publish the reply")).click()
    expect(page.locator(".messages")).to_contain_text(
        th("The reply is published next to the comment.")
    )
    comment = page.locator(f"#vote-{slow.vote_id}")
    expect(comment.locator(".fb-reply")).to_contain_text("เปิดช่องบริการเพิ่ม")

    comment.get_by_text(th("Mark as acted on"), exact=True).click()
    comment.get_by_label(th("What was done")).fill("เพิ่มเจ้าหน้าที่ช่วงเช้า 1 คน")
    comment.get_by_role("button", name=th("Save what was done")).click()
    expect(page.locator(".messages")).to_contain_text(
        th("The comment is marked as acted on.")
    )
    expect(page.locator(f"#vote-{slow.vote_id} .fb-acted")).to_contain_text(
        "เพิ่มเจ้าหน้าที่ช่วงเช้า"
    )
    vote = Vote.objects.get(pk=slow.vote_id)
    assert vote.reply.startswith("ขออภัย") and vote.action_taken
    page.locator(f"#vote-{slow.vote_id}").get_by_role(
        "link", name=re.compile(th("Open this comment"))
    ).click()
    expect(page.locator("h1")).to_have_text(th("A vote and its comment"))
    assert_accessible(page, "feedback-staff-vote-th")
    assert fits_the_screen(page)
    page.go_back()

    # Filter the list to the comments not yet answered: this one is gone.
    page.get_by_text(th("Filter the comments"), exact=True).click()
    page.select_option("#id_replied", "no")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(f"#vote-{slow.vote_id}")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("เจ้าหน้าที่ใจดี")

    page.locator(".fb-nav").get_by_role(
        "link", name=th("What people talk about")
    ).click()
    expect(page.locator(".fb-words")).to_contain_text("เจ้าหน้าที่")
    assert_accessible(page, "feedback-staff-words-th")
    assert fits_the_screen(page)


def test_a_moderator_counts_a_held_vote_and_sees_the_index_change(
    open_page, small_map, make_staff
):
    admin = make_staff(Role.DISTRICT_ADMIN, "do-5001")
    office = Office.objects.get(code="reg-5001")
    cast(office, 5)
    cast(office, 5)
    with override_settings(FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY=0):
        held = cast(office, 2, "มาโหวตหลายครั้ง", source="one-wifi")
    assert held.status == "held"

    page = open_page(viewport=DESKTOP, locale="en-GB")
    sign_in(page, admin.personal_id, prefix="/en")
    page.goto("/en/staff/happiness/")
    summary = page.locator(".fb-stats")
    expect(summary).to_contain_text("5.00")
    expect(page.locator("main")).to_contain_text("1 vote is held for review")
    page.get_by_role("link", name="Moderate").click()
    expect(page.locator("h1")).to_have_text("Moderation: Mueang Chiang Mai")
    row = page.locator(f"#vote-{held.vote_id}")
    expect(row).to_contain_text("Many votes from one source")
    assert_accessible(page, "feedback-staff-moderation-en")
    row.get_by_role("button", name=re.compile("^Count")).click()
    expect(page.locator(".messages")).to_contain_text("The vote is counted.")
    expect(page.locator("main")).to_contain_text("No votes are held.")

    page.locator(".fb-nav").get_by_role("link", name="Overview").click()
    expect(page.locator(".fb-stats")).to_contain_text("4.00")
    expect(page.locator(".fb-stats")).to_contain_text("3")


def all_provinces():
    """Every province of the country, besides the small map's districts."""
    from saduak.areas.models import District, Subdistrict

    rows = [
        AreaRow("province", province.code, province.name_th, province.name_en, None)
        for province in geothai.provinces()
    ]
    rows += [
        AreaRow("district", row.code, row.name_th, row.name_en, row.province_id)
        for row in District.objects.all()
    ]
    rows += [
        AreaRow(
            "subdistrict",
            row.code,
            row.name_th,
            row.name_en,
            row.district_id,
            row.postal_codes,
        )
        for row in Subdistrict.objects.all()
    ]
    areas_sync(actor="test", rows=rows)


def test_hq_opens_the_overview_map_on_a_phone_and_a_desktop(
    open_page, small_map, make_staff
):
    all_provinces()
    today = timezone.localdate()
    for number, office in enumerate(
        Office.objects.filter(code__startswith="pao-").order_by("code")
    ):
        if number % 6 == 5:
            continue  # some provinces have no votes yet
        score = 1 + number % 5
        rollups_move(office=office, day=today, moved={score: 30, 3: 10})
    # This week against the week before: Mueang Chiang Mai rose, Chom Thong fell.
    for code, before, after in (("do-5001", 2, 5), ("do-5002", 5, 3)):
        office = Office.objects.get(code=code)
        rollups_move(office=office, day=today - timedelta(days=8), moved={before: 12})
        rollups_move(office=office, day=today - timedelta(days=1), moved={after: 12})
    hq = make_staff(Role.HQ_ADMIN, "hq")

    desktop = open_page(viewport=DESKTOP, locale="en-GB")
    sign_in(desktop, hq.personal_id, prefix="/en")
    desktop.goto("/en/staff/happiness/")
    expect(desktop.locator("h1")).to_have_text("Happiness index: The whole country")
    expect(desktop.locator(".fb-map .fb-tile")).to_have_count(77)
    expect(desktop.locator(".fb-legend")).to_be_visible()
    movers = desktop.locator("section[aria-labelledby=movers-title]")
    expect(movers.locator("table").first).to_contain_text("Mueang Chiang Mai")
    expect(movers.locator("table").last).to_contain_text("Chom Thong")
    assert_accessible(desktop, "feedback-staff-country-en")
    box = desktop.locator(".fb-tile.fb-r1.fb-c2").bounding_box()
    south = desktop.locator(".fb-tile.fb-r17.fb-c4").bounding_box()
    assert south["y"] > box["y"] + 10 * box["height"]  # the deep south is far below
    desktop.locator(".fb-tile.fb-r1.fb-c2 a").click()
    expect(desktop.locator("h1")).to_have_text("Happiness index: Chiang Mai")
    expect(
        desktop.locator("section[aria-labelledby=children-title]").get_by_role(
            "link", name="Mueang Chiang Mai"
        )
    ).to_be_visible()

    phone = open_page(viewport=PHONE, locale="th-TH")
    sign_in(phone, hq.personal_id)
    phone.goto("/staff/happiness/")
    expect(phone.locator(".fb-map .fb-tile")).to_have_count(77)
    assert fits_the_screen(phone)
    assert_accessible(phone, "feedback-staff-country-th-phone")
    tile = phone.locator(".fb-tile.fb-r1.fb-c2").bounding_box()
    assert tile["width"] >= 30 and tile["height"] >= 30
