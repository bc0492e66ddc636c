"""The waiting room in front of the booking pages and API (AdmissionMiddleware):
a place in line on a page that refreshes itself (200, never 503: nginx would take
a 503 for a failed server), 429 problem+json for the API, admission tokens that
let the admitted person finish, in turn and at the admission rate."""

import pytest
from django.test import Client, override_settings
from django.utils import translation
from django.utils.translation import gettext

from saduak.appointments.middleware import COOKIE, HEADER
from saduak.core import waiting_room
from saduak.core.waiting_room import Ticket, admission_valid, ticket_read, ticket_sign

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("renewal"),
]

PAGE = "/appointments/book/id-card-renewal/reg-5001/"
API_DAYS = "/api/v1/appointments/offices/reg-5001/services/id-card-renewal/days"
START = 1_800_000_000_000


@pytest.fixture
def clock(monkeypatch):
    """The room's clock, moved by the test (one person a second, a burst of one)."""
    now = [START]
    monkeypatch.setattr(waiting_room, "_now_ms", lambda: now[0])
    with override_settings(
        BOOKING_ADMISSIONS_PER_SECOND=1,
        WAITING_ROOM_BURST_MS=250,
        WAITING_ROOM_REFRESH_SPREAD=0,  # exact numbers (spread: its own test)
    ):
        yield now


def waiting(response) -> bool:
    return "appointments/waiting_room.html" in [t.name for t in response.templates]


def th(message):
    with translation.override("th"):
        return gettext(message)


def test_in_a_surge_each_arrival_gets_a_place_and_is_admitted_in_turn(
    clock, citizen, make_user, client_for
):
    first, second, third = client_for(citizen), client_for(make_user()), Client()
    booking = first.get(PAGE)
    assert booking.status_code == 200 and not waiting(booking)
    assert admission_valid(booking.cookies[COOKIE].value, room="booking")

    queued = second.get(PAGE)
    assert queued.status_code == 200 and waiting(queued)  # 200: not a failed server
    assert queued.context["place"] == 1 and queued.context["ahead"] == 0
    assert queued["Refresh"].startswith("5; url=/appointments/book/")
    assert queued["Retry-After"] == "5" and queued["Cache-Control"] == "no-store"
    assert "default-src" in queued["Content-Security-Policy"]
    page = queued.content.decode()
    assert '<meta http-equiv="refresh" content="5; url=' in page
    assert 'href="/appointments/book/id-card-renewal/reg-5001/?wr=' in page
    assert third.get(PAGE).context["place"] == 2

    assert not waiting(first.get(PAGE))  # the admitted person finishes the booking
    assert waiting(second.get(PAGE))  # no budget yet
    clock[0] += 1000  # one more admitted: place 1
    assert waiting(third.get(PAGE)) and not waiting(second.get(PAGE))
    assert third.get(PAGE).context["ahead"] == 0


def test_the_head_moves_one_place_a_second_and_nobody_passes(clock, make_user):
    browsers = [Client() for _ in range(4)]
    assert not waiting(browsers[0].get(PAGE))  # at rest: straight through
    places = [browser.get(PAGE).context["place"] for browser in browsers[1:]]
    assert places == [1, 2, 3]
    clock[0] += 1000
    assert waiting(browsers[3].get(PAGE))  # place 3 waits while 1 is admitted
    admitted = browsers[1].get(PAGE)
    assert not waiting(admitted)
    assert admission_valid(admitted.cookies[COOKIE].value, room="booking")
    assert waiting(browsers[2].get(PAGE))
    assert waiting(Client().get(PAGE))  # a newcomer takes place 4, behind them
    clock[0] += 1000
    assert not waiting(browsers[2].get(PAGE))


def test_without_cookies_the_check_now_link_keeps_the_place(clock):
    Client().get(PAGE)
    queued = Client().get(PAGE)
    token = ticket_read(queued.cookies[COOKIE].value, room="booking")
    assert token is not None and token.number == 1
    again = Client().get(PAGE, {"wr": queued.cookies[COOKIE].value})
    assert again.context["place"] == 1  # not a new place at the end


def test_a_forged_ticket_gets_a_new_place_at_the_end(clock):
    Client().get(PAGE)
    Client().get(PAGE)
    Client().get(PAGE)
    forger = Client()
    forger.cookies[COOKIE] = "booking:e:place:1:0:signature"
    assert forger.get(PAGE).context["place"] == 3
    other_room = ticket_sign(Ticket("vaccines", "e", "place", 1))
    assert Client().get(PAGE, {"wr": other_room}).context["place"] == 4


def test_the_waiting_page_speaks_thai_and_english(clock):
    Client().get(PAGE)
    thai = Client().get(PAGE).content.decode()
    assert th("Your place in line") in thai and th("Check now") in thai
    assert th("Your place in line") != "Your place in line"
    english = Client().get("/en" + PAGE).content.decode()
    assert "Your place in line" in english and "Check now" in english
    assert '<html lang="en">' in english


def test_a_long_wait_refreshes_seldom(clock):
    Client().get(PAGE)
    for _ in range(299):
        Client().get(PAGE)
    last = Client().get(PAGE)
    assert last.context["place"] == 300
    assert last["Refresh"].startswith("60; ")  # one request a minute, not a storm


def test_the_api_answers_429_with_the_place_and_a_token_to_present(clock, client):
    assert client.get(API_DAYS).status_code == 200
    shed = Client().get(API_DAYS)
    assert shed.status_code == 429  # never 503: nginx would mark the server down
    assert shed["Content-Type"] == "application/problem+json"
    assert shed["Retry-After"] == "5"
    body = shed.json()
    assert body["code"] == "waiting-room"
    assert (body["place"], body["ahead"], body["wait_seconds"]) == (1, 0, 1)
    assert body["retry_after"] == 5 and body["token"] == shed[HEADER]
    api = Client()  # a client that keeps no cookies: only the header
    assert api.get(API_DAYS, headers={HEADER: body["token"]}).status_code == 429
    clock[0] += 1000
    admitted = api.get(API_DAYS, headers={HEADER: body["token"]})
    assert admitted.status_code == 200
    admission = admitted[HEADER]
    assert admission_valid(admission, room="booking")
    Client().get(API_DAYS)  # the room is full again
    again = Client().get(API_DAYS, headers={HEADER: admission})
    assert again.status_code == 200  # the admitted client finishes without queueing


def test_before_an_announced_opening_people_get_an_entry_in_the_draw(clock):
    room = waiting_room.booking_room()
    room.open_at(START + 120_000)
    early = Client().get(PAGE)
    assert waiting(early) and early.context["early"]
    assert early.context["place"] == 1  # the entry
    assert early["Refresh"].startswith("60; ")
    api = Client().get(API_DAYS).json()
    assert api["place"] is None and api["entry"] == 2 and api["opens_at"]


def test_operators_read_the_room_as_json(clock):
    Client().get(PAGE)
    Client().get(PAGE)
    status = Client().get("/appointments/waiting-room/status.json").json()
    assert (status["head"], status["tail"], status["waiting"]) == (0, 1, 1)
    assert status["rate"] == 1 and status["ceiling"] == 1


@override_settings(BOOKING_ADMISSIONS_PER_SECOND=0)
def test_with_an_admission_rate_of_zero_there_is_no_waiting_room():
    for _ in range(5):
        answer = Client().get(PAGE)
        assert not waiting(answer)  # on to the view (which asks to sign in)
        assert COOKIE not in answer.cookies


def test_operators_announce_an_opening_and_read_the_room_from_the_command(clock):
    import json
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("waiting_room", "open", "--at", "2099-01-05T09:00", stdout=out)
    status = json.loads(out.getvalue())
    assert status["opening_ms"] > START and status["room"] == "booking"
    assert waiting(Client().get(PAGE)) and Client().get(PAGE).context["early"]
    with pytest.raises(CommandError):
        call_command("waiting_room", "open", "--at", "yesterday", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("waiting_room", "open", "--at", "2001-01-01T09:00")
    call_command("waiting_room", "cancel-opening", stdout=StringIO())
    assert not waiting(Client().get(PAGE))  # at rest again: straight through


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "saduak.core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    },
    WAITING_ROOM_FALLBACK_PER_SECOND=1,
)
def test_with_redis_down_the_waiting_room_still_answers_from_the_process(clock, caplog):
    room = waiting_room.booking_room()
    with caplog.at_level("WARNING", logger="saduak.core.waiting_room"):
        assert room.visit(None).outcome == waiting_room.IN  # the process's burst
        queued = Client().get(PAGE)
        api = Client().get(API_DAYS)
    assert queued.status_code == 200 and queued.context["place"] == 1
    assert api.status_code == 429 and api.json()["place"] == 2
    assert "Redis does not answer" in caplog.text


def test_people_who_arrive_together_are_told_to_come_back_at_different_times(clock):
    with override_settings(WAITING_ROOM_REFRESH_SPREAD=20):
        Client().get(PAGE)  # the burst: straight through
        # Places 1 to 10 at one a second: each told 5 s, spread to 4, 5 or 6.
        pages = [Client().get(PAGE) for _ in range(10)]
        answers = [Client().get(API_DAYS) for _ in range(5)]
    told = set()
    for page in pages:
        refresh = page.context["refresh"]
        assert 4 <= refresh <= 6  # 5 s, +-20 % (at least a second)
        # The page says the same number as its Refresh and Retry-After.
        assert page["Retry-After"] == str(refresh)
        assert page["Refresh"].startswith(f"{refresh}; url=")
        assert f'content="{refresh}; url=' in page.content.decode()
        told.add(refresh)
    for answer in answers:
        assert answer["Retry-After"] == str(answer.json()["retry_after"])
    assert len(told) > 1  # 10 people, 3 values: one wave 3 times in 59,049
    assert all(page.context["wait"] for page in pages)


def test_an_admitted_request_is_timed_from_when_nginx_received_it(clock, settings):
    from saduak.core.waiting_room import pending_durations

    settings.TRUSTED_PROXIES = 1
    pending_durations().take()
    stamp = f"t={(START - 3000) / 1000:.3f}"  # 3 s waiting for a free thread
    Client().get(PAGE, headers={"X-Request-Start": stamp})
    queued = pending_durations().take()
    assert len(queued) == 1 and queued[0] >= 3000

    clock[0] += 5000  # budget again
    Client().get(PAGE, headers={"X-Request-Start": "t=nonsense"})
    assert pending_durations().take()[0] < 3000  # the time in the app only


def test_a_clients_own_request_start_is_ignored_without_a_trusted_proxy(
    clock, settings
):
    from saduak.core.waiting_room import pending_durations

    settings.TRUSTED_PROXIES = 0
    pending_durations().take()
    stamp = f"t={(START - 30000) / 1000:.3f}"
    Client().get(PAGE, headers={"X-Request-Start": stamp})
    assert pending_durations().take()[0] < 30000
