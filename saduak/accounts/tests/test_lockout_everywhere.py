"""The guessing limit across every page that checks a password (issue 20): at
most five wrong passwords per personal ID per 15 minutes, wherever they are
typed. One person, wrong passwords spread over the Thai and English sign-in,
the second-factor removal, closing the digital ID and the admin's
change-password form: five are checked, the sixth anywhere is refused, and the
right password is refused everywhere while the ID is locked.

Every check is counted at `User.check_password`, the one place a password is
compared, so a page that compared it without the lockout would be counted too."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from saduak.accounts.models import User

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery"
NEW = "a brand new pass phrase 42"

Attempt = Callable[[str], int]


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passwords compared for any person, in order."""
    seen: list[str] = []
    original = User.check_password

    def counting(self: User, raw_password: str) -> bool:
        seen.append(raw_password)
        return original(self, raw_password)

    monkeypatch.setattr(User, "check_password", counting)
    return seen


def _endpoints(
    person: User, client_for: Callable[[User], Client]
) -> dict[str, Attempt]:
    """Every page that checks this person's password, each as one attempt with a
    given password, answering the status code."""
    signed_in = client_for(person)

    def sign_in(prefix: str) -> Attempt:
        def attempt(password: str) -> int:
            return (
                Client()
                .post(
                    f"{prefix}/accounts/login/",
                    {"username": person.personal_id, "password": password},
                )
                .status_code
            )

        return attempt

    def second_factor_removal(password: str) -> int:
        return signed_in.post(
            "/account/security/", {"action": "disable", "password": password}
        ).status_code

    def closing(password: str) -> int:
        return signed_in.post(
            "/account/close/", {"understood": "on", "password": password}
        ).status_code

    def admin_password_change(password: str) -> int:
        return signed_in.post(
            reverse("admin:password_change"),
            {"old_password": password, "new_password1": NEW, "new_password2": NEW},
        ).status_code

    return {
        "sign-in (th)": sign_in(""),
        "sign-in (en)": sign_in("/en"),
        "second factor removal": second_factor_removal,
        "closing the digital ID": closing,
        "admin change password": admin_password_change,
    }


def _untouched(person: User) -> None:
    person.refresh_from_db()
    assert person.is_active
    assert person.check_password(RIGHT)
    assert not person.check_password(NEW)


def test_five_wrong_passwords_over_every_page_lock_the_id_everywhere(
    admin_user: User, client_for: Callable[[User], Client], checks: list[str]
) -> None:
    endpoints = _endpoints(admin_user, client_for)
    for n, attempt in enumerate(endpoints.values()):
        assert attempt(f"wrong-{n}") in (200, 400, 429)
    assert checks == [f"wrong-{n}" for n in range(5)]

    # The sixth attempt, anywhere, with the right password: refused, unchecked.
    answers = {name: attempt(RIGHT) for name, attempt in endpoints.items()}

    assert answers == dict.fromkeys(endpoints, 429)
    assert len(checks) == 5
    _untouched(admin_user)


@pytest.mark.parametrize("start", range(5))
def test_a_guesser_going_round_every_page_tests_at_most_five_passwords(
    start: int,
    admin_user: User,
    client_for: Callable[[User], Client],
    checks: list[str],
) -> None:
    attempts = list(_endpoints(admin_user, client_for).values())
    attempts = attempts[start:] + attempts[:start]
    for n in range(30):
        attempts[n % len(attempts)](f"guess-{n}")

    assert len(checks) == 5
    for attempt in attempts:
        assert attempt(RIGHT) == 429
    _untouched(admin_user)


def test_the_admins_change_password_form_counts_wrong_passwords(
    admin_user: User, client_for: Callable[[User], Client], checks: list[str]
) -> None:
    """Django's form compared the current password itself, outside the lockout:
    a session left open could try passwords without end (the hole fixed here)."""
    change = _endpoints(admin_user, client_for)["admin change password"]
    for n in range(20):
        change(f"wrong-{n}")

    assert len(checks) == 5
    assert change(RIGHT) == 429
    _untouched(admin_user)


def test_the_admins_change_password_form_still_changes_the_password(
    admin_user: User, client_for: Callable[[User], Client]
) -> None:
    change = _endpoints(admin_user, client_for)["admin change password"]

    assert change(RIGHT) == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password(NEW)
