from axes.helpers import get_client_ip_address
from django.test import RequestFactory, override_settings

from saduak.core.client import client_ip


@override_settings(TRUSTED_PROXIES=1)
def test_sign_in_lockouts_and_booking_limits_see_the_same_client_behind_the_proxy():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9"
    )
    assert client_ip(request) == "203.0.113.9"
    assert get_client_ip_address(request) == "203.0.113.9"


def test_without_trusted_proxies_the_header_is_not_believed():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert client_ip(request) == get_client_ip_address(request) == "10.0.0.2"
