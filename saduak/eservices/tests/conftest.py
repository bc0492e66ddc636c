"""Fixtures for the e-services tests: the built-in services, a complete set of
answers for the low-income subsidy, and officers of Chiang Mai's first district."""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.areas.models import Office
from saduak.eservices.catalogue import builtin_services_install
from saduak.eservices.models import Application, Attachment, Service
from saduak.eservices.samples import sample_answers

LOW_INCOME = "low-income-family-assistance"


def complete_answers(applicant: User) -> dict[str, Any]:
    """Every required answer of the low-income subsidy's form."""
    return sample_answers(applicant)


def attach(application: Application, field_key: str = "bank_book") -> Attachment:
    """A document row as if uploaded (the bytes do not matter to the workflow)."""
    return Attachment.objects.create(
        application=application,
        field_key=field_key,
        original_name="bank-book.pdf",
        content_type="application/pdf",
        size=1000,
        sha256="0" * 64,
        storage_name=f"test/{application.reference}/{field_key}",
        wrapped_key=b"test",
        master_key_id="test",
        uploaded_at=timezone.now(),
    )


@pytest.fixture
def builtin_services(small_map: None) -> None:
    builtin_services_install()


@pytest.fixture
def low_income(builtin_services: None) -> Service:
    return Service.objects.get(code=LOW_INCOME)


@pytest.fixture
def district_office(small_map: None) -> Office:
    return Office.objects.get(code="do-5001")


@pytest.fixture
def officer(make_staff: Callable[[Role, str], User]) -> User:
    return make_staff(Role.COUNTER_OFFICER, "do-5001")


@pytest.fixture
def district_admin(make_staff: Callable[[Role, str], User]) -> User:
    return make_staff(Role.DISTRICT_ADMIN, "do-5001")


@pytest.fixture
def finance_officer(make_staff: Callable[[Role, str], User]) -> User:
    return make_staff(Role.FINANCE_OFFICER, "pao-50")
