"""The sign-in lockout (accounts/lockout.py): five wrong passwords per personal
ID per 15 minutes, across addresses and browsers, on every password check."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client

from saduak.accounts.lockout import (
    GuessBudgetBackend,
    lockout_username,
    password_recheck,
)
from saduak.audit.models import AuditEvent
from saduak.core.errors import InvalidInput
from saduak.identity.tests.oidc_helpers import make_client, make_partner

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery"


def _sign_in(client, personal_id, password, *, address="198.51.100.1", browser="A"):
    return client.post(
        "/accounts/login/",
        {"username": personal_id, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=browser,
    )


def test_the_lockout_counts_every_way_of_writing_one_personal_id_as_one(citizen):
    pid = citizen.personal_id
    dashed = f"{pid[0]}-{pid[1:5]}-{pid[5:10]}-{pid[10:12]}-{pid[12]}"
    thai = pid.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert {
        lockout_username(None, {"username": dashed}),
        lockout_username(None, {"personal_id": f" {pid} "}),
        lockout_username(None, {"username": thai}),
    } == {pid}
    assert lockout_username(None, {"username": "not an id"}) == "not an id"


def test_five_wrong_passwords_from_five_addresses_and_browsers_lock_the_id(
    client, citizen
):
    for n in range(5):
        _sign_in(
            client,
            citizen.personal_id,
            "wrong",
            address=f"203.0.113.{n}",
            browser=f"B{n}",
        )

    right = _sign_in(
        client, citizen.personal_id, RIGHT, address="192.0.2.77", browser="fresh"
    )

    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_while_locked_a_wrong_and_the_right_password_get_the_same_answer(
    client, citizen
):
    for _ in range(5):
        _sign_in(client, citizen.personal_id, "wrong")

    wrong = _sign_in(client, citizen.personal_id, "still wrong", browser="new")
    right = _sign_in(client, citizen.personal_id, RIGHT, browser="newer")

    assert (wrong.status_code, wrong.content) == (right.status_code, right.content)
    assert "_auth_user_id" not in client.session


def test_one_locked_id_does_not_lock_others_at_the_same_address(
    client, citizen, make_user
):
    neighbour = make_user()
    for _ in range(5):
        _sign_in(client, citizen.personal_id, "wrong")

    response = _sign_in(client, neighbour.personal_id, RIGHT)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(neighbour.pk)


def test_a_thousand_guesses_from_fifty_addresses_test_at_most_five_passwords(
    client, citizen, monkeypatch
):
    checked = []
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        checked.append(password)
        return original(self, request, username, password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    answers = set()
    for guess in range(1000):
        response = _sign_in(
            client,
            citizen.personal_id,
            f"guess-{guess}",
            address=f"198.51.100.{guess % 50}",
            browser=f"browser-{guess}",
        )
        answers.add(response.status_code)

    assert len(checked) == 5
    assert answers == {200, 429}
    assert _sign_in(client, citizen.personal_id, RIGHT).status_code == 429
    assert AccessAttempt.objects.filter(username=citizen.personal_id).exists()


def test_a_password_asked_again_counts_towards_the_same_lockout(rf, citizen):
    for _ in range(5):
        request = rf.post("/account/close/", REMOTE_ADDR="198.51.100.9")
        with pytest.raises(InvalidInput):
            password_recheck(request=request, user=citizen, password="wrong")

    request = rf.post("/account/close/", REMOTE_ADDR="198.51.100.10")
    with pytest.raises(InvalidInput):
        password_recheck(request=request, user=citizen, password=RIGHT)
    assert request.axes_locked_out


def test_the_right_password_asked_again_passes(rf, citizen):
    request = rf.post("/account/close/")
    password_recheck(request=request, user=citizen, password=RIGHT)


def test_the_token_endpoint_has_no_password_grant_for_any_client(client, citizen):
    public, _secret = make_client(make_partner(), confidential=False)

    def grant(password):
        return client.post(
            "/o/token/",
            {
                "grant_type": "password",
                "client_id": public.client_id,
                "username": citizen.personal_id,
                "password": password,
            },
        )

    wrong, right = grant("wrong"), grant(RIGHT)

    assert wrong.status_code == right.status_code == 400
    assert wrong.json() == right.json() == {"error": "unsupported_grant_type"}
    assert not AccessAttempt.objects.exists()


def test_guesses_that_axes_has_not_counted_yet_still_spend_the_ids_budget(
    rf, citizen, monkeypatch
):
    # Parallel requests all pass django-axes's check before any failure is
    # written; the budget is spent before each comparison, so they cannot.
    compared = []
    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        compared.append(password)
        return original(self, request, username, password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    backend = GuessBudgetBackend()
    refused = 0
    for guess in range(20):
        request = rf.post("/accounts/login/")
        try:
            backend.authenticate(request, citizen.personal_id, f"guess-{guess}")
        except PermissionDenied:
            refused += 1
            assert request.axes_locked_out

    assert (len(compared), refused) == (5, 15)
    with pytest.raises(PermissionDenied):
        backend.authenticate(rf.post("/"), citizen.personal_id, RIGHT)


def test_the_right_password_gives_the_guesses_back(rf, citizen):
    backend = GuessBudgetBackend()
    for _ in range(4):
        assert backend.authenticate(rf.post("/"), citizen.personal_id, "wrong") is None
    assert backend.authenticate(rf.post("/"), citizen.personal_id, RIGHT) == citizen
    for _ in range(5):
        assert backend.authenticate(rf.post("/"), citizen.personal_id, "wrong") is None


def test_the_help_desk_lifts_a_lockout_and_it_is_audited(client, citizen):
    for _ in range(6):
        _sign_in(client, citizen.personal_id, "wrong")
    assert _sign_in(client, citizen.personal_id, RIGHT).status_code == 429

    call_command("signin_unlock", citizen.personal_id)

    assert _sign_in(client, citizen.personal_id, RIGHT).status_code == 302
    event = AuditEvent.objects.get(action="accounts.lockout.lift")
    assert (event.actor_label, event.target_id) == (
        "command:signin_unlock",
        str(citizen.pk),
    )


def test_closing_the_digital_id_with_guessed_passwords_locks_the_id(
    client_for, citizen
):
    page = client_for(citizen)
    for _ in range(5):
        wrong = page.post("/account/close/", {"understood": "on", "password": "wrong"})
        assert wrong.status_code in (400, 200, 429)

    right = page.post("/account/close/", {"understood": "on", "password": RIGHT})

    assert right.status_code == 429
    citizen.refresh_from_db()
    assert citizen.is_active
    assert _sign_in(Client(), citizen.personal_id, RIGHT).status_code == 429
