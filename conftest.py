"""Fixtures shared by every test: a small map with its offices, and people in each
role."""

import contextlib
import shutil
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.services import staff_role_grant
from saduak.areas.geography import AreaRow
from saduak.areas.models import Office
from saduak.areas.sync import areas_sync
from saduak.core.personal_id import with_check_digit

# Property tests check what is true, not how fast: a loaded CI machine must not
# turn a slow example into a failure (speed lives in bench/).
hypothesis_settings.register_profile(
    "saduak", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("saduak")

SMALL_MAP = [
    AreaRow("province", "10", "กรุงเทพมหานคร", "Bangkok", None),
    AreaRow("district", "1001", "เขตพระนคร", "Phra Nakhon", "10"),
    AreaRow(
        "subdistrict",
        "100101",
        "พระบรมมหาราชวัง",
        "Phra Borom Maha Ratchawang",
        "1001",
        "10200",
    ),
    AreaRow("province", "50", "เชียงใหม่", "Chiang Mai", None),
    AreaRow("district", "5001", "เมืองเชียงใหม่", "Mueang Chiang Mai", "50"),
    AreaRow("subdistrict", "500101", "ศรีภูมิ", "Si Phum", "5001", "50200"),
    AreaRow("subdistrict", "500102", "พระสิงห์", "Phra Sing", "5001", "50200"),
    AreaRow("district", "5002", "จอมทอง", "Chom Thong", "50"),
    AreaRow("subdistrict", "500201", "บ้านหลวง", "Ban Luang", "5002", "50160"),
]

_serial = iter(range(1, 10**6))


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """The database is rolled back after each test; the cache must be too."""
    from saduak.core.memo import clear_all_memos

    cache.clear()
    clear_all_memos()


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the site's default language: a request to an
    English page leaves English active in the thread (LocaleMiddleware
    activates the request's language and nothing resets it), and a later
    test's `reverse()` would then give /en/ addresses."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def audit_checkpoints_apart(settings: Any) -> Iterator[None]:
    """Each test's audit chain starts afresh (the database is rolled back), so its
    signed checkpoints go to a folder of their own, removed afterwards."""
    from django.core.files.storage import default_storage

    folder = f"audit/checkpoints-test/{uuid.uuid4().hex}"
    settings.AUDIT_CHECKPOINT_DIR = folder
    yield
    with contextlib.suppress(NotImplementedError, FileNotFoundError):
        shutil.rmtree(default_storage.path(folder), ignore_errors=True)


@pytest.fixture
def small_map(db: None) -> None:
    areas_sync(actor="test", rows=list(SMALL_MAP))


def new_personal_id() -> str:
    return with_check_digit(f"3{next(_serial):011d}")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(**fields: object) -> User:
        fields.setdefault("first_name", "ทดสอบ")
        fields.setdefault("last_name", "ระบบ")
        return User.objects.create_user(
            new_personal_id(), "correct horse battery", **fields
        )

    return make


@pytest.fixture
def make_staff(
    small_map: None, make_user: Callable[..., User]
) -> Callable[[Role, str], User]:
    def make(role: Role, office_code: str) -> User:
        user = make_user()
        staff_role_grant(
            user=user,
            role=role,
            office=Office.objects.get(code=office_code),
            actor="test",
        )
        return user

    return make


@pytest.fixture
def citizen(make_user: Callable[..., User]) -> User:
    return make_user(first_name="สมศรี", last_name="ใจดี")


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    """A test client signed in as the given user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def admin_user(db: None) -> User:
    """pytest-django's admin_user, with a personal ID since that is the username."""
    return User.objects.create_superuser(
        new_personal_id(), "correct horse battery", first_name="ผู้ดูแล", last_name="ระบบ"
    )
