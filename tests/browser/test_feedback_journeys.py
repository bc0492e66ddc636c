"""Amphoe Sang Suk in Chromium: a citizen scans the office's QR code on a phone,
taps a face, sees the thank-you page with the office's index and the district's
public page; anyone searches the national ranking in Thai and English, without
JavaScript too."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from saduak.areas.models import Office
from saduak.feedback.choices import VoteChannel
from saduak.feedback.keys import Voter
from saduak.feedback.models import Vote
from saduak.feedback.services.votes import vote_cast
from tests.browser.conftest import PHONE, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def th(message):
    with translation.override("th"):
        return gettext(message)


def test_a_citizen_votes_with_one_tap_on_a_phone(small_map, phone):
    office = Office.objects.get(code="reg-5001")
    phone.goto(f"/v/{office.code}/")
    expect(phone.locator("h1")).to_have_text(th("How was our service?"))
    assert_accessible(phone, "feedback-vote-phone")
    phone.get_by_text(
        th("Add the service you received or a comment (optional)")
    ).click()
    phone.fill("#id_comment", "รอไม่นาน เจ้าหน้าที่ใจดี โทร 0812345678")
    phone.locator("button.face-5").click()
    expect(phone.locator("h1")).to_have_text(th("Thank you for your vote"))
    expect(phone.locator(".index-mean")).to_have_text("5.00")
    assert_accessible(phone, "feedback-thanks-phone")
    vote = Vote.objects.get()
    assert vote.score == 5 and vote.channel == VoteChannel.QR

    phone.locator("a.button").click()
    expect(phone.locator("h1")).to_contain_text("เมืองเชียงใหม่")
    page = phone.content()
    assert "0812345678" not in page and "เจ้าหน้าที่ใจดี" in page
    assert_accessible(phone, "feedback-district-phone")

    # Voting again from the same phone replaces the vote, comment and all.
    phone.goto(f"/v/{office.code}/")
    phone.locator("button.face-2").click()
    expect(phone.locator("h1")).to_have_text(th("Thank you for your vote"))
    assert Vote.objects.count() == 1 and Vote.objects.get().score == 2
    expect(phone.locator(".index-mean")).to_have_text("2.00")


def test_a_bad_tap_is_explained_and_nothing_is_stored(small_map, phone):
    phone.goto("/en/v/reg-5001/")
    phone.get_by_text("Add the service you received or a comment (optional)").click()
    phone.evaluate("document.querySelector('#id_comment').removeAttribute('maxlength')")
    phone.fill("#id_comment", "x" * 1001)
    phone.locator("button.face-4").click()
    expect(phone.locator(".error-summary")).to_contain_text("1000")
    assert not Vote.objects.exists()
    assert phone.input_value("#id_comment") == "x" * 1001
    assert_accessible(phone, "feedback-vote-error-en")


def test_anyone_searches_the_ranking_in_english_without_javascript(
    small_map, open_page
):
    for code, score in [("do-5001", 5), ("do-5002", 3), ("do-1001", 4)]:
        vote_cast(
            office=Office.objects.get(code=code),
            score=score,
            voter=Voter(key=code, source=code, channel=VoteChannel.QR),
        )
    page = open_page(viewport=PHONE, java_script_enabled=False)
    page.goto("/en/happiness/")
    rows = page.locator("table.ranking tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Mueang Chiang Mai")
    page.fill("#id_q", "chom")
    page.locator("form.ranking-filter button[type=submit]").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Chom Thong")
    page.select_option("#id_province", "10")
    page.fill("#id_q", "")
    page.locator("form.ranking-filter button[type=submit]").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Phra Nakhon")
    english = open_page(viewport=PHONE)
    english.goto("/en/happiness/d/5001/")
    expect(english.locator("h1")).to_contain_text("Mueang Chiang Mai")
    assert_accessible(english, "feedback-district-en-phone")
    thai = open_page(viewport={"width": 1280, "height": 900})
    thai.goto("/happiness/")
    expect(thai.locator("table.ranking tbody tr").first).to_contain_text("เมืองเชียงใหม่")
    assert_accessible(thai, "feedback-ranking-th-desktop")
    thai.goto("/happiness/method/")
    assert_accessible(thai, "feedback-method-th")


def _served_ticket(office):
    """A walk-in ticket for ID card renewal, served at the office today."""
    from django.utils import timezone

    from saduak.appointments.choices import TicketKind, TicketStatus
    from saduak.appointments.models import OfficeService, Service, Ticket
    from saduak.appointments.services.catalogue import services_load_national

    services_load_national(actor="test")
    offered, _ = OfficeService.objects.get_or_create(
        office=office, service=Service.objects.get(code="id-card-renewal")
    )
    now = timezone.now()
    return Ticket.objects.create(
        office=office,
        day=timezone.localdate(),
        group=offered.service.group,
        number=7,
        office_service=offered,
        kind=TicketKind.WALK_IN,
        status=TicketStatus.COMPLETED,
        queued_at=now,
        issued_at=now,
        finished_at=now,
        token="browser-served-ticket-0001",
    )


def test_a_served_citizen_votes_from_the_ticket_page_and_the_vote_is_verified(
    small_map, phone, open_page
):
    office = Office.objects.get(code="reg-5001")
    ticket = _served_ticket(office)
    phone.goto(f"/q/{ticket.token}/")
    phone.get_by_role("link", name=th("How was our service? Vote")).click()
    expect(phone.locator("h1")).to_have_text(th("How was our service?"))
    expect(phone.locator("main")).to_contain_text("ท่านรับบริการที่นี่วันนี้")
    assert_accessible(phone, "feedback-served-vote-phone")
    phone.locator("button.face-4").click()
    expect(phone.locator("h1")).to_have_text(th("Thank you for your vote"))
    expect(phone.locator(".index-verified")).to_have_text("1 (100%)")
    assert_accessible(phone, "feedback-served-thanks-phone")
    vote = Vote.objects.get()
    assert (vote.channel, vote.verified) == (VoteChannel.TICKET, True)

    english = open_page(viewport=PHONE, locale="en-GB")
    english.goto("/en/happiness/d/5001/")
    expect(english.locator(".index-verified")).to_have_text("1 (100%)")
    expect(english.locator("main")).to_contain_text("Of them verified")
    assert_accessible(english, "feedback-district-verified-en")
    english.goto("/en/happiness/")
    expect(english.locator("main")).to_contain_text("Verified votes among them: 1.")
    assert_accessible(english, "feedback-ranking-verified-en")
