import io
import json
import re

import pytest
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse

from saduak.feedback.form_tokens import SALT, form_token_make
from saduak.feedback.keys import DEVICE_COOKIE
from saduak.feedback.models import OfficeDayHappiness, Vote
from saduak.feedback.tests.conftest import NOW


def vote_page(client, office):
    response = client.get(english(reverse("feedback:vote", args=[office.code])))
    assert response.status_code == 200
    token = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    return token.group(1)


def post_vote(client, office, token, **fields):
    data = {
        "form_token": token,
        "score": "5",
        "comment": "",
        "service": "",
        "website": "",
    }
    data.update(fields)
    return client.post(english(reverse("feedback:vote", args=[office.code])), data)


def english(path):
    """Messages are checked in English (Thai is the default language)."""
    return "/en" + thai(path)


def thai(path):
    # reverse() follows the language the last request left active.
    return path.removeprefix("/en")


@pytest.mark.django_db
def test_one_tap_votes_and_the_thank_you_page_shows_the_index(office):
    client = Client()
    response = post_vote(client, office, vote_page(client, office), score="4")
    assert response.status_code == 303
    assert response["Location"] == english(
        reverse("feedback:thanks", args=[office.code])
    )
    assert DEVICE_COOKIE in client.cookies
    thanks = client.get(response["Location"])
    assert "4.00" in thanks.content.decode()
    assert Vote.objects.get().score == 4


@pytest.mark.django_db
def test_the_same_phone_voting_again_replaces_its_vote(office):
    client = Client()
    post_vote(client, office, vote_page(client, office), score="2")
    response = post_vote(client, office, vote_page(client, office), score="5")
    assert response["Location"].endswith("?replaced=1")
    assert Vote.objects.get().score == 5
    assert OfficeDayHappiness.objects.get().votes_2 == 0


@pytest.mark.django_db
def test_a_replayed_form_stores_nothing_the_second_time_and_says_so(office):
    client = Client()
    token = vote_page(client, office)
    post_vote(client, office, token, score="5")
    again = post_vote(client, office, token, score="1")
    assert again.status_code == 409
    assert "already sent" in again.content.decode()
    assert Vote.objects.get().score == 5


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 300])
@pytest.mark.django_db
def test_a_tampered_or_missing_form_token_is_refused(office, token):
    client = Client()
    vote_page(client, office)
    response = post_vote(client, office, token)
    assert response.status_code == 400
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_a_token_of_another_office_is_refused(office, other_office):
    client = Client()
    vote_page(client, office)
    response = post_vote(client, office, form_token_make(office_id=other_office.pk))
    assert response.status_code == 400 and not Vote.objects.exists()


@pytest.mark.django_db
def test_an_old_page_asks_to_vote_again(office, time_machine):
    client = Client()
    time_machine.move_to(NOW)
    token = vote_page(client, office)
    time_machine.move_to(NOW.replace(hour=18))
    response = post_vote(client, office, token)
    assert response.status_code == 400
    assert "too old" in response.content.decode()
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"score": "9"}, "five faces"),
        ({"score": ""}, "five faces"),
        ({"comment": "ก" * 1001}, "1000"),
        ({"website": "http://spam.example"}, "could not be accepted"),
        ({"service": "no-such-service"}, "Select a valid choice"),
    ],
)
@pytest.mark.django_db
def test_bad_input_gets_a_clear_message_keeps_the_answers_and_stores_nothing(
    office, fields, message
):
    client = Client()
    response = post_vote(client, office, vote_page(client, office), **fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "error-summary" in page
    assert not Vote.objects.exists()
    # A fresh token lets the person send the corrected vote.
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    assert post_vote(client, office, token).status_code == 303


@pytest.mark.django_db
def test_an_unknown_office_is_a_404_with_advice(small_map):
    response = Client().get(english(reverse("feedback:vote", args=["nowhere"])))
    assert response.status_code == 404
    assert "Scan the QR code again" in response.content.decode()


@pytest.mark.django_db
def test_a_counter_card_records_the_counter(office):
    client = Client()
    url = english(reverse("feedback:vote-counter", args=[office.code, 1]))
    token = re.search(
        r'name="form_token" value="([^"]+)"', client.get(url).content.decode()
    ).group(1)
    client.post(url, {"form_token": token, "score": "3"})
    assert Vote.objects.get().counter.number == 1
    bad_url = english(reverse("feedback:vote-counter", args=[office.code, 99]))
    bad = client.get(bad_url)
    assert bad.status_code == 200  # the page opens; the vote names the problem
    token = re.search(r'name="form_token" value="([^"]+)"', bad.content.decode()).group(
        1
    )
    refused = client.post(bad_url, {"form_token": token, "score": "3"})
    assert refused.status_code == 400 and "no counter 99" in refused.content.decode()


@pytest.mark.django_db
def test_thai_is_the_default_and_english_is_there(office):
    in_thai = Client().get(thai(reverse("feedback:vote", args=[office.code])))
    assert "บริการ" in in_thai.content.decode()
    english = Client().get("/en" + thai(reverse("feedback:vote", args=[office.code])))
    assert "How was our service?" in english.content.decode()


def test_form_tokens_are_signed_with_their_own_salt():
    assert signing.loads(form_token_make(office_id=7), salt=SALT)["o"] == 7


@pytest.mark.django_db
def test_the_ranking_page_lists_districts_and_is_cached_for_visitors(office, cast):
    cast(office, 5, now=NOW)
    client = Client()
    response = client.get(thai(reverse("feedback:ranking")))
    assert response.status_code == 200
    assert "public, max-age" in response["Cache-Control"]
    page = response.content.decode()
    assert "เมืองเชียงใหม่" in page and "จอมทอง" in page
    found = client.get(
        thai(reverse("feedback:ranking")) + "?q=chom+thong"
    ).content.decode()
    assert "จอมทอง" in found and "เมืองเชียงใหม่" not in found
    by_province = client.get(
        thai(reverse("feedback:ranking")) + "?province=10"
    ).content.decode()
    assert "พระนคร" in by_province and "จอมทอง" not in by_province


@override_settings(FEEDBACK_PUBLIC_CACHE_SECONDS=60)
@pytest.mark.django_db
def test_moderation_refreshes_the_cached_pages(office, cast):
    from saduak.feedback.public import public_refresh

    client = Client()
    before = client.get(
        thai(reverse("feedback:district", args=["5001"]))
    ).content.decode()
    cast(office, 1, now=NOW)
    assert (
        client.get(thai(reverse("feedback:district", args=["5001"]))).content.decode()
        == before
    )
    public_refresh()
    assert (
        client.get(thai(reverse("feedback:district", args=["5001"]))).content.decode()
        != before
    )


@pytest.mark.django_db
def test_district_and_province_pages_show_index_trend_and_masked_comments(office, cast):
    cast(office, 2, comment="รอนานมาก โทร 0812345678", now=NOW)
    cast(office, 4, now=NOW)
    page = (
        Client().get(thai(reverse("feedback:district", args=["5001"]))).content.decode()
    )
    assert "3.00" in page and "รอนานมาก" in page
    assert 'data-chart="line"' in page and 'data-value="3.00"' in page
    assert "0812345678" not in page
    province = Client().get(thai(reverse("feedback:province", args=["50"])))
    assert province.status_code == 200 and "จอมทอง" in province.content.decode()
    assert (
        Client().get(thai(reverse("feedback:district", args=["9999"]))).status_code
        == 404
    )


@pytest.mark.django_db
def test_a_bad_period_says_what_is_wrong(small_map):
    page = (
        Client()
        .get(english(reverse("feedback:ranking")) + "?start=2026-11-30&end=2026-11-01")
        .content.decode()
    )
    assert "before its start" in page


@pytest.mark.django_db
def test_open_data_in_csv_xlsx_and_json_with_the_licence(office, cast):
    cast(office, 5, now=NOW)
    csv = Client().get(thai(reverse("feedback:ranking-data", args=["csv"])))
    assert csv.status_code == 200 and "5001" in csv.content.decode("utf-8-sig")
    xlsx = Client().get(thai(reverse("feedback:ranking-data", args=["xlsx"])))
    assert xlsx.content[:2] == b"PK"
    data = json.loads(
        Client().get(thai(reverse("feedback:ranking-data", args=["json"]))).content
    )
    assert "Open Government" in data["licence"]
    row = next(row for row in data["districts"] if row["district_code"] == "5001")
    assert row["votes"] == 1 and row["rank"] == 1
    assert Client().get("/happiness/data.exe").status_code == 404


@pytest.mark.django_db
def test_the_method_page_explains_the_minimum_votes(small_map):
    page = Client().get(thai(reverse("feedback:method"))).content.decode()
    assert "30" in page


@pytest.mark.django_db
def test_the_method_page_explains_verified_votes_and_the_anonymous_bound(small_map):
    thai_page = Client().get(thai(reverse("feedback:method"))).content.decode()
    assert "การประเมินที่ยืนยันตัวตนแล้วและแบบไม่ระบุตัวตน" in thai_page
    assert "น้ำหนัก 50% ของการประเมินที่ยืนยันตัวตนแล้ว" in thai_page
    english_page = Client().get(english(reverse("feedback:method"))).content.decode()
    assert "only 2 anonymous votes for an office count each day" in english_page
    assert "an anonymous vote weighs 50% of a verified one" in english_page


@pytest.mark.django_db
def test_the_public_pages_say_how_many_votes_are_verified(office, cast):
    from saduak.feedback.tests.conftest import verified_voter

    cast(office, 5, by=verified_voter())
    cast(office, 4)
    ranking = Client().get(english(reverse("feedback:ranking"))).content.decode()
    assert "Verified votes among them: 1." in ranking
    assert "Of them verified" in ranking
    district = (
        Client()
        .get(english(reverse("feedback:district", args=[office.district_id])))
        .content.decode()
    )
    assert re.search(r'class="index-verified">1 \(50%\)', district)


@pytest.mark.django_db
def test_qr_codes_and_printables_download(office):
    png = Client().get(thai(reverse("feedback:qr", args=[office.code, "png"])))
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    svg = Client().get(
        thai(reverse("feedback:qr", args=[office.code, "svg"])) + "?counter=2"
    )
    assert b"<svg" in svg.content and "qr-reg-5001-2.svg" in svg["Content-Disposition"]
    assert (
        Client()
        .get(thai(reverse("feedback:qr", args=[office.code, "gif"])))
        .status_code
        == 404
    )
    poster = Client().get(thai(reverse("feedback:poster", args=[office.code])))
    assert poster.content[:4] == b"%PDF"
    cards = Client().get(thai(reverse("feedback:cards", args=[office.code])))
    assert cards.content[:4] == b"%PDF"


@pytest.mark.django_db
def test_change_your_vote_leads_back_to_where_the_vote_came_from(office):
    plain = Client().get(thai(reverse("feedback:thanks", args=[office.code])))
    assert f'href="/v/{office.code}/"' in plain.content.decode()
    liff = Client().get(
        thai(reverse("feedback:thanks", args=[office.code])) + "?via=liff"
    )
    assert f'href="/happiness/liff/?office={office.code}"' in liff.content.decode()


@pytest.mark.django_db
def test_the_offices_staff_page_links_its_poster_cards_and_qr_codes(office, make_staff):
    from saduak.accounts.choices import Role

    client = Client()
    client.force_login(make_staff(Role.DISTRICT_ADMIN, "do-5001"))
    page = client.get(f"/en/staff/offices/{office.code}/").content.decode()
    for name, args in [
        ("feedback:poster", [office.code]),
        ("feedback:cards", [office.code]),
        ("feedback:qr", [office.code, "png"]),
    ]:
        assert thai(reverse(name, args=args)).removeprefix("/") in page
    assert f"/v/{office.code}/" in page


def served_page(client, ticket, *, status=200):
    response = client.get(english(reverse("feedback:served", args=[ticket.token])))
    assert response.status_code == status, response.content[:300]
    found = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else response.content.decode()


def post_served(client, ticket, token, **fields):
    data = {"form_token": token, "score": "5", "comment": "", "website": ""}
    data.update(fields)
    return client.post(english(reverse("feedback:served", args=[ticket.token])), data)


@pytest.mark.django_db
def test_a_served_tickets_page_leads_to_a_verified_vote_counted_once_a_day(
    office, served_ticket
):
    ticket = served_ticket()
    client = Client()
    ticket_page = client.get(f"/en/q/{ticket.token}/").content.decode()
    assert reverse("feedback:served", args=[ticket.token]) in ticket_page

    html = client.get(
        english(reverse("feedback:served", args=[ticket.token]))
    ).content.decode()
    assert "You were served here today" in html
    assert re.search(r'<option value="id-card-renewal" selected', html)
    first = post_served(
        client,
        ticket,
        served_page(client, ticket),
        score="2",
        service="id-card-renewal",
    )
    assert first.status_code == 303 and "via=ticket" in first["Location"]
    second = post_served(
        Client(),
        ticket,
        served_page(Client(), ticket),
        score="5",
        service="id-card-renewal",
    )
    assert second.status_code == 303

    vote = Vote.objects.get()
    assert (vote.channel, vote.verified, vote.score, vote.times_cast) == (
        "ticket",
        True,
        5,
        2,
    )
    assert vote.service.code == "id-card-renewal"
    row = OfficeDayHappiness.objects.get(office=office)
    assert (row.votes_2, row.votes_5, row.verified_votes, row.verified_score) == (
        0,
        1,
        1,
        5,
    )
    thanks = Client().get(second["Location"]).content.decode()
    assert "Change your vote" not in thanks


@pytest.mark.django_db
def test_a_ticket_not_served_or_of_another_day_or_unknown_cannot_vote(
    office, served_ticket
):
    from datetime import timedelta

    from django.utils import timezone

    waiting = served_ticket(status="waiting")
    assert "once you have been served" in served_page(Client(), waiting, status=409)
    old = served_ticket(day=timezone.localdate() - timedelta(days=1))
    assert "on the day it was served" in served_page(Client(), old, status=409)
    assert (
        "Open the vote from your ticket"
        in Client().get("/en/v/served/no-such-ticket-token/").content.decode()
    )
    # A page opened while served, sent the next day, is checked again.
    ticket = served_ticket()
    token = served_page(Client(), ticket)
    ticket.day = timezone.localdate() - timedelta(days=1)
    ticket.save(update_fields=["day"])
    assert post_served(Client(), ticket, token).status_code == 409
    assert not Vote.objects.exists()


@override_settings(
    FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY=0,
    FEEDBACK_ANONYMOUS_STORED_PER_SOURCE_DAY=0,
)
@pytest.mark.django_db
def test_served_tickets_count_whatever_network_they_share(office, served_ticket):
    for _ in range(5):
        ticket = served_ticket()
        client = Client()
        assert post_served(client, ticket, served_page(client, ticket)).status_code
    assert set(Vote.objects.values_list("status", flat=True)) == {"counted"}
    assert OfficeDayHappiness.objects.get(office=office).verified_votes == 5


@pytest.mark.django_db
def test_a_citizens_own_ticket_and_their_signed_in_vote_are_one_voice(
    office, served_ticket, make_user
):
    citizen = make_user()
    ticket = served_ticket(citizen=citizen)
    client = Client()
    client.force_login(citizen)
    post_vote(client, office, vote_page(client, office), score="3")
    post_served(client, ticket, served_page(client, ticket), score="4")
    vote = Vote.objects.get()
    assert (vote.score, vote.channel, vote.times_cast) == (4, "ticket", 2)


@pytest.mark.django_db
def test_stuffing_from_one_address_with_fresh_cookies_and_device_ids_is_held(
    office,
):
    """Finding 5 of issue 13: a fresh cookie or device id made a new voter
    and 36 of 65 votes from one address counted."""
    statuses = []
    for number in range(30):
        if number % 2:
            client = Client()  # a fresh cookie every time
            response = post_vote(client, office, vote_page(client, office))
            assert response.status_code == 303
            statuses.append("held" if "held=1" in response["Location"] else "counted")
        else:
            response = Client().post(
                "/api/v1/happiness/votes",
                json.dumps(
                    {
                        "office": office.code,
                        "score": 5,
                        "device_id": f"fresh-device-{number:04d}-abcdefghij",
                    }
                ),
                content_type="application/json",
            )
            assert response.status_code == 201
            statuses.append(response.json()["status"])
    assert statuses.count("counted") == 2
    assert Vote.objects.filter(status="held").count() == 28
    assert OfficeDayHappiness.objects.get(office=office).votes_5 == 2
    held_page = Client().get(
        english(reverse("feedback:thanks", args=[office.code])) + "?held=1"
    )
    assert "waits for a moderator" in held_page.content.decode()


@pytest.mark.django_db
def test_the_poster_and_the_counter_cards_print_the_address_and_the_line_account(
    office,
):
    from saduak.core.tests.pdf_reading import read_as_printed

    poster = Client().get(thai(reverse("feedback:poster", args=[office.code])))
    cards = Client().get(thai(reverse("feedback:cards", args=[office.code])))

    printed_poster = read_as_printed(poster.content)
    assert "/v/reg-5001/" in printed_poster
    assert "@amphoesangsook" in printed_poster
    assert "สำนักทะเบียน" in printed_poster.replace("ํา", "ำ")
    assert "/v/reg-5001/" in read_as_printed(cards.content)


@pytest.mark.django_db
def test_the_posters_text_copies_and_searches_as_written(office):
    import unicodedata

    import pypdf

    poster = Client().get(thai(reverse("feedback:poster", args=[office.code])))
    copied = pypdf.PdfReader(io.BytesIO(poster.content)).pages[0].extract_text()

    as_searched = unicodedata.normalize("NFKC", copied)
    for words in ("อำเภอสร้างสุข", "ความรู้สึก", "สำนักทะเบียน", "reg-5001"):
        assert unicodedata.normalize("NFKC", words) in as_searched
