"""The card reader against the card's documented command layout."""

import json
import threading
import urllib.error
import urllib.request
from datetime import date

import pytest

from saduak.identity import card_agent
from saduak.identity.card_reader import CardError, be_date, read_card, split_name
from saduak.identity.tests.fake_card import FakeThaiIdCard


def test_a_card_is_read_into_the_details_enrolment_needs():
    card = FakeThaiIdCard()
    reading = read_card(card.transmit, card.atr)
    assert reading.personal_id == "1100000000016"
    assert (reading.title_th, reading.first_name, reading.last_name) == (
        "นาง",
        "สมศรี",
        "ใจดี",
    )
    assert (reading.first_name_en, reading.last_name_en) == ("Somsri", "Jaidee")
    assert reading.birth_date == date(1985, 3, 14)
    assert reading.card_expiry == date(2029, 3, 14)
    assert reading.card_for_life is False


def test_a_card_whose_reset_answer_starts_3b_67_gets_its_own_get_response():
    card = FakeThaiIdCard(atr=(0x3B, 0x67, 0x00))
    assert read_card(card.transmit, card.atr).personal_id == "1100000000016"
    assert [0x00, 0xC0, 0x00, 0x01, 13] in card.sent


def test_a_card_for_life_has_no_expiry():
    card = FakeThaiIdCard(expiry="99999999")
    reading = read_card(card.transmit, card.atr)
    assert (reading.card_expiry, reading.card_for_life) == (None, True)


def test_a_card_without_the_thai_id_applet_is_refused():
    card = FakeThaiIdCard(select_sw=(0x6A, 0x82))
    with pytest.raises(CardError) as refused:
        read_card(card.transmit, card.atr)
    assert refused.value.code == "not_thai_id_card"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("25280314", date(1985, 3, 14)),
        ("25280000", date(1985, 1, 1)),  # day and month unknown
        ("25281399", None),
        ("", None),
        ("2528031x", None),
    ],
)
def test_buddhist_era_dates_on_the_card(raw, expected):
    assert be_date(raw) == expected


def test_a_middle_name_stays_with_the_first_name():
    assert split_name("นาย#สมชาย#วิชัย#ใจดี") == ("นาย", "สมชาย วิชัย", "ใจดี")
    assert split_name("นาย#สมชาย") == ("นาย", "สมชาย", "")


# --- The agent over HTTP -----------------------------------------------------------
ORIGIN = "https://saduak.example.go.th"


@pytest.fixture
def agent():
    state = {"card": FakeThaiIdCard()}

    def source():
        if state["card"] is None:
            raise CardError("no_card")
        card = state["card"]
        return read_card(card.transmit, card.atr)

    server = card_agent.serve(ORIGIN, port=0, source=source)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", state
    server.shutdown()
    server.server_close()


def get(url, origin=ORIGIN, method="GET"):
    request = urllib.request.Request(url, method=method, headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_agent_answers_the_site_with_the_card_as_json(agent):
    base, _ = agent
    status, headers, body = get(base + "/card")
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert headers["Cache-Control"] == "no-store"
    card = json.loads(body)
    assert card["personal_id"] == "1100000000016"
    assert card["birth_date"] == "1985-03-14"
    assert card["card_expiry"] == "2029-03-14"


def test_the_agent_answers_the_private_network_preflight(agent):
    base, _ = agent
    status, headers, _ = get(base + "/card", method="OPTIONS")
    assert status == 204
    assert headers["Access-Control-Allow-Private-Network"] == "true"


def test_the_agent_refuses_another_sites_page(agent):
    base, _ = agent
    status, headers, body = get(base + "/card", origin="https://evil.example")
    assert status == 403
    assert json.loads(body) == {"error": "origin_not_allowed"}


def test_the_agent_says_when_there_is_no_card(agent):
    base, state = agent
    state["card"] = None
    status, _, body = get(base + "/card")
    assert status == 503
    assert json.loads(body) == {"error": "no_card"}


def test_the_agent_without_pyscard_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyscard(name, *args, **kwargs):
        if name.startswith("smartcard"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyscard)
    with pytest.raises(CardError) as refused:
        card_agent.pcsc_source()
    assert refused.value.code == "agent_needs_pyscard"


def test_the_pages_may_talk_to_the_card_agent_only_when_one_is_configured():
    import os
    import subprocess
    import sys

    def policy(agent_url):
        env = {**os.environ, "CARD_AGENT_URL": agent_url}
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import config.settings.base as s; print(s.CONTENT_SECURITY_POLICY)",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert "connect-src 'self' http://127.0.0.1:8765;" in policy(
        "http://127.0.0.1:8765/"
    )
    assert "connect-src 'self';" in policy("")
