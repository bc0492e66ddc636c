"""The sign-in steps as services (identity/sign_in.py): the pending sign-in between
the password and the second factor, its limits, and where a person may be sent."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from saduak.identity.sign_in import (
    MAX_SECOND_FACTOR_TRIES,
    pending_second_factor_check,
    pending_sign_in,
    pending_sign_in_start,
    safe_next,
)

pytestmark = pytest.mark.django_db


def _request():
    request = RequestFactory().get("/accounts/login/second-factor/")
    request.session = SessionStore()
    return request


def _password_passed(request, user):
    user.backend = "django.contrib.auth.backends.ModelBackend"
    pending_sign_in_start(request, user, next_url="/account/")


def test_a_pending_sign_in_allows_only_a_few_wrong_codes(citizen):
    request = _request()
    _password_passed(request, citizen)
    for _ in range(MAX_SECOND_FACTOR_TRIES):
        pending = pending_sign_in(request)
        assert pending is not None
        assert pending_second_factor_check(request, pending, token="000000") is None
    assert pending_sign_in(request) is None
    assert "_auth_user_id" not in request.session


def test_a_pending_sign_in_expires(citizen, settings):
    request = _request()
    _password_passed(request, citizen)
    assert pending_sign_in(request) is not None
    later = timezone.now() + timedelta(
        seconds=settings.SECOND_FACTOR_PENDING_SECONDS + 1
    )
    with time_machine.travel(later):
        assert pending_sign_in(request) is None


@pytest.mark.parametrize(
    ("asked", "sent"),
    [
        ("/eservices/", "/eservices/"),
        ("https://elsewhere.example/steal", "/"),
        ("//elsewhere.example/", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_after_a_step_a_person_is_sent_only_to_a_page_of_this_site(asked, sent):
    assert safe_next(RequestFactory().get("/"), asked) == sent
