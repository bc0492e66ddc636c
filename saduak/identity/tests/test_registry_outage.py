"""A slow or failing civil registry: the person or officer waiting gets "the
civil registry is not answering" (503, Retry-After) after a short timeout, and
after CIVIL_REGISTRY_BREAKER_FAILURES failures in a row at once, without the
registry being asked, until CIVIL_REGISTRY_BREAKER_SECONDS have passed."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.utils import translation

from saduak.core.tests.stub_http import StubServer, stub_server_running
from saduak.identity import registry
from saduak.identity.registry import RegistryNotAnswering, registry_lookup

PERSON = {
    "personal_id": "1100000000016",
    "first_name": "สมศรี",
    "last_name": "ใจดี",
    "birth_date": "1985-03-14",
    "card_expiry": "2030-03-13",
    "card_status": "valid",
}


@pytest.fixture
def stub_registry(settings) -> Iterator[StubServer]:
    with stub_server_running(default=(200, PERSON, {})) as stub:
        settings.CIVIL_REGISTRY_BACKEND = "http"
        settings.CIVIL_REGISTRY_URL = f"{stub.url}/v1"
        settings.CIVIL_REGISTRY_TOKEN = "secret"
        settings.CIVIL_REGISTRY_TIMEOUT_SECONDS = 0.2
        settings.CIVIL_REGISTRY_BREAKER_FAILURES = 3
        settings.CIVIL_REGISTRY_BREAKER_SECONDS = 60
        yield stub


def not_answering() -> RegistryNotAnswering:
    with translation.override("en"), pytest.raises(RegistryNotAnswering) as refused:
        registry_lookup("1100000000016")
    return refused.value


def breaker_time_passes() -> None:
    cache.delete(registry.BREAKER_OPEN_KEY)


def test_a_slow_registry_is_given_up_on_with_a_clear_message(stub_registry):
    stub_registry.delay = 1.0
    refused = not_answering()
    assert refused.status == 503
    assert refused.code == "registry-unavailable"
    assert str(refused.message) == (
        "The civil registry is not answering. Try again in a few minutes."
    )
    assert refused.extra["retry_after"] >= 60


def test_a_failing_registry_gets_the_same_message(stub_registry):
    stub_registry.default = (502, {"error": "bad gateway"}, {})
    assert not_answering().code == "registry-unavailable"


def test_after_failures_in_a_row_the_registry_is_not_asked_for_a_while(
    stub_registry,
):
    stub_registry.default = (500, {}, {})
    for _ in range(3):
        not_answering()
    assert len(stub_registry.requests) == 3

    for _ in range(5):
        not_answering()
    assert len(stub_registry.requests) == 3

    # It recovers meanwhile; once the breaker's time has passed it is asked.
    stub_registry.default = (200, PERSON, {})
    breaker_time_passes()
    assert registry_lookup("1100000000016").first_name == "สมศรี"
    assert len(stub_registry.requests) == 4


def test_after_the_pause_one_more_failure_stops_the_calls_again(stub_registry):
    stub_registry.default = (500, {}, {})
    for _ in range(3):
        not_answering()
    breaker_time_passes()
    not_answering()
    not_answering()
    assert len(stub_registry.requests) == 4


def test_an_answer_between_failures_starts_the_count_again(stub_registry):
    stub_registry.respond(500, {})
    stub_registry.respond(500, {})
    stub_registry.respond(200, PERSON)
    stub_registry.respond(500, {})
    stub_registry.respond(500, {})
    for expected in ("fail", "fail", "ok", "fail", "fail"):
        if expected == "ok":
            assert registry_lookup("1100000000016") is not None
        else:
            not_answering()
    assert registry_lookup("1100000000016") is not None
    assert len(stub_registry.requests) == 6


def test_the_timeout_is_the_setting(settings):
    settings.CIVIL_REGISTRY_TIMEOUT_SECONDS = 2
    adapter = registry.HttpCivilRegistry(base_url="https://registry.example", token="")
    assert adapter.timeout == 2
