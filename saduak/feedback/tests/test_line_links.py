"""The LINE links on posters: they open the official account's chat with the
vote message typed in, and the webhook reads that message back."""

from urllib.parse import unquote

import pytest

from saduak.areas.models import Office
from saduak.feedback.line.commands import VoteAsked, vote_asked
from saduak.feedback.line.links import liff_vote_link, line_vote_link, line_vote_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(small_map):
    return Office.objects.get(code="reg-1001")


def test_the_link_opens_the_official_accounts_chat_with_the_vote_typed_in(
    office, settings
):
    settings.LINE_OFFICIAL_ACCOUNT = "@amphoesangsook"

    link = line_vote_link(office)

    assert link == (
        "https://line.me/R/oaMessage/@amphoesangsook/"
        "?%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B9%80%E0%B8%A1%E0%B8%B4%E0%B8%99%20reg-1001"
    )
    assert unquote(link.split("?", 1)[1]) == "ประเมิน reg-1001"


def test_a_counters_link_names_the_counter(office):
    link = line_vote_link(office, counter=2)

    assert unquote(link.split("?", 1)[1]) == "ประเมิน reg-1001 ช่อง 2"


@pytest.mark.parametrize("counter", [None, 2])
def test_the_webhook_reads_the_text_the_link_types(office, counter):
    assert vote_asked(line_vote_text(office, counter)) == VoteAsked(
        office_code="reg-1001", counter=counter
    )


def test_the_liff_link_carries_the_office(office, settings):
    settings.LINE_LIFF_ID = "1657000000-AbCdEfGh"

    assert liff_vote_link(office, counter=2) == (
        "https://liff.line.me/1657000000-AbCdEfGh?office=reg-1001&counter=2"
    )


def test_without_a_liff_app_there_is_no_liff_link(office, settings):
    settings.LINE_LIFF_ID = ""

    assert liff_vote_link(office) == ""
