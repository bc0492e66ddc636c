import pytest
from django.test import RequestFactory, override_settings

from saduak.core.admission import TooManyRequests, admit

pytestmark = pytest.mark.django_db


def request(user=None, address="203.0.113.9"):
    made = RequestFactory().get("/", REMOTE_ADDR=address)
    from django.contrib.auth.models import AnonymousUser

    made.user = user or AnonymousUser()
    return made


@override_settings(
    BOOKING_REQUESTS_PER_PERSON_PER_MINUTE=2, BOOKING_ADMISSIONS_PER_SECOND=0
)
def test_one_person_cannot_hoard_slots(citizen):
    admit(request(citizen, "198.51.100.1"))
    admit(request(citizen, "198.51.100.2"))
    with pytest.raises(TooManyRequests) as refused:
        admit(request(citizen, "198.51.100.3"))
    assert 0 < refused.value.extra["retry_after"] <= 60


@override_settings(
    BOOKING_REQUESTS_PER_ADDRESS_PER_MINUTE=2, BOOKING_ADMISSIONS_PER_SECOND=0
)
def test_one_address_cannot_either(make_user):
    admit(request(make_user()))
    admit(request(make_user()))
    with pytest.raises(TooManyRequests):
        admit(request(make_user()))
    admit(request(make_user(), address="192.0.2.1"))


@override_settings(
    TRUSTED_PROXIES=1,
    BOOKING_REQUESTS_PER_ADDRESS_PER_MINUTE=1,
    BOOKING_ADMISSIONS_PER_SECOND=0,
)
def test_behind_the_proxy_the_client_is_the_forwarded_address():
    first = request(address="10.0.0.1")
    first.META["HTTP_X_FORWARDED_FOR"] = "203.0.113.1"
    second = request(address="10.0.0.1")
    second.META["HTTP_X_FORWARDED_FOR"] = "203.0.113.2"
    admit(first)
    admit(second)  # another client behind the same proxy
    with pytest.raises(TooManyRequests):
        admit(first)


@override_settings(BOOKING_ADMISSIONS_PER_SECOND=200)
def test_operators_set_the_admission_rate_for_every_server():
    from io import StringIO

    from django.core.management import call_command

    from saduak.core.admission import admission_rate

    out = StringIO()
    call_command("admission_rate", "25", stdout=out)
    assert out.getvalue().strip() == "admission_rate=25"
    assert admission_rate() == 25
    call_command("admission_rate", "--reset", stdout=StringIO())
    assert admission_rate() == 200


@override_settings(BOOKING_ADMISSIONS_PER_SECOND=200)
def test_a_rate_set_on_another_server_arrives_within_seconds(monkeypatch):
    from django.core.cache import cache

    import saduak.core.admission as admission

    now = [2_000_000.0]
    monkeypatch.setattr(admission.time, "time", lambda: now[0])
    assert admission.admission_rate() == 200
    cache.set(admission.RATE_KEY, 40)  # what another server's command wrote
    assert admission.admission_rate() == 200  # remembered here for a moment
    now[0] += admission.RATE_READ_SECONDS + 0.1
    assert admission.admission_rate() == 40
