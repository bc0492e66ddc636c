from urllib.parse import urlsplit

from django.urls import resolve

from saduak.complaints.links import staff_url, tracking_url
from saduak.complaints.views import citizen, staff


def test_the_tracking_link_opens_the_tracking_page() -> None:
    match = resolve(urlsplit(tracking_url("secret-token")).path)
    assert match.func == citizen.track
    assert match.kwargs == {"token": "secret-token"}


def test_the_staff_link_opens_the_complaint_page() -> None:
    match = resolve(urlsplit(staff_url("ACDEFHJK")).path)
    assert match.func == staff.complaint_detail
    assert match.kwargs == {"reference": "ACDEFHJK"}
